package dev.kerf.formats.journal;

import java.util.Arrays;

/**
 * A growable byte buffer for one excerpt's payload. Unlike ByteArrayOutputStream it takes no
 * lock per byte: the recorder appends on its hot path.
 */
final class PayloadBuffer {
    private byte[] buf;
    private int size;

    PayloadBuffer(int capacity) { buf = new byte[capacity]; }

    void write(int b) {
        if (size == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
        buf[size++] = (byte) b;
    }

    int size() { return size; }

    void reset() { size = 0; }

    /** The bytes written (the backing array, valid up to {@link #size()}). */
    byte[] array() { return buf; }
}
