package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.RandomPrograms.*;

import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.mmu.PhysicalMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A protected-mode machine for one {@link RandomPrograms.Program} and one execution engine, and
 * the comparison of two such machines ({@link #firstDifference}).
 *
 * <pre>
 *   0x00000 IDT (256 gates)   0x00800 GDT   0x00900 TSS (esp0 0x6000, ss0 0x10)   0x00980 LDT
 *   0x01000 page directory    0x02000 page table (identity; see below)
 *   0x03000 exception and interrupt stubs, 16 bytes per vector   0x04000 SKIP routine
 *   0x05000 kernel stack      0x06000-0x08FFF code (user)        0x09000-0x0AFFF data (user)
 *   0x0B000 read-only user    0x0C000 supervisor                 0x0D000 not present
 *   0x0E000 user stack        0x0F000 loop counters (user)       0x10000 instruction lengths
 *   0x12FF0 page-end trampoline (its last instruction runs into 0x13000)
 *   0x13000-0x13FFF RAM no page table entry maps; 0x14000 and up: no RAM
 * </pre>
 *
 * GDT: 0x08 kernel code, 0x10 kernel data, 0x1B user code, 0x23 user data (all flat), 0x28 TSS,
 * 0x33 small data (base 0x9000, limit 0xFFF), 0x3B expand-down data (limit 0x8FFF), 0x40 kernel
 * data and 0x4B user data with limit 0xFFFF (the "limited" stacks), 0x53 not present, 0x58 LDT,
 * 0x63 read-only data, 0x6B readable user code, 0x73 execute-only code, 0x78 conforming code.
 *
 * <p>Handlers: faults (with or without error code) go to SKIP, which moves the saved EIP past the
 * faulting instruction using the program's length table (or, if the EIP is not an instruction of
 * the program, to the resume pointer a program set before calling the page-end trampoline, once,
 * else to the program's end) and IRETs; traps, INT n and external interrupts IRET at once;
 * INT 0x7F halts at ring 0 with IF clear (the end of ring-3 programs).
 */
final class EquivalenceMachine {
    static final int IDT = 0x0, GDT = 0x800, TSS = 0x900, LDT = 0x980, PAGE_DIR = 0x1000, STUBS = 0x3000,
            SKIP = 0x4000, END_POINTER = 0x4FF0, RESUME_POINTER = 0x4FF4, LENGTHS = 0x10000, KERNEL_STACK_TOP = 0x6000;
    /** Most instructions a program may retire (REP iterations count one each). */
    static final long ICOUNT_CAP = 4000;
    private static final java.lang.invoke.VarHandle I64 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** One delivery seen by the interrupt hook. */
    record Event(int vector, InterruptHook.Source source, int errorCode, long icount, int eip, int cpl, int faults) {
        @Override
        public String toString() {
            return String.format("%s vector 0x%x error %d at icount %d eip %08x cpl %d faults %d", source, vector,
                    errorCode, icount, eip, cpl, faults);
        }
    }

    /** Deterministic devices: INTR as the test sets it, port reads from a counter, a log of port traffic. */
    static final class Bus implements CpuBus {
        boolean irq;
        final int vector;
        int reads;
        final StringBuilder log = new StringBuilder();

        Bus(int vector) {
            this.vector = vector;
        }

        @Override
        public int in(int port, int size) {
            reads++;
            log.append("in ").append(Integer.toHexString(port)).append('/').append(size).append(';');
            int v = 0x9E3779B9 * (port + 1) + reads * 0x01010101;
            return size == 4 ? v : v & ((1 << (8 * size)) - 1);
        }

        @Override
        public void out(int port, int size, int value) {
            log.append("out ").append(Integer.toHexString(port)).append('/').append(size).append('=')
                    .append(Integer.toHexString(value)).append(';');
        }

        @Override
        public boolean interruptRequested() {
            return irq;
        }

        @Override
        public int acknowledgeInterrupt() {
            irq = false;
            return vector;
        }

        @Override
        public long readTsc(long icount) {
            return 0x0000_1234_0000_0000L + icount * 3;
        }
    }

    final RandomPrograms.Program program;
    final PhysicalMemory memory = new PhysicalMemory(RAM_SIZE);
    final Bus bus;
    final Cpu cpu;
    final List<Event> history = new ArrayList<>();
    CpuStop lastStop;

    EquivalenceMachine(RandomPrograms.Program p, byte[] image, Cpu.Engine engine) {
        this(p, image, engine, new CodeCache(CodeCache.DEFAULT_ENTRIES));
    }

    /** With compiled code shared through {@code cache} (a private one: the translator starts cold). */
    EquivalenceMachine(RandomPrograms.Program p, byte[] image, Cpu.Engine engine, CodeCache cache) {
        program = p;
        bus = new Bus(p.config().irqVector());
        cpu = new Cpu(memory, bus);
        cpu.useCodeCache(cache);
        cpu.setEngine(engine);
        // Blocks are made at the first visit of their start in one program of eight, and after 8
        // visits (loops) in the others, which the interpreter runs until then: both meet every kind
        // of program, and the class stays fast (a compilation defines a class).
        cpu.translator.compileAfter = (p.seed() & 7) == 0 ? 1 : 8;
        memory.load(0, image, 0, image.length);
        setUp(p);
        cpu.hooks.add((InterruptHook) (c, vector, source, errorCode) ->
                history.add(new Event(vector, source, errorCode, c.icount, c.eip, c.cpl, c.faultsSinceRetire())));
    }

    private void setUp(RandomPrograms.Program p) {
        RandomPrograms.Config cfg = p.config();
        ResetState.enterFlatProtectedMode(cpu);
        SystemOps.lgdt(cpu, GDT, 16 * 8 - 1);
        SystemOps.lidt(cpu, IDT, 256 * 8 - 1);
        SystemOps.ltr(cpu, 0x28);
        SystemOps.lldt(cpu, 0x58);
        int cr0 = SystemOps.CR0_PE | SystemOps.CR0_ET | SystemOps.CR0_WP | (cfg.numericError() ? SystemOps.CR0_NE : 0)
                | (cfg.paging() ? SystemOps.CR0_PG : 0);
        SystemOps.writeCr(cpu, 3, PAGE_DIR);
        SystemOps.writeCr(cpu, 0, cr0);
        if (cfg.ring3()) {
            cpu.seg[Cpu.CS].set(0x1B, 0, 0xFFFFFFFF, 0xC0FB);
            int ss = cfg.limitedStack() ? 0x4B : 0x23;
            cpu.seg[Cpu.SS].set(ss, 0, cfg.limitedStack() ? 0xFFFF : 0xFFFFFFFF, cfg.limitedStack() ? 0x40F3 : 0xC0F3);
            for (int s : new int[] {Cpu.DS, Cpu.ES, Cpu.FS, Cpu.GS}) cpu.seg[s].set(0x23, 0, 0xFFFFFFFF, 0xC0F3);
            cpu.setCpl(3);
        } else {
            SegmentLoader.farJump(cpu, 0x08, 0, true);
            SegmentLoader.load(cpu, Cpu.SS, cfg.limitedStack() ? 0x40 : 0x10);
            for (int s : new int[] {Cpu.DS, Cpu.ES, Cpu.FS, Cpu.GS}) SegmentLoader.load(cpu, s, 0x10);
        }
        System.arraycopy(p.regs(), 0, cpu.reg, 0, 8);
        cpu.eip = p.origin();
        cpu.setEflags(p.eflags());
        cpu.icount = 0;
    }

    /** The RAM image of {@code p}: tables, handlers, lengths, code, and random data everywhere else. */
    static byte[] image(RandomPrograms.Program p) {
        PhysicalMemory m = new PhysicalMemory(RAM_SIZE);
        byte[] ram = m.array();
        SplittableRandom r = new SplittableRandom(p.seed() * 31 + 7);
        for (int a = 0x5000; a < RAM_SIZE; a += 8) I64.set(ram, a, r.nextLong());
        Arrays.fill(ram, LENGTHS, LENGTHS + CODE_AREA_SIZE, (byte) 0);
        Arrays.fill(ram, COUNTERS, COUNTERS + 0x1000, (byte) 0);
        // GDT
        descriptor(ram, GDT, 0x08, 0, 0xFFFFF, 0xC09B);
        descriptor(ram, GDT, 0x10, 0, 0xFFFFF, 0xC093);
        descriptor(ram, GDT, 0x18, 0, 0xFFFFF, 0xC0FB);
        descriptor(ram, GDT, 0x20, 0, 0xFFFFF, 0xC0F3);
        descriptor(ram, GDT, 0x28, TSS, 0x67, 0x0089);
        descriptor(ram, GDT, 0x30, DATA, 0xFFF, 0x40F3);
        descriptor(ram, GDT, 0x38, 0, 0x8FFF, 0x40F7);
        descriptor(ram, GDT, 0x40, 0, 0xFFFF, 0x4093);
        descriptor(ram, GDT, 0x48, 0, 0xFFFF, 0x40F3);
        descriptor(ram, GDT, 0x50, 0, 0xFFFFF, 0xC073);
        descriptor(ram, GDT, 0x58, LDT, 0x0F, 0x0082);
        descriptor(ram, GDT, 0x60, 0, 0xFFFFF, 0xC0F1);
        descriptor(ram, GDT, 0x68, 0, 0xFFFFF, 0xC0FB);
        descriptor(ram, GDT, 0x70, 0, 0xFFFFF, 0xC0F9);
        descriptor(ram, GDT, 0x78, 0, 0xFFFFF, 0xC09F);
        descriptor(ram, LDT, 0x08, 0, 0xFFFFF, 0xC0F3);
        m.write32(TSS + 4, KERNEL_STACK_TOP);
        m.write32(TSS + 8, 0x10);
        // paging: identity map of the first 0x13 pages
        m.write32(PAGE_DIR, PAGE_TABLE | 7);
        for (int page = 0; page < 0x13; page++) {
            int a = page << 12, flags;
            if (a >= CODE_AREA && a < DATA + DATA_SIZE || a == 0xE000 || a == COUNTERS) flags = 7;
            else if (a == READ_ONLY) flags = 5;
            else if (a == NOT_PRESENT) flags = 0;
            else flags = 3;
            m.write32(PAGE_TABLE + page * 4, flags == 0 ? a | 6 : a | flags);
        }
        // gates and stubs
        for (int v = 0; v < 256; v++) {
            int stub = STUBS + v * 16;
            boolean errorCode = v == 8 || v >= 10 && v <= 14 || v == 17;
            boolean fault = v == 0 || v == 5 || v == 6 || v == 7 || v == 16;
            if (errorCode) {
                put(ram, stub, 0x83, 0xC4, 0x04, 0xE9);        // add esp, 4; jmp SKIP
                m.write32(stub + 4, SKIP - (stub + 8));
            } else if (fault) {
                put(ram, stub, 0xE9);                          // jmp SKIP
                m.write32(stub + 1, SKIP - (stub + 5));
            } else if (v == 0x7E) {
                put(ram, stub, 0x66, 0xCF);                    // iret (16-bit gate)
            } else if (v == 0x7F) {
                put(ram, stub, 0xF4, 0xEB, 0xFD);              // hlt; jmp hlt
            } else {
                put(ram, stub, 0xCF);                          // iretd
            }
            int type = v == 6 || v == 0x41 ? 0xF : v == 0x7E ? 0x6 : 0xE;
            boolean user = v == 3 || v == 4 || v == 5 || v >= 0x20 && v < 0x30 || v == 0x41 || v == 0x7E || v == 0x7F
                    || v == 0x50;
            boolean present = v != 0x50 && (v < 0x42 || v == 0x7E || v == 0x7F);
            if (v == 0x60) continue; // no gate at all
            gate(m, v, 0x08, stub, type, user ? 3 : 0, present);
        }
        put(ram, SKIP,
                0x50, 0x53,                                    // push eax; push ebx
                0x8B, 0x44, 0x24, 0x08,                        // mov eax, [esp+8]   (saved EIP)
                0x2D, 0x00, 0x60, 0x00, 0x00,                  // sub eax, CODE_AREA
                0x3D, 0x00, 0x30, 0x00, 0x00,                  // cmp eax, CODE_AREA_SIZE
                0x73, 19,                                      // jae toEnd
                0x2E, 0x0F, 0xB6, 0x98, 0x00, 0x00, 0x01, 0x00, // movzx ebx, byte cs:[eax + LENGTHS]
                0x85, 0xDB,                                    // test ebx, ebx
                0x74, 7,                                       // jz toEnd
                0x01, 0x5C, 0x24, 0x08,                        // add [esp+8], ebx
                0x5B, 0x58, 0xCF,                              // pop ebx; pop eax; iretd
                0x2E, 0xA1, 0xF4, 0x4F, 0x00, 0x00,            // toEnd: mov eax, cs:[RESUME_POINTER]
                0x89, 0x44, 0x24, 0x08,                        // mov [esp+8], eax
                0x2E, 0xA1, 0xF0, 0x4F, 0x00, 0x00,            // mov eax, cs:[END_POINTER]
                0x36, 0xA3, 0xF4, 0x4F, 0x00, 0x00,            // mov ss:[RESUME_POINTER], eax (used once)
                0x5B, 0x58, 0xCF);                             // pop ebx; pop eax; iretd
        m.write32(END_POINTER, p.origin() + p.end());
        m.write32(RESUME_POINTER, p.origin() + p.end());
        // the page-end trampoline: NOPs, then an instruction that runs into the unmapped page
        // (a fetch #PF with paging on; it completes without), then RET
        byte[] straddle = STRADDLERS[(int) Math.floorMod(p.seed(), (long) STRADDLERS.length)];
        int split = 1 + (int) Math.floorMod(p.seed() >>> 8, (long) (straddle.length - 1));
        int at = UNMAPPED - split;
        Arrays.fill(ram, TRAMPOLINE, at, (byte) 0x90);
        System.arraycopy(straddle, 0, ram, at, straddle.length);
        ram[at + straddle.length] = (byte) 0xC3;
        // the program and its instruction lengths
        System.arraycopy(p.code(), 0, ram, p.origin(), p.code().length);
        int[] s = p.starts();
        for (int i = 0; i < s.length; i++) {
            int next = i + 1 < s.length ? s[i + 1] : p.code().length;
            ram[LENGTHS + p.origin() - CODE_AREA + s[i]] = (byte) (next - s[i]);
        }
        return ram;
    }

    /** Where programs call the page-end trampoline (the last 16 bytes of the last mapped page). */
    static final int TRAMPOLINE = UNMAPPED - 16;
    /** Instructions the trampoline splits across the page end (at a random byte). */
    private static final byte[][] STRADDLERS = {
            {0x05, 0x11, 0x22, 0x33, 0x44},                          // add eax, imm32
            {0x0F, (byte) 0xA2},                                       // cpuid
            {(byte) 0x8B, (byte) 0x84, 0x24, 0x00, 0x00, 0x00, 0x00},  // mov eax, [esp+0]
            {0x66, 0x0F, (byte) 0xB6, (byte) 0xC3},                    // movzx ax, bl
            {(byte) 0xF3, (byte) 0xA5},                                // rep movsd (ECX 0 or small)
    };

    private static void put(byte[] ram, int at, int... bytes) {
        for (int i = 0; i < bytes.length; i++) ram[at + i] = (byte) bytes[i];
    }

    /** A segment descriptor; {@code access} in {@link SegmentCache#access} layout, limit raw 20 bits. */
    private static void descriptor(byte[] ram, int table, int selector, int base, int limit, int access) {
        int lo = (base << 16) | (limit & 0xFFFF);
        int hi = (base & 0xFF000000) | ((access & 0xF0FF) << 8) | (limit & 0xF0000) | ((base >>> 16) & 0xFF);
        int at = table + (selector & 0xFFF8);
        for (int i = 0; i < 4; i++) {
            ram[at + i] = (byte) (lo >>> (8 * i));
            ram[at + 4 + i] = (byte) (hi >>> (8 * i));
        }
    }

    private static void gate(PhysicalMemory m, int vector, int selector, int offset, int type, int dpl, boolean present) {
        m.write32(IDT + vector * 8, (selector << 16) | (offset & 0xFFFF));
        m.write32(IDT + vector * 8 + 4, (offset & 0xFFFF0000) | (present ? 0x8000 : 0) | (dpl << 13) | (type << 8));
    }

    // ------------------------------------------------------------------ comparison

    /**
     * What differs first between two machines after the same run, in a fixed order (CpuStop,
     * interrupt history, port traffic, icount, EIP, registers, EFLAGS, system state, x87, RAM);
     * null when nothing does.
     */
    static String firstDifference(EquivalenceMachine a, EquivalenceMachine b) {
        Cpu x = a.cpu, y = b.cpu;
        if (a.lastStop != b.lastStop) return "CpuStop " + a.lastStop + " vs " + b.lastStop;
        // the history first: its entries carry the icount and EIP where the paths parted
        int n = Math.min(a.history.size(), b.history.size());
        for (int i = 0; i < n; i++) {
            if (!a.history.get(i).equals(b.history.get(i))) {
                return "interrupt history #" + i + ": " + a.history.get(i) + " vs " + b.history.get(i);
            }
        }
        if (a.history.size() != b.history.size()) {
            return "interrupt history length " + a.history.size() + " vs " + b.history.size() + " (next: "
                    + (a.history.size() > n ? a.history.get(n) : b.history.get(n)) + ")";
        }
        if (!a.bus.log.toString().equals(b.bus.log.toString())) return "port traffic " + a.bus.log + " vs " + b.bus.log;
        if (x.icount != y.icount) return "icount " + x.icount + " vs " + y.icount;
        if (x.eip != y.eip) return String.format("EIP %08x vs %08x", x.eip, y.eip);
        String[] names = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
        for (int i = 0; i < 8; i++) {
            if (x.reg[i] != y.reg[i]) return String.format("%s %08x vs %08x", names[i], x.reg[i], y.reg[i]);
        }
        if (x.getEflags() != y.getEflags()) return String.format("EFLAGS %08x vs %08x", x.getEflags(), y.getEflags());
        if (x.halted != y.halted) return "halted " + x.halted + " vs " + y.halted;
        if (x.cpl != y.cpl) return "CPL " + x.cpl + " vs " + y.cpl;
        int[] cx = {x.cr0, x.cr2, x.cr3, x.cr4}, cy = {y.cr0, y.cr2, y.cr3, y.cr4};
        String[] crs = {"CR0", "CR2", "CR3", "CR4"};
        for (int i = 0; i < 4; i++) if (cx[i] != cy[i]) return String.format("%s %08x vs %08x", crs[i], cx[i], cy[i]);
        String[] segs = {"ES", "CS", "SS", "DS", "FS", "GS"};
        for (int i = 0; i < 6; i++) {
            String d = segment(segs[i], x.seg[i], y.seg[i]);
            if (d != null) return d;
        }
        String d = segment("LDTR", x.ldtr, y.ldtr);
        if (d == null) d = segment("TR", x.tr, y.tr);
        if (d != null) return d;
        if (x.gdtBase != y.gdtBase || x.gdtLimit != y.gdtLimit || x.idtBase != y.idtBase || x.idtLimit != y.idtLimit) {
            return String.format("GDTR/IDTR %08x:%x %08x:%x vs %08x:%x %08x:%x", x.gdtBase, x.gdtLimit, x.idtBase,
                    x.idtLimit, y.gdtBase, y.gdtLimit, y.idtBase, y.idtLimit);
        }
        if (!Arrays.equals(x.dr, y.dr)) return "DR0-7 " + Arrays.toString(x.dr) + " vs " + Arrays.toString(y.dr);
        byte[] fx = x.fpu.image(), fy = y.fpu.image();
        int f = Arrays.mismatch(fx, fy);
        if (f >= 0) return String.format("x87 state (FNSAVE image byte %d) %02x vs %02x", f, fx[f], fy[f]);
        if (x.faultsSinceRetire() != y.faultsSinceRetire()) {
            return "faults since retire " + x.faultsSinceRetire() + " vs " + y.faultsSinceRetire();
        }
        byte[] mx = a.memory.array(), my = b.memory.array();
        int m = Arrays.mismatch(mx, my);
        if (m >= 0) return String.format("memory at 0x%05x: %02x vs %02x", m, mx[m] & 0xFF, my[m] & 0xFF);
        // The paged RAM hash from each machine's write tracking (with -ea each is also checked against
        // its recomputation over all of RAM): equal memories, so a difference is a store the tracking missed.
        long hx = a.memory.ramHash(), hy = b.memory.ramHash();
        if (hx != hy) return String.format("paged RAM hash %016x vs %016x over equal memories", hx, hy);
        return null;
    }

    private static String segment(String name, SegmentCache x, SegmentCache y) {
        if (x.selector == y.selector && x.base == y.base && x.limit == y.limit && x.access == y.access) return null;
        return String.format("%s %04x base %08x limit %08x access %04x vs %04x base %08x limit %08x access %04x", name,
                x.selector, x.base, x.limit, x.access, y.selector, y.base, y.limit, y.access);
    }
}
