package dev.kerf.emulator.device;

/**
 * Reads device state written by {@link StateWriter}, checking as it goes: every read past the end
 * and every field outside its range is a {@link DeviceStateException} naming the current device
 * ({@link #device(String)}) and the field's byte offset. Never an index or arithmetic exception.
 */
final class StateReader {
    private final byte[] data;
    private int pos;
    private String device = "header";

    StateReader(byte[] data) {
        this.data = data;
    }

    /** The device whose part follows (for messages). */
    void device(String name) {
        device = name;
    }

    int offset() {
        return pos;
    }

    int u8(String field) {
        need(1, field);
        return data[pos++] & 0xFF;
    }

    /** A byte that must lie in {@code min..max}. */
    int u8(String field, int min, int max) {
        int at = pos;
        int v = u8(field);
        if (v < min || v > max) {
            throw fail(at, String.format("%s 0x%02x out of range 0x%02x..0x%02x", field, v, min, max));
        }
        return v;
    }

    /** A byte whose bits outside {@code mask} must be clear. */
    int bits(String field, int mask) {
        int at = pos;
        int v = u8(field);
        if ((v & ~mask) != 0) {
            throw fail(at, String.format("%s 0x%02x has bits outside 0x%02x", field, v, mask));
        }
        return v;
    }

    boolean bool(String field) {
        int at = pos;
        int v = u8(field);
        if (v > 1) {
            throw fail(at, field + " must be 0 or 1, not " + v);
        }
        return v == 1;
    }

    int u16(String field) {
        need(2, field);
        int v = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    int u16(String field, int min, int max) {
        int at = pos;
        int v = u16(field);
        if (v < min || v > max) {
            throw fail(at, field + " " + v + " out of range " + min + ".." + max);
        }
        return v;
    }

    int i32(String field) {
        need(4, field);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (data[pos++] & 0xFF);
        }
        return v;
    }

    long i64(String field) {
        need(8, field);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (data[pos++] & 0xFF);
        }
        return v;
    }

    /** An int64 that must lie in {@code min..max}. */
    long i64(String field, long min, long max) {
        int at = pos;
        long v = i64(field);
        if (v < min || v > max) {
            throw fail(at, field + " " + v + " out of range " + min + ".." + max);
        }
        return v;
    }

    void bytes(byte[] to, int offset, int length, String field) {
        need(length, field);
        System.arraycopy(data, pos, to, offset, length);
        pos += length;
    }

    /** Nothing may follow the last device. */
    void end() {
        device = "end";
        if (pos != data.length) {
            throw fail(pos, (data.length - pos) + " trailing bytes after the last device");
        }
    }

    DeviceStateException fail(int at, String problem) {
        return new DeviceStateException(device, at, problem);
    }

    private void need(int n, String field) {
        if (data.length - pos < n) {
            throw fail(pos, "truncated: " + field + " needs " + n + " bytes, " + (data.length - pos) + " left");
        }
    }
}
