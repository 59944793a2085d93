package dev.kerf.emulator.device;

/**
 * Host monotonic time since construction ({@link System#nanoTime()}), plus a start offset (0 at
 * boot; a machine resumed from a snapshot continues from the snapshot's time). {@link #idleUntil} sleeps
 * and returns early when an input thread calls {@link #wakeUp()} (or on interruption).
 */
public final class HostClock implements Clock {
    private final long start;

    public HostClock() {
        this(0);
    }

    /** A clock whose {@link #nanos()} starts at {@code startNanos}. */
    public HostClock(long startNanos) {
        if (startNanos < 0) {
            throw new IllegalArgumentException("negative start time " + startNanos);
        }
        this.start = System.nanoTime() - startNanos;
    }
    private final Object lock = new Object();
    private boolean woken;

    @Override
    public long nanos() {
        return System.nanoTime() - start;
    }

    @Override
    public boolean isVirtual() {
        return false;
    }

    @Override
    public void idleUntil(long nanos) {
        synchronized (lock) {
            while (!woken) {
                long wait = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : nanos - nanos();
                if (wait <= 0) {
                    break;
                }
                try {
                    if (wait == Long.MAX_VALUE) {
                        lock.wait();
                    } else {
                        lock.wait(wait / 1_000_000L, (int) (wait % 1_000_000L));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            woken = false;
        }
    }

    @Override
    public void wakeUp() {
        synchronized (lock) {
            woken = true;
            lock.notifyAll();
        }
    }
}
