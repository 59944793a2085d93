package dev.kerf.emulator.cpu;

/** Why {@link Cpu#run(long)} returned. */
public enum CpuStop {
    /** icount reached the limit passed to run(). */
    LIMIT,
    /** The CPU executed HLT and no interrupt is deliverable; the machine may skip time. */
    HALTED,
    /** Exception during double-fault delivery: the machine shuts down (a PC would reset). */
    TRIPLE_FAULT,
    /** Someone called {@link Cpu#requestStop()} (debug-exit port, Ctrl-C, a hook). */
    STOP_REQUESTED
}
