package dev.kerf.emulator.cpu;

/**
 * A block compiled to JVM bytecode ({@link BlockCompiler}): runs the whole block, or up to a
 * fault or a store into a code page, leaving the CPU exactly as the interpreter would.
 */
interface BlockCode {
    /**
     * Runs the block from its first instruction. On return {@code c.eip} and {@code c.icount}
     * are those after the last instruction retired; a fault propagates as a {@link CpuFault} with
     * {@code c.icount}, {@code x.start} and {@code x.startEsp} those of the faulting instruction.
     */
    void run(Cpu c, Executor x);
}
