package dev.kerf.slicer;

import dev.kerf.formats.FormatException;
import dev.kerf.formats.slice.Section;
import dev.kerf.formats.slice.Slice;

/**
 * Little-endian reads from one section's data, each checked against what is left: a truncated or
 * lying section is a {@link FormatException} naming the file and the offset, and no length field
 * allocates more than the section holds.
 */
public final class SectionInput {
    private final Slice slice;
    private final Section section;
    private final byte[] data;
    private int pos;

    public SectionInput(Slice slice, Section section) {
        this.slice = slice;
        this.section = section;
        this.data = section.data();
    }

    public FormatException fail(String problem) {
        return slice.fail(section, pos, problem);
    }

    /** A problem with the field that starts at {@code at} (a {@link #position()} taken before reading it). */
    public FormatException failAt(int at, String problem) {
        return slice.fail(section, at, problem);
    }

    /** Where the next read starts, from the start of the section's data. */
    public int position() {
        return pos;
    }

    private void need(long n) {
        if (n < 0 || pos + n > data.length) throw fail("truncated: needs " + n + " more bytes, " + (data.length - pos) + " left");
    }

    public int u8() {
        need(1);
        return data[pos++] & 0xFF;
    }

    public int u16() {
        return u8() | u8() << 8;
    }

    public int u32() {
        need(4);
        int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8 | (data[pos + 2] & 0xFF) << 16 | data[pos + 3] << 24;
        pos += 4;
        return v;
    }

    public long u64() {
        return (u32() & 0xFFFFFFFFL) | (long) u32() << 32;
    }

    /** A count of entries of at least {@code minEntryBytes} each, checked against the bytes left. */
    public int count(int minEntryBytes) {
        int n = u32();
        if (n < 0 || (long) n * minEntryBytes > data.length - pos) throw fail("count " + Integer.toUnsignedString(n) + " does not fit in the section");
        return n;
    }

    public byte[] bytes(long n) {
        need(n);
        byte[] b = java.util.Arrays.copyOfRange(data, pos, pos + (int) n);
        pos += (int) n;
        return b;
    }

    public void end() {
        if (pos != data.length) throw fail((data.length - pos) + " bytes after the last entry");
    }
}
