package dev.kerf.emulator.mmu;

/**
 * Guest memory that this JVM's heap cannot hold: refused before the allocation (the array would
 * be larger than the whole heap) or when the allocation itself failed. Not a damaged input and not
 * a bug: the same input works with a larger heap ({@code -Xmx}); the CLI says so in one line.
 */
public final class HeapLimitException extends RuntimeException {
    private final long needed;
    private final long heapLimit;

    public HeapLimitException(long needed, long heapLimit) {
        super(String.format("%,d MiB of guest memory needed; the heap limit is %,d MiB", mib(needed), mib(heapLimit)));
        this.needed = needed;
        this.heapLimit = heapLimit;
    }

    /** Bytes the guest memory needed. */
    public long needed() { return needed; }

    /** The JVM's maximum heap in bytes ({@code Runtime.maxMemory()}). */
    public long heapLimit() { return heapLimit; }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
