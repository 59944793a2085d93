package dev.kerf.emulator.cpu;

import dev.kerf.emulator.mmu.PhysicalMemory;

/**
 * A protected-mode machine laid out in RAM for the protected-mode tests: GDT, IDT, TSS, optional
 * identity paging with a user region, and a CPU that can be put in ring 0 or ring 3.
 *
 * <pre>
 *   0x01000 GDT   0x08 kernel code, 0x10 kernel data, 0x1B user code, 0x23 user data,
 *                 0x28 TSS, 0x30 not-present data, 0x38 conforming code DPL 0,
 *                 0x40 byte-granular data (limit 0xFFFF), 0x48 LDT, 0x50 not-present code
 *   0x02000 IDT   (gates added by tests)
 *   0x03000 TSS   esp0 = KERNEL_STACK_TOP, ss0 = 0x10
 *   0x04000 LDT   0x04 (0x0C with TI) user data DPL 3
 *   0x08000-0x09000 kernel stack     0x10000 page directory, 0x11000 page table
 *   0x100000-0x1FFFFF user region (U/S = 1 when paging is on); user stack top 0x180000
 * </pre>
 */
final class PmodeFixture {
    static final int GDT = 0x1000, IDT = 0x2000, TSS = 0x3000, LDT = 0x4000;
    static final int KCODE = 0x08, KDATA = 0x10, UCODE = 0x1B, UDATA = 0x23, TSS_SEL = 0x28,
            ABSENT_DATA = 0x30, CONFORMING = 0x38, SMALL_DATA = 0x40, LDT_SEL = 0x48, ABSENT_CODE = 0x50;
    static final int GDT_ENTRIES = 11;
    static final int KERNEL_STACK_TOP = 0x9000, USER_STACK_TOP = 0x180000, USER_CODE = 0x101000;
    static final int PAGE_DIR = 0x10000, PAGE_TABLE = 0x11000;

    final PhysicalMemory memory = new PhysicalMemory(8 << 20);
    final Cpu cpu;

    PmodeFixture() {
        this(new NullBus());
    }

    PmodeFixture(CpuBus bus) {
        cpu = new Cpu(memory, bus);
        cpu.useCodeCache(new CodeCache(CodeCache.DEFAULT_ENTRIES)); // a cold translator: compiles what it runs
        ResetState.enterFlatProtectedMode(cpu);
        descriptor(GDT, KCODE, 0, 0xFFFFF, 0xC09B);
        descriptor(GDT, KDATA, 0, 0xFFFFF, 0xC093);
        descriptor(GDT, UCODE, 0, 0xFFFFF, 0xC0FB);
        descriptor(GDT, UDATA, 0, 0xFFFFF, 0xC0F3);
        descriptor(GDT, TSS_SEL, TSS, 0x67, 0x0089);
        descriptor(GDT, ABSENT_DATA, 0, 0xFFFFF, 0xC013);
        descriptor(GDT, CONFORMING, 0, 0xFFFFF, 0xC09F);
        descriptor(GDT, SMALL_DATA, 0x5000, 0xFFFF, 0x4093);
        descriptor(GDT, LDT_SEL, LDT, 0x0F, 0x0082);
        descriptor(GDT, ABSENT_CODE, 0, 0xFFFFF, 0xC01B);
        descriptor(LDT, 0x08, 0, 0xFFFFF, 0xC0F2);
        memory.write32(TSS + 4, KERNEL_STACK_TOP);
        memory.write32(TSS + 8, KDATA);
        SystemOps.lgdt(cpu, GDT, GDT_ENTRIES * 8 - 1);
        SystemOps.lidt(cpu, IDT, 256 * 8 - 1);
        SystemOps.ltr(cpu, TSS_SEL);
        SegmentLoader.load(cpu, Cpu.SS, KDATA);
        SegmentLoader.load(cpu, Cpu.DS, KDATA);
        SegmentLoader.load(cpu, Cpu.ES, KDATA);
        SegmentLoader.farJump(cpu, KCODE, 0x1000, true);
        cpu.reg[Cpu.ESP] = KERNEL_STACK_TOP;
    }

