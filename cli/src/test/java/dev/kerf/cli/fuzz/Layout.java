package dev.kerf.cli.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What the fuzzer knows of each format's layout (docs/formats.md): where its sections are, where
 * their length fields and version numbers sit, and how to recompute its CRCs after a mutation so
 * that the decoder's semantic checks run, not only the CRC check. Lenient on purpose: it walks
 * whatever structure is still there and stops at the first thing that does not fit.
 */
enum Layout {
    /** Slice container (*.kslice, *.ksys, *.kjvm): magic, u16 major, u16 minor, sections from 12 (§9.1). */
    SLICE(12, new int[] {8, 10}),
    /** Checkpoint (*.kcp): 80-byte header with its CRC at 80, sections from 84 (§8.1). */
    CHECKPOINT(84, new int[] {8, 10}),
    /** Packed recording (*.kpack): entry table from 16, table CRC, data (§6). */
    PACK(16, new int[] {8, 10}),
    /** The journal's Chronicle Queue file: documents from 0, each data document an excerpt (§3, §4). */
    JOURNAL(0, new int[0]),
    /** pcap: 24-byte global header, records of 16-byte header + data. */
    PCAP(24, new int[] {4, 6}),
    /** i386 ELF: the header, program headers and section headers (no CRC). */
    ELF(0, new int[] {4, 5, 6, 20}),
    /** Text (JSON manifest) or anything else: no structure known. */
    RAW(0, new int[0]);

    /** A section: bytes [start, end), its length field at {@code lengthAt} ({@code lengthSize} bytes, 0 when none). */
    record Region(int start, int end, int lengthAt, int lengthSize) {}

    final int first;
    final int[] versionFields;

    Layout(int first, int[] versionFields) {
        this.first = first;
        this.versionFields = versionFields;
    }

    /** The sections found by walking {@code b} (possibly damaged). */
    List<Region> regions(byte[] b) {
        List<Region> out = new ArrayList<>();
        switch (this) {
            case SLICE, CHECKPOINT -> {
                if (this == CHECKPOINT && b.length >= 84) out.add(new Region(0, 84, -1, 0));
                for (int p = first; p + 5 <= b.length; ) {
                    long len = u32(b, p + 1);
                    long end = p + 9 + len;
                    if (end > b.length) break;
                    out.add(new Region(p, (int) end, p + 1, 4));
                    p = (int) end;
                }
            }
            case PACK -> {
                int p = 16;
                long count = b.length >= 16 ? u32(b, 12) : 0;
                List<long[]> lengths = new ArrayList<>();
                for (int i = 0; i < count && p + 3 <= b.length; i++) {
                    int nameLength = u16(b, p + 1);
                    int end = p + 3 + nameLength + 12;
                    if (end > b.length) break;
                    out.add(new Region(p, end, p + 3 + nameLength, 8));
                    lengths.add(new long[] {u64(b, p + 3 + nameLength)});
                    p = end;
                }
                p += 4; // table CRC
                for (long[] l : lengths) {
                    if (l[0] < 0 || p + l[0] > b.length) break;
                    out.add(new Region(p, (int) (p + l[0]), -1, 0));
                    p += (int) l[0];
                }
            }
            case JOURNAL -> {
                for (int p = 0; p + 4 <= b.length; ) {
                    int h = (int) u32(b, p);
                    if (h == 0 || h == 0xC0000000) break;
                    long len = h & 0x3FFFFFFF;
                    long end = (p + 4 + len + 3) & ~3L;
                    if (p + 4 + len > b.length) break;
                    out.add(new Region(p, (int) Math.min(end, b.length), p, 4));
                    p = (int) end;
                }
            }
            case PCAP -> {
                if (b.length >= 24) out.add(new Region(0, 24, 16, 4)); // snaplen
                for (int p = 24; p + 16 <= b.length; ) {
                    long len = u32(b, p + 8);
                    if (p + 16 + len > b.length) break;
                    out.add(new Region(p, (int) (p + 16 + len), p + 8, 4));
                    p += 16 + (int) len;
                }
            }
            case ELF -> {
                if (b.length < 52) break;
                out.add(new Region(0, 52, 28, 4)); // e_phoff
                long phoff = u32(b, 28);
                int phentsize = u16(b, 42), phnum = u16(b, 44);
                for (int i = 0; i < phnum && phentsize >= 32; i++) {
                    long at = phoff + (long) i * phentsize;
                    if (at + 32 > b.length) break;
                    out.add(new Region((int) at, (int) at + 32, (int) at + 16, 4)); // p_filesz
                    long off = u32(b, (int) at + 4), size = u32(b, (int) at + 16);
                    if (off + size <= b.length && size > 0) out.add(new Region((int) off, (int) (off + size), (int) at + 20, 4)); // p_memsz
                }
                long shoff = u32(b, 32);
                int shentsize = u16(b, 46), shnum = u16(b, 48);
                for (int i = 0; i < shnum && shentsize >= 40; i++) {
                    long at = shoff + (long) i * shentsize;
                    if (at + 40 > b.length) break;
                    out.add(new Region((int) at, (int) at + 40, (int) at + 20, 4)); // sh_size
                }
            }
            case RAW -> { }
        }
        return out;
    }

