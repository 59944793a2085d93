package dev.kerf.emulator.device;

import java.util.function.LongSupplier;

/**
 * Time as a pure function of the execution: {@code nanos() = icount + skipped}, 1 ns per retired
 * instruction (QEMU -icount shift=0) plus the idle time a halted CPU jumped over. Two runs with the
 * same inputs see the same times at the same instructions.
 */
public final class VirtualClock implements Clock {
    private final LongSupplier icount;
    private long skipped;

    /** @param icount the CPU's retired-instruction count, read whenever time is asked */
    public VirtualClock(LongSupplier icount) {
        this(icount, 0);
    }

    /**
     * A clock that has already skipped {@code skippedNanos}: a machine resumed from a snapshot
     * counts instructions from 0 again while its time continues from the snapshot's.
     */
    public VirtualClock(LongSupplier icount, long skippedNanos) {
        if (skippedNanos < 0) {
            throw new IllegalArgumentException("negative skipped time " + skippedNanos);
        }
        this.icount = icount;
        this.skipped = skippedNanos;
    }

    @Override
    public long nanos() {
        return icount.getAsLong() + skipped;
    }

    @Override
    public boolean isVirtual() {
        return true;
    }

    /**
     * Jumps to {@code nanos} (no-op if already there). Long.MAX_VALUE means "wait for nothing",
     * which a virtual clock cannot do: the caller must detect a halt that nothing can wake.
     */
    @Override
    public void idleUntil(long nanos) {
        if (nanos == Long.MAX_VALUE) {
            throw new IllegalArgumentException("virtual clock cannot idle forever: no device deadline pending");
        }
        long now = nanos();
        if (nanos > now) {
            skipped += nanos - now;
        }
    }
}
