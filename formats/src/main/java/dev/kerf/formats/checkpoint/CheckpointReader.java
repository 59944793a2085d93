package dev.kerf.formats.checkpoint;

import dev.kerf.formats.journal.Position;
import dev.kerf.formats.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads one checkpoint file ({@link CheckpointFile} has the grammar) as hostile input: every
 * length is checked against its bound and against the bytes left in the file before anything is
 * allocated; every CRC is checked before a section is parsed; problems name the file and offset.
 */
final class CheckpointReader {
    private final Path file;
    private final FileChannel ch;
    private final long size;
    private long pos;

    CheckpointReader(Path file, FileChannel ch) throws IOException {
        this.file = file;
        this.ch = ch;
        this.size = ch.size();
    }

    CheckpointData read() throws IOException {
        CheckpointHeader header = header();
        byte[] cpu = section(CheckpointFile.TYPE_CPU, "CPU state", CheckpointFile.MAX_CPU);
        byte[] devices = section(CheckpointFile.TYPE_DEVICES, "device state", CheckpointFile.MAX_DEVICES);
        long pagesAt = pos + 5;
        int ramPages = header.ramBytes() / PageStore.PAGE_SIZE;
        byte[] pages = section(CheckpointFile.TYPE_PAGES, "page map", 4 + (long) ramPages * CheckpointFile.PAGE_ENTRY);
        if (pos != size) throw fail(pos, (size - pos) + " bytes after the last section");
        return new CheckpointData(header, cpu, devices, pageMap(pages, pagesAt, ramPages));
    }

    private CheckpointHeader header() throws IOException {
        ByteBuffer h = read(CheckpointFile.HEADER_LENGTH, "header");
        byte[] magic = new byte[CheckpointFile.MAGIC.length];
        h.get(magic);
        if (!Arrays.equals(magic, CheckpointFile.MAGIC)) throw fail(0, "not a kerf checkpoint (bad magic)");
        int major = h.getShort() & 0xFFFF;
        if (major != CheckpointFile.MAJOR)
            throw fail(CheckpointFile.MAJOR_OFFSET, "checkpoint format " + major + ".x, this kerf reads " + CheckpointFile.MAJOR
                    + ".x: delete the checkpoint (it is rebuilt by replaying)");
        int stored = h.getInt(CheckpointFile.HEADER_CRC_OFFSET);
        int computed = CheckpointFile.crc(h.array(), 0, CheckpointFile.HEADER_CRC_OFFSET);
        if (stored != computed) throw fail(CheckpointFile.HEADER_CRC_OFFSET, crcMismatch("header", stored, computed));
        long ram = h.getInt(CheckpointFile.RAM_OFFSET) & 0xFFFFFFFFL;
        if (ram == 0 || ram % PageStore.PAGE_SIZE != 0 || ram > Integer.MAX_VALUE)
            throw fail(CheckpointFile.RAM_OFFSET, "RAM size " + ram + " is not a positive multiple of 4 KiB below 2 GiB");
        long icount = h.getLong(CheckpointFile.ICOUNT_OFFSET);
        if (icount < 0) throw fail(CheckpointFile.ICOUNT_OFFSET, "negative icount " + icount);
        h.position(CheckpointFile.POSITION_OFFSET);
        long excerpt = h.getLong();
        int inExcerpt = h.getInt();
        long event = h.getLong();
        int block = h.getInt();
        if (excerpt < 0 || inExcerpt < 0 || event < inExcerpt || block < 0)
            throw fail(CheckpointFile.POSITION_OFFSET, "not a journal position (negative, or fewer events than consumed in its excerpt)");
        byte[] id = new byte[PageMap.HASH_BYTES];
        h.get(CheckpointFile.RECORDING_OFFSET, id);
        return new CheckpointHeader(icount, new Position(excerpt, inExcerpt, event, block), id, (int) ram);
    }

    private byte[] section(int type, String what, long max) throws IOException {
        long at = pos;
        ByteBuffer h = read(5, what + " section header");
        int actualType = h.get() & 0xFF;
        if (actualType != type) throw fail(at, what + " section expected (type " + type + "), found type " + actualType);
        long length = h.getInt() & 0xFFFFFFFFL;
        if (length > max) throw fail(at + 1, what + " length " + length + " exceeds its bound of " + max);
        if (length + 4 > size - pos) throw fail(at + 1, what + " length " + length + " runs past the end of the file");
        byte[] data = read((int) length, what).array();
        long crcAt = pos;
        int stored = read(4, what + " CRC").getInt();
        CRC32CFeed crc = new CRC32CFeed();
        crc.update(h.array()).update(data);
        if (stored != crc.value()) throw fail(crcAt, crcMismatch(what, stored, crc.value()));
        return data;
    }

    private PageMap pageMap(byte[] data, long at, int ramPages) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 4) throw fail(at, "page map shorter than its count");
        long count = b.getInt() & 0xFFFFFFFFL;
        if (count > ramPages || data.length != 4 + count * CheckpointFile.PAGE_ENTRY)
            throw fail(at, "page map count " + count + " does not fit its " + data.length + " bytes and " + ramPages + " pages of RAM");
        int[] pages = new int[(int) count];
        byte[] hashes = new byte[(int) count * PageMap.HASH_BYTES];
        for (int i = 0; i < count; i++) {
            long entryAt = at + b.position();
            long page = b.getInt() & 0xFFFFFFFFL;
            if (page >= ramPages) throw fail(entryAt, "page " + page + " is beyond RAM (" + ramPages + " pages)");
            if (i > 0 && page <= pages[i - 1]) throw fail(entryAt, "page " + page + " out of order (after page " + pages[i - 1] + ")");
            pages[i] = (int) page;
            b.get(hashes, i * PageMap.HASH_BYTES, PageMap.HASH_BYTES);
        }
        return new PageMap(pages, hashes);
    }

    private ByteBuffer read(int n, String what) throws IOException {
        if (n > size - pos) throw fail(pos, what + " cut short: " + n + " bytes needed, " + Math.max(0, size - pos) + " left");
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) if (ch.read(b, pos + b.position()) < 0) throw fail(pos, what + " cut short");
        pos += n;
        return b.flip();
    }

    private static String crcMismatch(String what, int stored, int computed) {
        return String.format("%s CRC mismatch: stored 0x%08x, computed 0x%08x", what, stored, computed);
    }

    private FormatException fail(long offset, String message) { return new FormatException(file, offset, message); }

    /** CRC-32C over several arrays. */
    private static final class CRC32CFeed {
        private final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();

        CRC32CFeed update(byte[] b) {
            crc.update(b);
            return this;
        }

        int value() { return (int) crc.getValue(); }
    }
}
