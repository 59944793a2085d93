package dev.kerf.retargeter.jvm;

/**
 * The budget of a replay's child JVM, and whether a debugger may attach to it.
 *
 * @param timeoutMillis wall-clock time from the child's start until kerf kills it; 0: no limit
 * @param maxHeapBytes  the child's Java heap ({@code -Xmx}); at least {@link #MIN_HEAP}
 * @param jdwpPort      0, or the localhost port the child's JDWP agent listens on (it then waits for a debugger)
 */
public record ReplayLimits(long timeoutMillis, long maxHeapBytes, int jdwpPort) {
    public static final long DEFAULT_TIMEOUT_MILLIS = 60_000;
    public static final long DEFAULT_MAX_HEAP = 256L << 20;
    public static final long MIN_HEAP = 16L << 20;
    public static final long MAX_HEAP = 1L << 40;

    public ReplayLimits {
        if (timeoutMillis < 0) throw new IllegalArgumentException("negative timeout");
        if (maxHeapBytes < MIN_HEAP || maxHeapBytes > MAX_HEAP) throw new IllegalArgumentException("heap of " + maxHeapBytes + " bytes");
        if (jdwpPort < 0 || jdwpPort > 65535) throw new IllegalArgumentException("port " + jdwpPort);
    }

    /** 60 s, 256 MiB, no debugger. */
    public static ReplayLimits defaults() {
        return new ReplayLimits(DEFAULT_TIMEOUT_MILLIS, DEFAULT_MAX_HEAP, 0);
    }

    /** The time budget as a person reads it: {@code 60 s}, {@code 2.5 s}. */
    String timeText() {
        return java.math.BigDecimal.valueOf(timeoutMillis, 3).stripTrailingZeros().toPlainString() + " s";
    }

    /** The heap budget as a person reads it: {@code 256 MiB}, or bytes when not a whole MiB. */
    String heapText() {
        return maxHeapBytes % (1 << 20) == 0 ? (maxHeapBytes >> 20) + " MiB" : maxHeapBytes + " bytes";
    }
}
