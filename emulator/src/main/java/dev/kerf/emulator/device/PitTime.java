package dev.kerf.emulator.device;

/**
 * Conversions between clock nanoseconds and 8254 input ticks (1.193182 MHz), exact integer
 * arithmetic without overflow for any non-negative long, so virtual-clock runs repeat bit for bit.
 */
final class PitTime {
    static final long HZ = 1_193_182L;
    private static final long NS_PER_S = 1_000_000_000L;

    private PitTime() {}

    /** Ticks completed by time {@code nanos}: floor(nanos * HZ / 1e9). */
    static long ticksAt(long nanos) {
        long seconds = nanos / NS_PER_S;
        long rest = nanos % NS_PER_S;
        return seconds * HZ + rest * HZ / NS_PER_S;
    }

    /** The first time at which tick {@code ticks} has completed: ceil(ticks * 1e9 / HZ). */
    static long nanosAt(long ticks) {
        long seconds = ticks / HZ;
        long rest = ticks % HZ;
        long restNanos = (rest * NS_PER_S + HZ - 1) / HZ;
        if (seconds > (Long.MAX_VALUE - restNanos) / NS_PER_S) {
            return Long.MAX_VALUE;
        }
        return seconds * NS_PER_S + restNanos;
    }
}
