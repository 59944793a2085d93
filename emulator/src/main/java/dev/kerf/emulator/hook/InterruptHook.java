package dev.kerf.emulator.hook;

import dev.kerf.emulator.cpu.Cpu;

/**
 * An interrupt or exception is about to be delivered: called before the CPU switches stacks or
 * privilege, so {@code cpu.eip}, {@code cpu.cpl} and the registers are those of the interrupted
 * code ({@code cpu.eip} is the return address the handler will see: the next instruction for
 * INT n and external interrupts, the faulting instruction for faults). Called once per delivery
 * attempt: if delivering faults (a bad gate, #PF on the handler's stack...), the hook is called
 * again for the exception that is delivered instead (#GP, #DF...).
 */
@FunctionalInterface
public interface InterruptHook {
    enum Source { EXTERNAL, EXCEPTION, SOFTWARE }

    /** @param errorCode the exception's error code, or -1 when it has none */
    void delivering(Cpu cpu, int vector, Source source, int errorCode);
}