    /** Writes a segment descriptor; {@code access} in {@link SegmentCache#access} layout, limit raw 20 bits. */
    void descriptor(int table, int selector, int base, int limit, int access) {
        int lo = (base << 16) | (limit & 0xFFFF);
        int hi = (base & 0xFF000000) | ((access & 0xF0FF) << 8) | (limit & 0xF0000) | ((base >>> 16) & 0xFF);
        memory.write32(table + (selector & 0xFFF8), lo);
        memory.write32(table + (selector & 0xFFF8) + 4, hi);
    }

    /** Writes an IDT gate: type 0xE interrupt, 0xF trap, 0x5 task; present unless told otherwise. */
    void gate(int vector, int selector, int offset, int type, int dpl, boolean present) {
        int lo = (selector << 16) | (offset & 0xFFFF);
        int hi = (offset & 0xFFFF0000) | (present ? 0x8000 : 0) | (dpl << 13) | (type << 8);
        memory.write32(IDT + vector * 8, lo);
        memory.write32(IDT + vector * 8 + 4, hi);
    }

    /** Handler address of the default gates installed by {@link #defaultGates()}: 0xC000 + vector·16. */
    /** The fault {@code r} raises; fails the test if it raises none. */
    static CpuFault fault(Runnable r) {
        try {
            r.run();
        } catch (CpuFault e) {
            return e;
        }
        throw new AssertionError("expected a fault");
    }

    static int handler(int vector) {
        return 0xC000 + vector * 16;
    }

    /** Interrupt gates (DPL 0) for every exception vector 0..31. */
    PmodeFixture defaultGates() {
        for (int v = 0; v < 32; v++) gate(v, KCODE, handler(v), 0xE, 0, true);
        return this;
    }

    /** Identity-maps 0..4 MiB (supervisor, writable) with 0x100000..0x1FFFFF user, and turns paging on. */
    PmodeFixture paging() {
        memory.write32(PAGE_DIR, PAGE_TABLE | 0x7);
        for (int i = 0; i < 1024; i++) {
            int pa = i << 12;
            boolean user = pa >= 0x100000 && pa < 0x200000;
            memory.write32(PAGE_TABLE + i * 4, pa | (user ? 0x7 : 0x3));
        }
        SystemOps.writeCr(cpu, 3, PAGE_DIR);
        SystemOps.writeCr(cpu, 0, cpu.cr0 | SystemOps.CR0_PG | SystemOps.CR0_WP);
        return this;
    }

    /** Puts the CPU in ring 3 as an IRET to user mode would: CS 0x1B, SS/DS/ES 0x23, IF set. */
    PmodeFixture ring3(int eip, int esp) {
        SegmentCache cs = new SegmentCache();
        cs.set(UCODE, 0, 0xFFFFFFFF, 0xC0FB);
        cpu.seg[Cpu.CS].copyFrom(cs);
        for (int i : new int[] {Cpu.SS, Cpu.DS, Cpu.ES}) cpu.seg[i].set(UDATA, 0, 0xFFFFFFFF, 0xC0F3);
        cpu.setCpl(3);
        cpu.eip = eip;
        cpu.reg[Cpu.ESP] = esp;
        cpu.setEflags(0x202);
        return this;
    }

    /** Copies machine code (or data) to physical address {@code pa}. */
    void put(int pa, int... bytes) {
        for (int i = 0; i < bytes.length; i++) memory.write8(pa + i, bytes[i]);
    }

    int stack32(int offsetFromEsp) {
        return memory.read32(cpu.reg[Cpu.ESP] + offsetFromEsp);
    }

    /** A bus with no devices: reads all-ones, no interrupts. */
    static final class NullBus implements CpuBus {
        @Override public int in(int port, int size) { return size == 4 ? -1 : (1 << (8 * size)) - 1; }
        @Override public void out(int port, int size, int value) {}
        @Override public boolean interruptRequested() { return false; }
        @Override public int acknowledgeInterrupt() { return 0; }
        @Override public long readTsc(long icount) { return icount; }
    }
}
