package dev.kerf.emulator.cpu;

/**
 * System instructions' semantics: descriptor-table registers, control registers, TLB control.
 * The executor decodes them, checks CPL 0 (raising #GP(0) otherwise) and calls these.
 *
 * <p>Control registers: CR0 keeps PE MP EM TS ET NE WP AM NW CD PG (other bits read as 0; ET is
 * hard-wired to 1). PG without PE and NW without CD are #GP(0); clearing PE once set is #GP(0)
 * because real mode is not emulated. CR4 accepts TSD (RDTSC at CPL &gt; 0 faults: the executor
 * checks it), PSE (4 MiB pages) and PGE (global pages are accepted but flushed like others); any
 * other bit is #GP(0). CPUID may advertise PSE and PGE. CR2 and CR3 take any value (CR3 bits 11..0 are kept but
 * ignored). CR1, CR5..CR7 are #UD.
 */
public final class SystemOps {
    public static final int CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 0x10, CR0_NE = 0x20,
            CR0_WP = 0x10000, CR0_AM = 0x40000, CR0_NW = 0x20000000, CR0_CD = 0x40000000, CR0_PG = 0x80000000;
    public static final int CR4_TSD = 0x4, CR4_PSE = 0x10, CR4_PGE = 0x80;

    private static final int CR0_DEFINED = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP
            | CR0_AM | CR0_NW | CR0_CD | CR0_PG;
    /** CR0 bits that change how linear addresses translate. */
    private static final int CR0_PAGING = CR0_PE | CR0_PG | CR0_WP;
    private static final int CR4_SUPPORTED = CR4_TSD | CR4_PSE | CR4_PGE;
    /** CR4 bits that change how linear addresses translate. */
    private static final int CR4_PAGING = CR4_PSE | CR4_PGE;

    private SystemOps() {}

    public static void lgdt(Cpu cpu, int base, int limit) { cpu.gdtBase = base; cpu.gdtLimit = limit & 0xFFFF; }
    public static void lidt(Cpu cpu, int base, int limit) { cpu.idtBase = base; cpu.idtLimit = limit & 0xFFFF; }

    /** LLDT: a null selector disables the LDT; otherwise an LDT descriptor from the GDT. */
    public static void lldt(Cpu cpu, int selector) {
        int sel = selector & 0xFFFF;
        if ((sel & 0xFFFC) == 0) {
            cpu.ldtr.set(sel, 0, 0, 0);
            return;
        }
        if ((sel & 4) != 0) throw CpuFault.withCode(Vectors.GP, sel & 0xFFFC);
        int at = DescriptorTable.locateOrFault(cpu, sel, Vectors.GP, 0);
        long d = DescriptorTable.read(cpu, at);
        int access = DescriptorTable.access(d);
        if (DescriptorTable.isSegment(access) || DescriptorTable.systemType(access) != DescriptorTable.TYPE_LDT) {
            throw CpuFault.withCode(Vectors.GP, sel & 0xFFFC);
        }
        if (!DescriptorTable.present(access)) throw CpuFault.withCode(Vectors.NP, sel & 0xFFFC);
        DescriptorTable.fill(cpu.ldtr, sel, d, access);
    }

    /** LTR: an available 32-bit TSS from the GDT, which is then marked busy in memory. */
    public static void ltr(Cpu cpu, int selector) {
        int sel = selector & 0xFFFF;
        if ((sel & 0xFFFC) == 0) throw CpuFault.withCode(Vectors.GP, 0);
        if ((sel & 4) != 0) throw CpuFault.withCode(Vectors.GP, sel & 0xFFFC);
        int at = DescriptorTable.locateOrFault(cpu, sel, Vectors.GP, 0);
        long d = DescriptorTable.read(cpu, at);
        int access = DescriptorTable.access(d);
        if (DescriptorTable.isSegment(access)
                || DescriptorTable.systemType(access) != DescriptorTable.TYPE_TSS32_AVAILABLE) {
            throw CpuFault.withCode(Vectors.GP, sel & 0xFFFC);
        }
        if (!DescriptorTable.present(access)) throw CpuFault.withCode(Vectors.NP, sel & 0xFFFC);
        cpu.mmu.sysWrite32(at + 4, (int) (d >>> 32) | 0x200); // busy: type 9 → 0xB
        DescriptorTable.fill(cpu.tr, sel, d, access | 0x2);
    }

    /** MOV CRn, r32 (n = 0, 2, 3, 4; others #UD). Keeps the MMU in step. */
    public static void writeCr(Cpu cpu, int n, int value) {
        switch (n) {
            case 0: writeCr0(cpu, value); break;
            case 2: cpu.cr2 = value; break;
            case 3: {
                int old = cpu.cr3;
                cpu.cr3 = value;
                cpu.mmu.setControl(cpu.cr0, cpu.cr3, cpu.cr4); // a CR3 write always flushes
                HookCalls.cr3(cpu, old);
                break;
            }
            case 4: writeCr4(cpu, value); break;
            default: throw CpuFault.of(Vectors.UD);
        }
    }

    public static int readCr(Cpu cpu, int n) {
        switch (n) {
            case 0: return cpu.cr0;
            case 2: return cpu.cr2;
            case 3: return cpu.cr3;
            case 4: return cpu.cr4;
            default: throw CpuFault.of(Vectors.UD);
        }
    }

