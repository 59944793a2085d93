package dev.kerf.formats.slice;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The RAM section of a time slice: guest RAM with its all-zero pages left out, raw (no page pack,
 * no compression). Little-endian:
 * <pre>
 * Count u32, then Count x (Page u32, 4096 bytes), pages strictly increasing and below RamBytes / 4096
 * </pre>
 * A page not listed is zero. The section ends exactly after the last page.
 */
public final class RamSection {
    public static final int PAGE = 4096;

    private RamSection() {}

    /** The section's bytes for {@code ram} (a multiple of 4 KiB). */
    public static byte[] encode(byte[] ram) {
        int pages = ram.length / PAGE, count = 0;
        for (int p = 0; p < pages; p++) if (!zero(ram, p * PAGE)) count++;
        ByteBuffer b = ByteBuffer.allocate(4 + count * (4 + PAGE)).order(ByteOrder.LITTLE_ENDIAN).putInt(count);
        for (int p = 0; p < pages; p++) if (!zero(ram, p * PAGE)) b.putInt(p).put(ram, p * PAGE, PAGE);
        return b.array();
    }

    private static boolean zero(byte[] ram, int at) {
        for (int i = at; i < at + PAGE; i++) if (ram[i] != 0) return false;
        return true;
    }

    /** Number of pages the section lists (after {@link #place} checked it). */
    public static int count(byte[] data) {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /**
     * Checks {@code s} against a RAM of {@code ram.length} bytes and copies its pages into
     * {@code ram}, which must be zero where no page is listed (a fresh machine's RAM).
     */
    public static void place(Slice slice, Section s, byte[] ram) {
        byte[] d = s.data();
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        if (d.length < 4) throw slice.fail(s, 0, "RAM section shorter than its count");
        long count = b.getInt() & 0xFFFFFFFFL;
        long ramPages = ram.length / PAGE;
        if (count > ramPages || d.length != 4 + count * (4 + PAGE))
            throw slice.fail(s, 0, "page count " + count + " does not fit " + d.length + " bytes and " + ramPages + " pages of RAM");
        long last = -1;
        for (long i = 0; i < count; i++) {
            int at = b.position();
            long page = b.getInt() & 0xFFFFFFFFL;
            if (page >= ramPages) throw slice.fail(s, at, "page " + page + " is beyond RAM (" + ramPages + " pages)");
            if (page <= last) throw slice.fail(s, at, "page " + page + " out of order (after page " + last + ")");
            b.get(ram, (int) page * PAGE, PAGE);
            last = page;
        }
    }
}
