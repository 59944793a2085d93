package dev.kerf.emulator.usermode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes one component activation touched, by linear address: its first loads (a byte read
 * before the activation wrote or read it, with the value read) and the last value of every byte it
 * wrote. The slicer fills it from memory hooks on the recorded machine; the replayer fills it the
 * same way and asks whether a read is covered.
 */
public final class ActivationMemory {
    private static final class Page {
        final byte[] loadValue = new byte[4096], writeValue = new byte[4096];
        final boolean[] loaded = new boolean[4096], written = new boolean[4096];
    }

    private final TreeMap<Integer, Page> pages = new TreeMap<>();

    private Page page(int a) {
        return pages.computeIfAbsent(a >>> 12, p -> new Page());
    }

    /** A read of {@code size} bytes (value little-endian): each byte neither written nor read before becomes a first load. */
    public void read(int linear, int size, int value) {
        for (int i = 0; i < size; i++) {
            int a = linear + i;
            Page p = page(a);
            int o = a & 0xFFF;
            if (p.loaded[o] || p.written[o]) continue;
            p.loaded[o] = true;
            p.loadValue[o] = (byte) (value >>> (8 * i));
        }
    }

    /** Marks bytes as loaded with these values (the replayer's starting point). */
    public void preload(MemoryWrite w) {
        for (int i = 0; i < w.bytes().length; i++) {
            int a = w.address() + i;
            Page p = page(a);
            p.loaded[a & 0xFFF] = true;
            p.loadValue[a & 0xFFF] = w.bytes()[i];
        }
    }

    /** The first byte of a read that is neither loaded nor written, or -1 when all are (as an unsigned address in a long). */
    public long uncovered(int linear, int size) {
        for (int i = 0; i < size; i++) {
            int a = linear + i;
            Page p = pages.get(a >>> 12);
            if (p == null || !(p.loaded[a & 0xFFF] || p.written[a & 0xFFF])) return Integer.toUnsignedLong(a);
        }
        return -1;
    }

    public void write(int linear, int size, int value) {
        for (int i = 0; i < size; i++) {
            int a = linear + i;
            Page p = page(a);
            p.written[a & 0xFFF] = true;
            p.writeValue[a & 0xFFF] = (byte) (value >>> (8 * i));
        }
    }

    /** First loads as runs of consecutive bytes, by address. */
    public List<MemoryWrite> loads() {
        return runs(true);
    }

    /** Written bytes (their last values) as runs, by address. */
    public List<MemoryWrite> writes() {
        return runs(false);
    }

    private List<MemoryWrite> runs(boolean loads) {
        List<MemoryWrite> out = new ArrayList<>();
        java.io.ByteArrayOutputStream run = new java.io.ByteArrayOutputStream();
        long start = -1, next = -1;
        for (Map.Entry<Integer, Page> e : pages.entrySet()) {
            Page p = e.getValue();
            boolean[] has = loads ? p.loaded : p.written;
            byte[] value = loads ? p.loadValue : p.writeValue;
            for (int o = 0; o < 4096; o++) {
                if (!has[o]) continue;
                long a = ((long) e.getKey() << 12) + o;
                if (a != next) {
                    if (run.size() > 0) out.add(new MemoryWrite((int) start, run.toByteArray()));
                    run.reset();
                    start = a;
                }
                run.write(value[o]);
                next = a + 1;
            }
        }
        if (run.size() > 0) out.add(new MemoryWrite((int) start, run.toByteArray()));
        return out;
    }
}
