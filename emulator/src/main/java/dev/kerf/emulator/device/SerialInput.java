package dev.kerf.emulator.device;

/**
 * Where COM1's received bytes come from. The UART asks for a byte only when its receive FIFO has
 * room, so input is never lost to an overrun.
 */
interface SerialInput {
    /** Nanoseconds between bytes under virtual pacing: one 10-bit character at 115200 baud. */
    long BYTE_NANOS = 86_806;

    /** The next byte (0..255) if one is due at {@code nanos}, else -1. */
    int next(long nanos);

    /** The earliest time {@link #next} may return a byte, or Long.MAX_VALUE (nothing expected). */
    long nextDeadlineNanos();

    /**
     * The guest is waiting for input at {@code nanos} (see {@link Uart16550#idle}): an input that
     * reads its source only on demand (the virtual clock's) reads the next byte now.
     */
    default void request(long nanos) {}

    /** No input at all. */
    SerialInput NONE = new SerialInput() {
        @Override public int next(long nanos) {
            return -1;
        }

        @Override public long nextDeadlineNanos() {
            return Long.MAX_VALUE;
        }
    };
}
