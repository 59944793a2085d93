package dev.kerf.emulator.cpu;

/**
 * Everything that enters the CPU from outside it: the recording boundary of design §4.
 *
 * <p>The live machine implements this with real devices; the recorder wraps that implementation
 * and logs each answer; the replayer implements it from the log alone. The CPU never reaches a
 * device any other way, which is what makes a recording self-sufficient.
 *
 * <p>Contract for implementations: the CPU calls {@link #interruptRequested()} only between
 * instructions, and calls {@link #acknowledgeInterrupt()} only right after it returned true and
 * EFLAGS.IF allows delivery (the INTA cycle).
 */
public interface CpuBus {
    /** IN of {@code size} bytes (1, 2 or 4) from {@code port} (0..0xFFFF); value zero-extended. */
    int in(int port, int size);

    /** OUT of the low {@code size} bytes of {@code value} to {@code port}. */
    void out(int port, int size, int value);

    /** Level of the INTR line (the PIC has an unmasked request that outranks what is in service). */
    boolean interruptRequested();

    /** INTA: the vector of the highest-priority pending interrupt, now marked in service. */
    int acknowledgeInterrupt();

    /** RDTSC. {@code icount} is the current instruction count, for clocks that derive time from it. */
    long readTsc(long icount);
}
