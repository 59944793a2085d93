package dev.kerf.emulator.cpu;

import dev.kerf.emulator.hook.MemoryHook;
import dev.kerf.emulator.mmu.AccessObserver;

/**
 * Installed on the MMU while memory hooks are registered: passes each data access the MMU
 * reports to the CPU's {@link MemoryHook}s that observe its kind (reads, writes), in registration order.
 */
final class MemoryHookCalls implements AccessObserver {
    private final Cpu cpu;

    MemoryHookCalls(Cpu cpu) {
        this.cpu = cpu;
    }

    @Override
    public void read(int linear, int physical, int size, int value) {
        for (MemoryHook h : cpu.hooks.memoryReaders) h.read(cpu, linear, physical, size, value);
        cpu.memoryHooksRan();
    }

    @Override
    public void written(int linear, int physical, int size, int value) {
        for (MemoryHook h : cpu.hooks.memoryWriters) h.written(cpu, linear, physical, size, value);
        cpu.memoryHooksRan();
    }
}
