package dev.kerf.emulator.loader;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.ResetState;

/**
 * The machine state a Multiboot v1 loader hands over (Multiboot spec §3.2): flat protected mode
 * as {@link ResetState} sets it (CS 0x08, data 0x10, a real GDT as QEMU's option ROM leaves one,
 * IF clear, paging off), plus EAX = 0x2BADB002, EBX = the info struct, EIP = the entry point.
 * The spec leaves ESP and the other registers undefined; we zero them, so runs repeat.
 */
public final class BootCpuState {
    public static final int MULTIBOOT_EAX = 0x2BADB002;

    private BootCpuState() {}

    public static void enter(Cpu cpu, int entry, int infoAddr) {
        ResetState.enterFlatProtectedMode(cpu);
        java.util.Arrays.fill(cpu.reg, 0);
        cpu.reg[Cpu.EAX] = MULTIBOOT_EAX;
        cpu.reg[Cpu.EBX] = infoAddr;
        cpu.eip = entry;
    }
}
