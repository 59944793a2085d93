package dev.kerf.emulator.hook;

import dev.kerf.emulator.cpu.Cpu;

/** Port I/O as the CPU performed it (every iteration of INS/OUTS is one access). */
public interface PortHook {
    default void in(Cpu cpu, int port, int size, int value) {}

    default void out(Cpu cpu, int port, int size, int value) {}
}
