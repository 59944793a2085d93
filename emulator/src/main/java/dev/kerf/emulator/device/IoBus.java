package dev.kerf.emulator.device;

/**
 * Routes the 64 Ki I/O ports to devices. Unmapped ports read all-ones and ignore writes, as on an
 * ISA bus with nothing answering. A device registered as byte-wide gets wider accesses split into
 * byte accesses on consecutive ports (little-endian), each routed on its own, as QEMU does for
 * 8-bit ISA devices; other devices see the access whole, on the first port.
 */
public final class IoBus {
    private static final int PORTS = 0x10000;

    private final IoDevice[] devices = new IoDevice[PORTS];
    private final boolean[] byteWide = new boolean[PORTS];

    /** Maps {@code count} ports from {@code first} to {@code device}; overlapping maps are a wiring bug. */
    public void map(int first, int count, IoDevice device, boolean byteWideOnly) {
        if (first < 0 || count <= 0 || first + count > PORTS) {
            throw new IllegalArgumentException("port range " + Integer.toHexString(first) + "+" + count + " out of bounds");
        }
        for (int p = first; p < first + count; p++) {
            if (devices[p] != null) {
                throw new IllegalStateException("port 0x" + Integer.toHexString(p) + " is mapped twice");
            }
            devices[p] = device;
            byteWide[p] = byteWideOnly;
        }
    }

    public int in(int port, int size) {
        port &= 0xFFFF;
        IoDevice d = devices[port];
        if (d == null) {
            return allOnes(size);
        }
        if (size == 1 || !byteWide[port]) {
            return d.read(port, size) & allOnes(size);
        }
        int value = 0;
        for (int i = 0; i < size; i++) {
            value |= (in((port + i) & 0xFFFF, 1) & 0xFF) << (8 * i);
        }
        return value;
    }

    public void out(int port, int size, int value) {
        port &= 0xFFFF;
        IoDevice d = devices[port];
        if (d == null) {
            return;
        }
        if (size == 1 || !byteWide[port]) {
            d.write(port, size, value & allOnes(size));
            return;
        }
        for (int i = 0; i < size; i++) {
            out((port + i) & 0xFFFF, 1, (value >>> (8 * i)) & 0xFF);
        }
    }

    static int allOnes(int size) {
        return size >= 4 ? 0xFFFFFFFF : (1 << (8 * size)) - 1;
    }
}
