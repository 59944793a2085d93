package dev.kerf.emulator.introspect;

import dev.kerf.emulator.mmu.PhysicalMemory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Read-only views of guest memory for introspection: physical reads, and virtual reads through a
 * given page directory. The walk is the IA-32 two-level walk (4 KiB pages, 4 MiB pages when the
 * PDE says so) but sets no accessed or dirty bit and fills no TLB, so reading never changes what
 * the replay computes. Unmapped addresses read as absent (null), never as a fault.
 */
public final class GuestMemory {
    private static final int P = 1, PS = 0x80;
    private final PhysicalMemory memory;

    public GuestMemory(PhysicalMemory memory) {
        this.memory = memory;
    }

    /** Bytes of RAM. */
    public int size() {
        return memory.size();
    }

    public int u32(int physical) {
        return memory.read32(physical);
    }

    /** A NUL-terminated string of at most {@code max} bytes at a physical address (ISO-8859-1). */
    public String cString(int physical, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < max; i++) {
            int b = memory.read8(physical + i);
            if (b == 0) break;
            s.append((char) b);
        }
        return s.toString();
    }

    /** The physical address of {@code va} under page directory {@code cr3}, or -1 when it is not mapped. */
    public long translate(int cr3, int va) {
        int pde = memory.read32((cr3 & 0xFFFFF000) + ((va >>> 22) << 2));
        if ((pde & P) == 0) return -1;
        if ((pde & PS) != 0) return Integer.toUnsignedLong((pde & 0xFFC00000) | (va & 0x003FFFFF));
        int pte = memory.read32((pde & 0xFFFFF000) + (((va >>> 12) & 0x3FF) << 2));
        if ((pte & P) == 0) return -1;
        long pa = Integer.toUnsignedLong((pte & 0xFFFFF000) | (va & 0xFFF));
        return memory.contains(pa, 1) ? pa : -1;
    }

    /** Up to {@code n} bytes at {@code va}, fewer when a page on the way is not mapped (null: none). */
    public byte[] virtualBytes(int cr3, int va, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, Math.min(n, 256)));
        for (int i = 0; i < n; i++) {
            long pa = translate(cr3, va + i);
            if (pa < 0) break;
            out.write(memory.read8((int) pa));
        }
        return out.size() == 0 && n > 0 ? null : out.toByteArray();
    }

    /** The little-endian u32 at linear {@code va} through the page tables at {@code cr3}; 0 when any of its bytes is unmapped. */
    public int virtualU32(int cr3, int va) {
        byte[] b = virtualBytes(cr3, va, 4);
        return b == null || b.length < 4 ? 0 : (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | b[3] << 24;
    }

    /** A NUL-terminated string at {@code va} of at most {@code max} bytes, or null when its first byte is unmapped. */
    public String virtualCString(int cr3, int va, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < max; i++) {
            long pa = translate(cr3, va + i);
            if (pa < 0) return i == 0 ? null : s.toString();
            int b = memory.read8((int) pa);
            if (b == 0) break;
            s.append((char) b);
        }
        return s.toString();
    }

    /** Bytes as text (ISO-8859-1), for display after escaping. */
    public static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
