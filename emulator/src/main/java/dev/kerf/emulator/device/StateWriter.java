package dev.kerf.emulator.device;

import java.util.Arrays;

/**
 * Writes device state ({@link PcPlatform#captureState()}): big-endian fixed-width integers, a
 * boolean as one byte 0 or 1. The counterpart of {@link StateReader}.
 */
final class StateWriter {
    private byte[] data = new byte[1024];
    private int size;

    void u8(int value) {
        ensure(1);
        data[size++] = (byte) value;
    }

    void bool(boolean value) {
        u8(value ? 1 : 0);
    }

    void u16(int value) {
        u8(value >>> 8);
        u8(value);
    }

    void i32(int value) {
        u16(value >>> 16);
        u16(value);
    }

    void i64(long value) {
        i32((int) (value >>> 32));
        i32((int) value);
    }

    void bytes(byte[] b, int offset, int length) {
        ensure(length);
        System.arraycopy(b, offset, data, size, length);
        size += length;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(data, size);
    }

    private void ensure(int more) {
        if (size + more > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + more));
        }
    }
}