    /** System descriptor types LAR accepts: TSS (16/32-bit, available/busy), LDT, call gates, task gate. */
    private static final int LAR_SYSTEM_TYPES = 1 << 0x1 | 1 << 0x2 | 1 << 0x3 | 1 << 0x4 | 1 << 0x5
            | 1 << 0x9 | 1 << 0xB | 1 << 0xC;
    /** System descriptor types LSL accepts: TSS (16/32-bit, available/busy) and LDT (no gates: they have no limit). */
    private static final int LSL_SYSTEM_TYPES = 1 << 0x1 | 1 << 0x2 | 1 << 0x3 | 1 << 0x9 | 1 << 0xB;

    /**
     * LAR: the access-rights dword (descriptor high dword masked by 0x00FFFF00: type S DPL P,
     * limit bits 19..16, AVL L D/B G; the SDM leaves 19..16 undefined, hardware returns the limit
     * bits, as an x86-64 host's {@code lar} of its own CS shows), or -1 when ZF is to be cleared: null selector,
     * outside its table, a system type outside {@link #LAR_SYSTEM_TYPES}, or DPL &lt; max(CPL, RPL)
     * for anything but a conforming code segment. The present bit is not checked; no fault
     * other than #PF on the table read.
     */
    public static long lar(Cpu cpu, int selector) {
        long at = inspectable(cpu, selector);
        if (at < 0) return -1;
        long d = DescriptorTable.read(cpu, (int) at);
        if (!visible(cpu, selector, DescriptorTable.access(d), LAR_SYSTEM_TYPES)) return -1;
        return (d >>> 32) & 0x00FFFF00L;
    }

    /** LSL: the byte-granular limit (G applied), or -1 under the same rules as {@link #lar} with {@link #LSL_SYSTEM_TYPES}. */
    public static long lsl(Cpu cpu, int selector) {
        long at = inspectable(cpu, selector);
        if (at < 0) return -1;
        long d = DescriptorTable.read(cpu, (int) at);
        if (!visible(cpu, selector, DescriptorTable.access(d), LSL_SYSTEM_TYPES)) return -1;
        return Integer.toUnsignedLong(DescriptorTable.limit(d));
    }

    /**
     * VERR ({@code write} false) / VERW: true (ZF = 1) when the selector names a code or data
     * segment that is readable (VERR: data, or readable code) or writable (VERW: writable data)
     * and visible at max(CPL, RPL) (conforming code is always visible). System descriptors, null
     * selectors and selectors outside their table give false; presence is not checked.
     */
    public static boolean verify(Cpu cpu, int selector, boolean write) {
        long at = inspectable(cpu, selector);
        if (at < 0) return false;
        int access = DescriptorTable.access(DescriptorTable.read(cpu, (int) at));
        if (!visible(cpu, selector, access, 0)) return false;
        return write ? DescriptorTable.isWritableData(access) : DescriptorTable.isReadable(access);
    }

    /** Address of the descriptor, or -1 for a null selector or one outside the GDT/LDT. */
    private static long inspectable(Cpu cpu, int selector) {
        int sel = selector & 0xFFFF;
        if ((sel & 0xFFFC) == 0) return -1;
        return DescriptorTable.locate(cpu, sel);
    }

    /** Type accepted (segments always, system descriptors if in {@code systemTypes}) and DPL ≥ max(CPL, RPL) unless conforming code. */
    private static boolean visible(Cpu cpu, int selector, int access, int systemTypes) {
        if (!DescriptorTable.isSegment(access) && ((systemTypes >>> DescriptorTable.systemType(access)) & 1) == 0) {
            return false;
        }
        if (DescriptorTable.isConformingCode(access)) return true;
        int dpl = DescriptorTable.dpl(access);
        return dpl >= cpu.cpl && dpl >= (selector & 3);
    }

    public static void invlpg(Cpu cpu, int linear) { cpu.mmu.invlpg(linear); }

    public static void clts(Cpu cpu) { cpu.cr0 &= ~CR0_TS; }

    private static void writeCr0(Cpu cpu, int value) {
        int v = (value & CR0_DEFINED) | CR0_ET;
        boolean pgWithoutPe = (v & CR0_PG) != 0 && (v & CR0_PE) == 0;
        boolean nwWithoutCd = (v & CR0_NW) != 0 && (v & CR0_CD) == 0;
        boolean backToRealMode = (v & CR0_PE) == 0 && (cpu.cr0 & CR0_PE) != 0;
        if (pgWithoutPe || nwWithoutCd || backToRealMode) throw CpuFault.withCode(Vectors.GP, 0);
        int old = cpu.cr0;
        cpu.cr0 = v;
        if (((old ^ v) & CR0_PAGING) != 0) cpu.mmu.setControl(cpu.cr0, cpu.cr3, cpu.cr4);
    }

    private static void writeCr4(Cpu cpu, int value) {
        if ((value & ~CR4_SUPPORTED) != 0) throw CpuFault.withCode(Vectors.GP, 0);
        int old = cpu.cr4;
        cpu.cr4 = value;
        if (((old ^ value) & CR4_PAGING) != 0) cpu.mmu.setControl(cpu.cr0, cpu.cr3, cpu.cr4);
    }
}
