package dev.kerf.emulator.hook;

import dev.kerf.emulator.cpu.Cpu;

/** MOV to CR3 (an address-space switch), called after the write. */
@FunctionalInterface
public interface Cr3Hook {
    void cr3Written(Cpu cpu, int oldCr3, int newCr3);
}
