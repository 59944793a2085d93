package dev.kerf.emulator.loader;

import dev.kerf.emulator.machine.BootException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Multiboot v1 header a kernel carries in its first 8 KiB (32-bit aligned): magic
 * 0x1BADB002, flags, checksum (magic + flags + checksum == 0 mod 2^32), then, when flags bit 16
 * is set, the a.out-kludge address fields telling the loader where to put the file's bytes.
 *
 * @param fileOffset where the header starts in the file
 * @param flags      the header's flags
 */
public record MultibootHeader(int fileOffset, int flags, long headerAddr, long loadAddr, long loadEndAddr,
                              long bssEndAddr, long entryAddr) {
    public static final int MAGIC = 0x1BADB002;
    public static final int SEARCH_BYTES = 8192;
    public static final int PAGE_ALIGN = 1;
    public static final int MEMORY_INFO = 1 << 1;
    public static final int VIDEO_MODE = 1 << 2;
    public static final int AOUT_KLUDGE = 1 << 16;
    /** Bits 0-15 are requirements: a loader must refuse a kernel asking for one it does not know. */
    private static final int KNOWN_REQUIREMENTS = PAGE_ALIGN | MEMORY_INFO | VIDEO_MODE;

    public boolean aoutKludge() { return (flags & AOUT_KLUDGE) != 0; }

    /** Finds and checks the header; {@code name} is used in error messages. */
    public static MultibootHeader find(String name, byte[] file) {
        MultibootHeader header = findOrNull(name, file);
        if (header == null) {
            throw new BootException(name + ": offset 0: no Multiboot header (magic 0x1BADB002 with a valid checksum)"
                    + " in the first 8 KiB: not a Multiboot kernel");
        }
        return header;
    }

    /** The header, or null when there is none; a header asking for what we cannot do still throws. */
    public static MultibootHeader findOrNull(String name, byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int end = Math.min(file.length, SEARCH_BYTES) - 12;
        for (int at = 0; at <= end; at += 4) {
            if (b.getInt(at) != MAGIC) continue;
            int flags = b.getInt(at + 4);
            if (MAGIC + flags + b.getInt(at + 8) != 0) continue; // magic by chance: keep looking
            return check(name, b, at, flags);
        }
        return null;
    }

    private static MultibootHeader check(String name, ByteBuffer b, int at, int flags) {
        int unknown = flags & 0xFFFF & ~KNOWN_REQUIREMENTS;
        if (unknown != 0) {
            throw new BootException(String.format("%s: offset 0x%x: Multiboot header requires unsupported features"
                    + " (flags 0x%x)", name, at + 4, unknown));
        }
        if ((flags & AOUT_KLUDGE) == 0) {
            return new MultibootHeader(at, flags, 0, 0, 0, 0, 0);
        }
        if (at + 32 > b.capacity()) {
            throw new BootException(String.format("%s: offset 0x%x: Multiboot header address fields are truncated",
                    name, at + 12));
        }
        return new MultibootHeader(at, flags, u32(b, at + 12), u32(b, at + 16), u32(b, at + 20), u32(b, at + 24),
                u32(b, at + 28));
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }
}
