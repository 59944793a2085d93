package dev.kerf.emulator.cpu;

/**
 * The CPU state a Multiboot loader hands to the kernel, as QEMU's multiboot option ROM leaves
 * it (and the Multiboot v1 spec requires): protected mode on, paging off, CS a flat 32-bit
 * ring-0 code segment (selector 0x08), DS/ES/FS/GS/SS flat data (0x10), EFLAGS = 2, CPL 0.
 *
 * <p>The spec lets GDTR be invalid, but QEMU's ROM leaves a valid 3-entry GDT (null, code 0x08,
 * data 0x10) and some kernels reload 0x10 before their own LGDT; so, if RAM reaches it, the same
 * GDT is written at {@link #GDT_ADDRESS} (in the BIOS area 0xF0000-0xFFFFF, which the Multiboot
 * memory map reports as reserved) and GDTR points at it. IDTR is the real-mode IVT's (base 0,
 * limit 0x3FF), as the BIOS leaves it: an interrupt before the kernel's LIDT escalates to a
 * triple fault. The loader sets EAX (magic), EBX (info address), EIP and ESP itself.
 */
public final class ResetState {
    public static final int GDT_ADDRESS = 0x000F0000;
    public static final int CODE_SELECTOR = 0x08, DATA_SELECTOR = 0x10;
    /** Flat 4 GiB, granularity 4 KiB, 32-bit, present, DPL 0; code execute/read, data read/write; accessed. */
    static final long FLAT_CODE = 0x00CF9B000000FFFFL, FLAT_DATA = 0x00CF93000000FFFFL;

    private ResetState() {}

    public static void enterFlatProtectedMode(Cpu cpu) {
        enterFlatProtectedMode(cpu, CODE_SELECTOR, DATA_SELECTOR);
    }

    /**
     * As {@link #enterFlatProtectedMode(Cpu)} with other selectors for the flat code and data
     * descriptors (Linux's 32-bit boot protocol: __BOOT_CS 0x10, __BOOT_DS 0x18); the GDT ends at
     * the higher of the two, every other entry null.
     */
    public static void enterFlatProtectedMode(Cpu cpu, int codeSelector, int dataSelector) {
        int entries = Math.max(codeSelector, dataSelector) / 8 + 1;
        if (cpu.memory.contains(GDT_ADDRESS, entries * 8)) {
            for (int i = 0; i < entries; i++) writeDescriptor(cpu, GDT_ADDRESS + i * 8, 0);
            writeDescriptor(cpu, GDT_ADDRESS + codeSelector, FLAT_CODE);
            writeDescriptor(cpu, GDT_ADDRESS + dataSelector, FLAT_DATA);
            cpu.gdtBase = GDT_ADDRESS;
            cpu.gdtLimit = entries * 8 - 1;
        } else {
            cpu.gdtBase = 0;
            cpu.gdtLimit = 0;
        }
        cpu.idtBase = 0;
        cpu.idtLimit = 0x3FF;
        cpu.cr0 = SystemOps.CR0_PE | SystemOps.CR0_ET;
        cpu.cr2 = 0;
        cpu.cr3 = 0;
        cpu.cr4 = 0;
        cpu.mmu.setControl(cpu.cr0, cpu.cr3, cpu.cr4);
        DescriptorTable.fill(cpu.seg[Cpu.CS], codeSelector, FLAT_CODE, DescriptorTable.access(FLAT_CODE));
        for (int i : new int[] {Cpu.ES, Cpu.SS, Cpu.DS, Cpu.FS, Cpu.GS}) {
            DescriptorTable.fill(cpu.seg[i], dataSelector, FLAT_DATA, DescriptorTable.access(FLAT_DATA));
        }
        cpu.ldtr.set(0, 0, 0xFFFF, 0x82);
        cpu.tr.set(0, 0, 0xFFFF, 0x8B);
        cpu.setEflags(2);
        cpu.setCpl(0);
        cpu.halted = false;
    }

    private static void writeDescriptor(Cpu cpu, int pa, long d) {
        cpu.memory.write32(pa, (int) d);
        cpu.memory.write32(pa + 4, (int) (d >>> 32));
    }
}
