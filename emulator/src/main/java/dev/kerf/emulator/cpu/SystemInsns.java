package dev.kerf.emulator.cpu;

/**
 * Decoding side of the system instructions: privilege checks here, semantics in
 * {@link SystemOps} (owned by the protected-mode work). Also HLT, CPUID and RDTSC.
 *
 * <p>Privileged (CPL 0, else #GP(0)): LGDT LIDT LLDT LTR LMSW CLTS INVLPG INVD WBINVD HLT RDMSR
 * WRMSR and MOV to/from CRn/DRn. Not privileged: SGDT SIDT SLDT STR SMSW (no UMIP), and LAR LSL
 * VERR VERW, which report through ZF instead of faulting. Debug registers are stored and read
 * back but have no effect. kerf has no model-specific registers: RDMSR and WRMSR raise #GP(0) for
 * every index (CPUID leaf 1 leaves the MSR bit clear), so a kernel's {@code rdmsr_safe} fixup sees
 * the fault it expects.
 */
final class SystemInsns {
    /** CPUID leaf 0 vendor string "KerfKerfKerf" as EBX, EDX, ECX. */
    private static final int VENDOR_EBX = 0x6672654B, VENDOR_EDX = 0x6672654B, VENDOR_ECX = 0x6672654B;
    /** Family 6, model 1, stepping 1. */
    static final int CPUID_SIGNATURE = 0x00000611;
    /** Leaf 1 EDX: FPU (bit 0, the x87 of {@link X87Insns}), TSC (bit 4), CX8 (bit 8), CMOV (bit 15). */
    static final int CPUID_FEATURES = 1 | (1 << 4) | (1 << 8) | (1 << 15);

    private SystemInsns() {}

    static void hlt(Executor x) {
        x.requireCpl0();
        x.cpu.halted = true;
    }

    /** 0F 00: SLDT STR LLDT LTR VERR VERW. */
    static void group6(Executor x) {
        Cpu c = x.cpu;
        switch (x.regf) {
            case 0: storeSelector(x, c.ldtr.selector); return;
            case 1: storeSelector(x, c.tr.selector); return;
            case 2: x.requireCpl0(); SystemOps.lldt(c, x.rm16()); return;
            case 3: x.requireCpl0(); SystemOps.ltr(c, x.rm16()); return;
            default: setZf(c, SystemOps.verify(c, x.rm16(), x.regf == 5));
        }
    }

    /**
     * 0F 02 LAR / 0F 03 LSL r, r/m16: on success ZF = 1 and the register gets the access rights
     * (16-bit: bits 15..8; 32-bit: bits 23..20 and 15..8) or the byte-granular limit (16-bit:
     * its low half); on failure ZF = 0 and the register is unchanged.
     */
    static void larLsl(Executor x, int op) {
        Cpu c = x.cpu;
        int sel = x.rm16();
        long v = op == 0x02 ? SystemOps.lar(c, sel) : SystemOps.lsl(c, sel);
        if (v >= 0) x.setRegv(x.opMask(), x.regf, (int) v);
        setZf(c, v >= 0);
    }

    private static void setZf(Cpu c, boolean zf) {
        Flags.materialize(c);
        c.flagBits = zf ? c.flagBits | Flags.ZF : c.flagBits & ~Flags.ZF;
    }

    /** 0F 30 WRMSR / 0F 32 RDMSR: #GP(0) at CPL &gt; 0, and #GP(0) for every MSR (none is modelled). */
    static void msr(Executor x) {
        x.requireCpl0();
        throw CpuFault.withCode(Vectors.GP, 0);
    }

    private static void storeSelector(Executor x, int sel) {
        if (x.rm >= 0) x.setRegv(x.opMask(), x.rm, sel);
        else x.write16(x.ea, sel);
    }

    /** 0F 01: SGDT SIDT LGDT LIDT SMSW LMSW INVLPG. A 16-bit operand size uses a 24-bit base. */
    static void group7(Executor x) {
        Cpu c = x.cpu;
        int baseMask = x.o32 ? -1 : 0x00FFFFFF;
        switch (x.regf) {
            case 0:
            case 1: {
                boolean gdt = x.regf == 0;
                x.write16(x.ea, gdt ? c.gdtLimit : c.idtLimit);
                x.write32(x.ea + 2, (gdt ? c.gdtBase : c.idtBase) & baseMask);
                return;
            }
            case 2:
            case 3: {
                x.requireCpl0();
                int limit = x.read16(x.ea);
                int base = x.read32(x.ea + 2) & baseMask;
                if (x.regf == 2) SystemOps.lgdt(c, base, limit);
                else SystemOps.lidt(c, base, limit);
                return;
            }
            case 4:
                if (x.rm >= 0) x.setRegv(x.opMask(), x.rm, c.cr0);
                else x.write16(x.ea, c.cr0);
                return;
            case 6: {
                x.requireCpl0();
                int v = x.rm16();
                // LMSW loads PE MP EM TS; it can set PE but not clear it.
                SystemOps.writeCr(c, 0, (c.cr0 & ~0xE) | (v & 0xF) | (c.cr0 & 1));
                return;
            }
            default:
                x.requireCpl0();
                SystemOps.invlpg(c, x.ea);
        }
    }

    /** 0F 06 CLTS, 0F 08 INVD, 0F 09 WBINVD (the latter two do nothing: there are no caches). */
    static void privilegedNoOperand(Executor x, int op) {
        x.requireCpl0();
        if (op == 0x06) SystemOps.clts(x.cpu);
    }

    /** 0F 20-23: MOV r32, CRn / MOV CRn, r32 / MOV r32, DRn / MOV DRn, r32. */
    static void movControl(Executor x, int op) {
        x.requireCpl0();
        Cpu c = x.cpu;
        int n = x.regf;
        switch (op) {
            case 0x20: x.reg[x.rm] = SystemOps.readCr(c, n); return;
            case 0x22: SystemOps.writeCr(c, n, x.reg[x.rm]); return;
            case 0x21: x.reg[x.rm] = c.dr[debugIndex(n)]; return;
            default: c.dr[debugIndex(n)] = x.reg[x.rm];
        }
    }

    /** DR4/DR5 alias DR6/DR7 (CR4.DE clear). */
    private static int debugIndex(int n) {
        return n == 4 || n == 5 ? n + 2 : n;
    }

    /** 0F A2: fixed, deterministic answers. */
    static void cpuid(Executor x) {
        int[] reg = x.reg;
        int leaf = reg[Cpu.EAX];
        int a = 0, b = 0, c = 0, d = 0;
        if (leaf == 0) {
            a = 1;
            b = VENDOR_EBX;
            d = VENDOR_EDX;
            c = VENDOR_ECX;
        } else if (leaf == 1) {
            a = CPUID_SIGNATURE;
            d = CPUID_FEATURES;
        } else if (leaf == 0x80000000) {
            a = 0x80000000;
        }
        reg[Cpu.EAX] = a;
        reg[Cpu.EBX] = b;
        reg[Cpu.ECX] = c;
        reg[Cpu.EDX] = d;
    }

    /** 0F 31: EDX:EAX = bus.readTsc(icount); #GP(0) at CPL > 0 when CR4.TSD is set. */
    static void rdtsc(Executor x) {
        Cpu c = x.cpu;
        if ((c.cr4 & 4) != 0 && c.cpl != 0) throw CpuFault.withCode(Vectors.GP, 0);
        long t = c.bus.readTsc(c.icount);
        x.reg[Cpu.EAX] = (int) t;
        x.reg[Cpu.EDX] = (int) (t >>> 32);
    }
}
