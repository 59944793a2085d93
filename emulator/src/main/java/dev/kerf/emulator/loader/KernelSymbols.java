package dev.kerf.emulator.loader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The code symbols of a 32-bit ELF kernel's symbol table ({@code .symtab}), to name an address as
 * {@code func+0x1c} in a message. A file that is no ELF32 (a bzImage), has no symbol table, or is
 * damaged anywhere gives no symbols: this only ever decorates a message, so it never fails.
 */
public final class KernelSymbols {
    private static final KernelSymbols NONE = new KernelSymbols(new long[0], new String[0]);
    private static final int SHT_SYMTAB = 2, STT_NOTYPE = 0, STT_FUNC = 2, SHN_UNDEF = 0, SHN_LORESERVE = 0xFF00;

    /** Sorted by address: (address << 32 | index into names). */
    private final long[] keys;
    private final String[] names;

    private KernelSymbols(long[] keys, String[] names) {
        this.keys = keys;
        this.names = names;
    }

    /** The symbols of the kernel file, or none (not ELF32, no symbol table, unreadable, damaged). */
    public static KernelSymbols of(Path kernel) {
        try {
            return parse(Files.readAllBytes(kernel));
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** As {@link #of(Path)} for the file's bytes. */
    public static KernelSymbols parse(byte[] file) {
        try {
            return read(ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN));
        } catch (RuntimeException e) { // an offset out of the file: damaged, so no symbols
            return NONE;
        }
    }

    private static KernelSymbols read(ByteBuffer b) {
        if (b.limit() < 0x34 || b.getInt(0) != 0x464C457F || b.get(4) != 1 || b.get(5) != 1) {
            return NONE; // not a little-endian ELF32
        }
        long shoff = Integer.toUnsignedLong(b.getInt(0x20));
        int shentsize = b.getShort(0x2E) & 0xFFFF;
        int shnum = b.getShort(0x30) & 0xFFFF;
        if (shentsize < 40) {
            return NONE;
        }
        for (int i = 0; i < shnum; i++) {
            int sh = Math.toIntExact(shoff + (long) i * shentsize);
            if (b.getInt(sh + 4) != SHT_SYMTAB) {
                continue;
            }
            int offset = b.getInt(sh + 16), size = b.getInt(sh + 20), link = b.getInt(sh + 24);
            int strSh = Math.toIntExact(shoff + (long) link * shentsize);
            if (link < 0 || link >= shnum) {
                return NONE;
            }
            return symbols(b, offset, size, b.getInt(strSh + 16), b.getInt(strSh + 20));
        }
        return NONE;
    }

    private static KernelSymbols symbols(ByteBuffer b, int offset, int size, int strOffset, int strSize) {
        if (offset < 0 || size < 0 || strOffset < 0 || strSize < 0 || (long) offset + size > b.limit()
                || (long) strOffset + strSize > b.limit()) {
            return NONE;
        }
        int count = size / 16;
        long[] keys = new long[count];
        String[] names = new String[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            int e = offset + 16 * i;
            int type = b.get(e + 12) & 0xF;
            int shndx = b.getShort(e + 14) & 0xFFFF;
            int name = b.getInt(e);
            if ((type != STT_FUNC && type != STT_NOTYPE) || shndx == SHN_UNDEF || shndx >= SHN_LORESERVE
                    || name <= 0 || name >= strSize) {
                continue;
            }
            int end = strOffset + name;
            while (end < strOffset + strSize && b.get(end) != 0) {
                end++;
            }
            if (end == strOffset + name) {
                continue;
            }
            byte[] text = new byte[end - strOffset - name];
            b.get(strOffset + name, text);
            for (int k = 0; k < text.length; k++) {
                text[k] = text[k] < 0x21 || text[k] > 0x7E ? (byte) '?' : text[k]; // one printable line
            }
            names[n] = new String(text, StandardCharsets.ISO_8859_1);
            keys[n] = (Integer.toUnsignedLong(b.getInt(e + 4)) << 32) | n;
            n++;
        }
        long[] sorted = Arrays.copyOf(keys, n);
        Arrays.sort(sorted);
        return new KernelSymbols(sorted, Arrays.copyOf(names, n));
    }

    /** {@code name+0xoff} for the nearest symbol at or below {@code address} ({@code name} when on it), or null. */
    public String describe(int address) {
        long a = Integer.toUnsignedLong(address);
        int lo = 0, hi = keys.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if ((keys[mid] >>> 32) <= a) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) {
            return null;
        }
        long offset = a - (keys[found] >>> 32);
        String name = names[(int) (keys[found] & 0xFFFFFFFFL)];
        return offset == 0 ? name : name + "+0x" + Long.toHexString(offset);
    }
}
