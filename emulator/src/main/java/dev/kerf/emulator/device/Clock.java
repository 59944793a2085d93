package dev.kerf.emulator.device;

/**
 * The time devices see (PIT, RTC, TSC, pcap pacing), in nanoseconds since machine start.
 * {@code host}: follows the host's monotonic clock (live use, recording).
 * {@code virtual}: a pure function of the execution (icount plus idle skips): runs repeat exactly.
 */
public interface Clock {
    /**
     * Nanoseconds since machine start. Virtual clocks advance 1 ns per retired instruction (plus
     * idle jumps), like QEMU -icount shift=0; see {@link VirtualClock} and {@link HostClock}.
     */
    long nanos();

    /** True when time is derived from the execution, so idle time may be skipped. */
    boolean isVirtual();

    /**
     * While the CPU is halted: let time pass until {@code nanos} (virtual clock: jumps there;
     * host clock: sleeps, returning early if {@code wake} is signalled by an input thread).
     */
    void idleUntil(long nanos);

    /**
     * Called from a host input thread when data arrived: a host clock's {@link #idleUntil} returns
     * early so the machine polls the devices. Thread-safe. Virtual clocks ignore it (their input is
     * read synchronously on the machine thread).
     */
    default void wakeUp() {}
}
