package dev.kerf.emulator.hook;

import dev.kerf.emulator.cpu.Cpu;

/** Called before every instruction executes: {@code cpu.eip} is its address, {@code cpu.icount} the instructions retired before it. */
@FunctionalInterface
public interface InstructionHook {
    void beforeInstruction(Cpu cpu);
}
