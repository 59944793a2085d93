package dev.kerf.emulator.device;

/** A virtual clock the test moves by hand. */
final class FakeClock implements Clock {
    long now;

    @Override
    public long nanos() {
        return now;
    }

    @Override
    public boolean isVirtual() {
        return true;
    }

    @Override
    public void idleUntil(long nanos) {
        now = Math.max(now, nanos);
    }
}
