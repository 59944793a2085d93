package dev.kerf.emulator.hook;

import dev.kerf.emulator.cpu.Cpu;

/**
 * An interrupt or exception is about to be delivered: called before the CPU switches stacks or
 * privilege, so {@code cpu.eip}, {@code cpu.cpl} and the registers are those of the interrupted
 * code ({@code cpu.eip} is the return address the handler will see: the next instruction for
 * INT n and external interrupts, the faulting instruction for faults).
 */
@FunctionalInterface
public interface InterruptHook {
    enum Source { EXTERNAL, EXCEPTION, SOFTWARE }

    /** @param errorCode the exception's error code, or -1 when it has none */
    void delivering(Cpu cpu, int vector, Source source, int errorCode);
}
