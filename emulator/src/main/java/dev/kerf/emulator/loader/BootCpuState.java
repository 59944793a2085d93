package dev.kerf.emulator.loader;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.mmu.PhysicalMemory;

/**
 * The machine state a Multiboot v1 loader hands over (Multiboot spec §3.2): protected mode,
 * paging off, CS a flat 32-bit code segment, DS/ES/FS/GS/SS flat data segments, IF clear,
 * EAX = 0x2BADB002, EBX = the info struct, EIP = the entry point.
 *
 * <p>The spec leaves GDTR undefined; we point it at a real flat GDT in the low boot page so that
 * a kernel that reloads selectors 0x08/0x10 before its own LGDT still works.
 */
public final class BootCpuState {
    public static final int MULTIBOOT_EAX = 0x2BADB002;
    public static final int CODE_SELECTOR = 0x08, DATA_SELECTOR = 0x10;
    /** Descriptor access bits as SegmentCache holds them: P, DPL 0, S, type; G and D/B set. */
    static final int CODE_ACCESS = 0xC09B, DATA_ACCESS = 0xC093;
    static final int CR0_PE = 1, CR0_ET = 1 << 4;

    private BootCpuState() {}

    public static void enter(Cpu cpu, int entry, int infoAddr) {
        writeGdt(cpu.memory);
        cpu.gdtBase = MultibootLayout.GDT_ADDR;
        cpu.gdtLimit = 3 * 8 - 1;
        cpu.idtBase = 0;
        cpu.idtLimit = 0x3FF;
        cpu.cr0 = CR0_PE | CR0_ET;
        cpu.cr2 = 0;
        cpu.cr3 = 0;
        cpu.cr4 = 0;
        cpu.mmu.setControl(cpu.cr0, cpu.cr3, cpu.cr4);
        for (int s = 0; s < cpu.seg.length; s++) {
            cpu.seg[s].set(DATA_SELECTOR, 0, 0xFFFFFFFF, DATA_ACCESS);
        }
        cpu.seg[Cpu.CS].set(CODE_SELECTOR, 0, 0xFFFFFFFF, CODE_ACCESS);
        cpu.ldtr.set(0, 0, 0xFFFF, 0x82);
        cpu.tr.set(0, 0, 0xFFFF, 0x8B);
        cpu.setCpl(0);
        cpu.setEflags(0x2);
        java.util.Arrays.fill(cpu.reg, 0);
        cpu.reg[Cpu.EAX] = MULTIBOOT_EAX;
        cpu.reg[Cpu.EBX] = infoAddr;
        cpu.eip = entry;
        cpu.halted = false;
    }

    private static void writeGdt(PhysicalMemory memory) {
        int at = MultibootLayout.GDT_ADDR;
        memory.write32(at, 0);
        memory.write32(at + 4, 0);
        // limit 0xFFFFF, base 0, G=1 D=1; access 0x9A (code) / 0x92 (data)
        memory.write32(at + 8, 0x0000FFFF);
        memory.write32(at + 12, 0x00CF9A00);
        memory.write32(at + 16, 0x0000FFFF);
        memory.write32(at + 20, 0x00CF9200);
    }
}