    /** True for the formats with CRCs (the others: {@link #fixCrcs} leaves the bytes as they are). */
    boolean hasCrc() {
        return this == SLICE || this == CHECKPOINT || this == PACK || this == JOURNAL;
    }

    /** Recomputes every CRC that can still be found (in place); formats without CRCs are left as they are. */
    void fixCrcs(byte[] b) {
        switch (this) {
            case SLICE, CHECKPOINT -> {
                if (this == CHECKPOINT && b.length >= 84) putCrc(b, 80, 0, 80);
                for (Region r : regions(b)) if (r.lengthSize() == 4) putCrc(b, r.end() - 4, r.start(), r.end() - 4 - r.start());
            }
            case PACK -> {
                List<Region> rs = regions(b);
                List<Region> table = new ArrayList<>(), data = new ArrayList<>();
                for (Region r : rs) (r.lengthSize() == 8 ? table : data).add(r);
                for (int i = 0; i < data.size() && i < table.size(); i++) {
                    Region d = data.get(i);
                    putCrc(b, table.get(i).end() - 4, d.start(), d.end() - d.start());
                }
                int t = table.isEmpty() ? 16 : table.get(table.size() - 1).end();
                putCrc(b, t, 0, t);
            }
            case JOURNAL -> {
                for (Region r : regions(b)) {
                    int h = (int) u32(b, r.start());
                    int len = h & 0x3FFFFFFF;
                    if ((h & 0xC0000000) != 0 || len < 28) continue; // Chronicle's own documents carry no CRC of ours
                    int body = r.start() + 4;
                    putCrc(b, body + len - 4, body, len - 4);
                }
            }
            default -> { }
        }
    }

    /** The data documents (excerpts) of a journal, for duplication and reordering. */
    static List<Region> excerpts(byte[] b) {
        List<Region> out = new ArrayList<>();
        for (Region r : JOURNAL.regions(b)) if ((u32(b, r.start()) & 0xC0000000L) == 0) out.add(r);
        return out;
    }

    /** The CRC-32C of [off, off + len) stored at {@code at}, when both fit in {@code b} (a damaged layout may say otherwise). */
    private static void putCrc(byte[] b, int at, int off, int len) {
        if (off < 0 || len < 0 || off > b.length - len || at < 0 || at > b.length - 4) return;
        putU32(b, at, crc(b, off, len));
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    static long u32(byte[] b, int at) {
        return ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
    }

    static int u16(byte[] b, int at) {
        return ByteBuffer.wrap(b, at, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
    }

    static long u64(byte[] b, int at) {
        return ByteBuffer.wrap(b, at, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    static void putU32(byte[] b, int at, int v) {
        ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
    }

    static void putU64(byte[] b, int at, long v) {
        ByteBuffer.wrap(b, at, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
    }
}
