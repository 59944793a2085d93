package dev.kerf.emulator.hook;

import dev.kerf.emulator.cpu.Cpu;

/**
 * Data memory accesses that completed (instruction fetches are not data accesses). {@code linear}
 * is the address after segmentation, {@code physical} after paging; an access that crosses a
 * page boundary is reported with the physical address of its first byte. {@code value} holds
 * {@code size} (1, 2 or 4) bytes, zero-extended.
 */
public interface MemoryHook {
    default void read(Cpu cpu, int linear, int physical, int size, int value) {}

    default void written(Cpu cpu, int linear, int physical, int size, int value) {}
}
