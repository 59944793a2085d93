package dev.kerf.emulator.usermode;

/**
 * Bytes to place at a linear address of the process ({@code bytes} is live: a redactor may rewrite
 * it in place, see {@link ProcessSlice#regions()}).
 */
public record MemoryWrite(int address, byte[] bytes) {
    public MemoryWrite {
        if (bytes.length == 0) throw new IllegalArgumentException("empty memory write at " + Integer.toHexString(address));
        if (Integer.toUnsignedLong(address) + bytes.length > 0x1_0000_0000L) {
            throw new IllegalArgumentException("memory write at " + Integer.toHexString(address) + " runs past 4 GiB");
        }
    }

    /** The bytes of all of {@code writes}. */
    public static long totalBytes(java.util.List<MemoryWrite> writes) {
        long n = 0;
        for (MemoryWrite w : writes) n += w.bytes().length;
        return n;
    }
}
