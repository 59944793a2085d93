package dev.kerf.emulator.hook;

import dev.kerf.emulator.cpu.Cpu;

/**
 * Called before every instruction executes: {@code cpu.eip} is its address, {@code cpu.icount} the
 * instructions retired before it. Each REP iteration is announced (it retires as one instruction);
 * an instruction that faults is announced but does not retire, so the next call (the handler's
 * first instruction) sees the same icount. While one is registered the CPU interprets one
 * instruction at a time (no translated blocks).
 */
@FunctionalInterface
public interface InstructionHook {
    void beforeInstruction(Cpu cpu);
}
