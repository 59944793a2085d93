package dev.kerf.formats.slice;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The RAM section of a time slice: guest RAM with its all-zero pages left out and each page's
 * trailing zeros trimmed, otherwise raw (no page pack, no compression). Little-endian:
 * <pre>
 * Count u32, then Count x (Page u32, Used u16 in 1..4096, Used bytes: the page's first bytes; the rest is zero)
 * </pre>
 * Pages strictly increasing and below RamBytes / 4096; a page not listed is zero. The section
 * ends exactly after the last page. (Trimming pays: a guest's free pages often hold one pointer
 * in their first word and zeros after it.)
 */
public final class RamSection {
    public static final int PAGE = 4096;

    private RamSection() {}

    /** The section's bytes for {@code ram} (a multiple of 4 KiB). */
    public static byte[] encode(byte[] ram) {
        int pages = ram.length / PAGE, count = 0;
        long total = 4;
        int[] used = new int[pages];
        for (int p = 0; p < pages; p++) {
            used[p] = used(ram, p * PAGE);
            if (used[p] > 0) {
                count++;
                total += 6 + used[p];
            }
        }
        ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN).putInt(count);
        for (int p = 0; p < pages; p++) if (used[p] > 0) b.putInt(p).putShort((short) used[p]).put(ram, p * PAGE, used[p]);
        return b.array();
    }

    /** Bytes of the page at {@code at} up to its last non-zero byte (0: an all-zero page). */
    private static int used(byte[] ram, int at) {
        for (int i = at + PAGE - 1; i >= at; i--) if (ram[i] != 0) return i - at + 1;
        return 0;
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
        ByteBuffer b = ByteBuffer.wrap(s.data()).order(ByteOrder.LITTLE_ENDIAN);
        long ramPages = ram.length / PAGE;
        int at = 0;
        try {
            long count = b.getInt() & 0xFFFFFFFFL;
            if (count > ramPages) throw slice.fail(s, 0, "page count " + count + " is more than the " + ramPages + " pages of RAM");
            long last = -1;
            for (long i = 0; i < count; i++) {
                at = b.position();
                long page = b.getInt() & 0xFFFFFFFFL;
                int used = b.getShort() & 0xFFFF;
                if (page >= ramPages) throw slice.fail(s, at, "page " + page + " is beyond RAM (" + ramPages + " pages)");
                if (page <= last) throw slice.fail(s, at, "page " + page + " out of order (after page " + last + ")");
                if (used == 0 || used > PAGE) throw slice.fail(s, at, "page " + page + " uses " + used + " bytes, not 1..4096");
                b.get(ram, (int) page * PAGE, used);
                last = page;
            }
        } catch (BufferUnderflowException e) {
            throw slice.fail(s, at, "page cut short by the end of the section");
        }
        if (b.hasRemaining()) throw slice.fail(s, b.position(), b.remaining() + " bytes after the last page");
    }
}
