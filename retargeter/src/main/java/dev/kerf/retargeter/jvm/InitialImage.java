package dev.kerf.retargeter.jvm;

import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.ProcessImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process slice's user pages at its first instruction, rebuilt from the image's mappings and
 * non-zero bytes: where the retargeter looks for minijvm's export and the program's arguments
 * before anything runs. Unmapped addresses read as absent (null / -1).
 */
final class InitialImage {
    /** Every mapped page no write touches: shared, never written, so a slice that maps many pages costs no 4 KiB each. */
    private static final byte[] ZERO = new byte[4096];
    private final TreeMap<Integer, byte[]> pages = new TreeMap<>();

    InitialImage(ProcessImage image) {
        for (PageMapping m : image.pages()) pages.put(m.page(), ZERO);
        for (MemoryWrite w : image.contents()) {
            byte[] b = w.bytes();
            for (int i = 0; i < b.length; i++) {
                int page = (w.address() + i) >>> 12;
                byte[] p = pages.get(page);
                if (p == ZERO) pages.put(page, p = new byte[4096]); // bytes present in the file pay for their page
                if (p != null) p[(w.address() + i) & 0xFFF] = b[i];
            }
        }
    }

    /** Linear addresses where {@code needle} starts, ascending (a match may straddle adjacent pages). */
    List<Integer> find(byte[] needle) {
        List<Integer> hits = new ArrayList<>();
        for (Map.Entry<Integer, byte[]> e : pages.entrySet()) {
            int base = e.getKey() << 12;
            byte[] p = e.getValue();
            if (p == ZERO && needle[0] != 0) continue;
            outer:
            for (int i = 0; i < 4096; i++) {
                if (p[i] != needle[0]) continue;
                for (int k = 1; k < needle.length; k++) {
                    int b = byteAt(base + i + k);
                    if (b != (needle[k] & 0xFF)) continue outer;
                }
                hits.add(base + i);
            }
        }
        return hits;
    }

    /** The byte at {@code address}, or -1 when its page is not mapped. */
    int byteAt(int address) {
        byte[] p = pages.get(address >>> 12);
        return p == null ? -1 : p[address & 0xFFF] & 0xFF;
    }

    /** The little-endian u32 at {@code address}, or null when a byte of it is not mapped. */
    Integer u32(int address) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int b = byteAt(address + i);
            if (b < 0) return null;
            v |= b << (8 * i);
        }
        return v;
    }

    /** The NUL-terminated string at {@code address} (bytes as chars), or null when unmapped or longer than {@code max}. */
    String cString(int address, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < max; i++) {
            int b = byteAt(address + i);
            if (b < 0) return null;
            if (b == 0) return s.toString();
            s.append((char) b);
        }
        return null;
    }
}
