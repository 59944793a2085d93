package dev.kerf.formats.checkpoint;

import dev.kerf.formats.FormatException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Content-addressed 4 KiB RAM pages shared by all checkpoints of one recording, in one
 * append-only pack file. A page that did not change between checkpoints (or appears twice in
 * one) is stored once; zero pages are never stored (page maps omit them), and a page's trailing
 * zero bytes are not stored either (a free page holding one list pointer costs 38 bytes).
 *
 * <pre>
 * File   => Header Record*
 * Header => Magic "KERFPAGE" (8) | Major uint16 (1) | Minor uint16 (0) | Reserved uint32 (0)   = 16 bytes
 * Record => Hash (32: SHA-256 of the whole 4096-byte page) | Length (uint16, 1..4096)
 *           | Data (Length bytes: the page up to its last non-zero byte; the rest is zero)
 * </pre>
 *
 * The index (hash → record offset) is rebuilt by walking every record when the store is
 * opened. The walk ends at the end of the file; a record cut by the end of the file (a killed
 * writer) or with a Length outside 1..4096 (damage) ends it early, and the pack is cut there,
 * under the lock: what followed is rebuilt by later captures. The SHA-256 is the record's
 * integrity check: reading a page checks that the stored Hash is the one asked for and that the
 * page hashes to it. A damaged record is dropped from the index, so the next capture appends a
 * fresh copy (the index keeps the last record of each hash).
 *
 * <p>Why one pack and not one file per page: on this project's machines creating a small file
 * costs about 2.5 ms (8,000 pages: 20 s), appending 4 KiB costs microseconds. Appends happen
 * under an exclusive file lock (two replays may share a recording), and the pack is forced to
 * disk before a checkpoint naming its pages is renamed into place.
 */
public final class PageStore implements Closeable {
    public static final int PAGE_SIZE = 4096;
    static final byte[] MAGIC = {'K', 'E', 'R', 'F', 'P', 'A', 'G', 'E'};
    static final int MAJOR = 1;
    static final int HEADER = 16;
    static final int RECORD_HEADER = PageMap.HASH_BYTES + 2;
    private static final byte[] ZERO = new byte[PAGE_SIZE];

    private final Path file;
    private final FileChannel ch;
    private final MessageDigest sha = sha256();
    private final Map<ByteBuffer, Long> index = new HashMap<>();
    /** End of the records indexed so far: where the next append goes (another process may have appended since). */
    private long end = HEADER;
    private long pagesWritten;

    private PageStore(Path file, FileChannel ch) {
        this.file = file;
        this.ch = ch;
    }

    /**
     * Opens (creating if absent) the pack {@code file}. A pack whose header is not a kerf page pack
     * of major 1 is a FormatException; the caller may delete it (it is a cache) and open again.
     * A path that is not a regular file (a symbolic link is not followed) is a {@link NotAPack}.
     */
    public static PageStore open(Path file) throws IOException {
        try {
            var a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) throw new NotAPack(file, CheckpointFile.kind(a) + ", not a page pack");
        } catch (NoSuchFileException e) {
            // created below
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        PageStore s = new PageStore(file, ch);
        try (FileLock l = ch.lock()) {
            s.header();
            s.sync();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return s;
    }

    public Path file() { return file; }

    /**
     * The pack's path names something that is not a regular file (a directory, a symbolic link, a
     * device or fifo): it is neither opened nor deleted; the store is not usable.
     */
    public static final class NotAPack extends FileSystemException {
        public NotAPack(Path file, String reason) {
            super(file.toString(), null, reason);
        }
    }

    /** Pages this instance appended (pages already in the pack are not counted). */
    public long pagesWritten() { return pagesWritten; }

    /** True when the page at {@code ram[offset ..]} is all zero (such pages are never stored). */
    public static boolean isZero(byte[] ram, int offset) {
        return Arrays.mismatch(ram, offset, offset + PAGE_SIZE, ZERO, 0, PAGE_SIZE) < 0;
    }

    /** SHA-256 of the page at {@code ram[offset .. offset + 4096)}. */
    public byte[] hash(byte[] ram, int offset) {
        sha.update(ram, offset, PAGE_SIZE);
        return sha.digest();
    }

    /**
     * Stores every non-zero page of {@code ram} (a whole RAM image) not yet in the pack, forces the
     * pack to disk, and returns the page map.
     */
    public PageMap capture(byte[] ram) throws IOException {
        int n = ram.length / PAGE_SIZE;
        int[] pages = new int[n];
        byte[] hashes = new byte[n * PageMap.HASH_BYTES];
        int count = 0;
        try (FileLock l = ch.lock()) {
            sync();
            ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER + PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            for (int p = 0; p < n; p++) {
                if (isZero(ram, p * PAGE_SIZE)) continue;
                byte[] h = hash(ram, p * PAGE_SIZE);
                if (!index.containsKey(ByteBuffer.wrap(h))) append(record, h, ram, p * PAGE_SIZE);
                System.arraycopy(h, 0, hashes, count * PageMap.HASH_BYTES, PageMap.HASH_BYTES);
                pages[count++] = p;
            }
            ch.force(false);
        }
        return new PageMap(Arrays.copyOf(pages, count), Arrays.copyOf(hashes, count * PageMap.HASH_BYTES));
    }

    private void append(ByteBuffer record, byte[] h, byte[] ram, int offset) throws IOException {
        int length = PAGE_SIZE;
        while (ram[offset + length - 1] == 0) length--; // the page is not all zero: stops at 1
        record.clear();
        record.put(h).putShort((short) length).put(ram, offset, length).flip();
        long at = end;
        while (record.hasRemaining()) ch.write(record, at + record.position());
        index.put(ByteBuffer.wrap(h), at);
        end = at + RECORD_HEADER + length;
        pagesWritten++;
    }

    /** Reads and checks every page {@code map} names, back to back in map order. */
    public byte[] load(PageMap map) throws IOException {
        byte[] pages = new byte[map.size() * PAGE_SIZE];
        for (int i = 0; i < map.size(); i++) get(map.hash(i), pages, i * PAGE_SIZE);
        return pages;
    }

    /**
     * Fills {@code ram} from {@code map}: the listed pages from the pack, every other page zero.
     * Checks every page first, so a missing or damaged page leaves {@code ram} untouched.
     */
    public void restore(PageMap map, byte[] ram) throws IOException {
        place(map, load(map), ram);
    }

    /** Writes {@code pages} (from {@link #load}) into {@code ram} where {@code map} says, zeroing every other page. */
    public static void place(PageMap map, byte[] pages, byte[] ram) {
        if (map.size() > 0 && (long) map.page(map.size() - 1) * PAGE_SIZE + PAGE_SIZE > ram.length)
            throw new IllegalArgumentException("page map names page " + map.page(map.size() - 1) + " beyond " + ram.length + " bytes of RAM");
        if (pages.length != map.size() * PAGE_SIZE) throw new IllegalArgumentException("pages do not match the map");
        Arrays.fill(ram, (byte) 0);
        for (int i = 0; i < map.size(); i++) System.arraycopy(pages, i * PAGE_SIZE, ram, map.page(i) * PAGE_SIZE, PAGE_SIZE);
    }

    /** Copies the page named {@code hash} into {@code dest[offset ..]}; missing or damaged: a FormatException naming the pack. */
    void get(byte[] hash, byte[] dest, int offset) throws IOException {
        ByteBuffer key = ByteBuffer.wrap(hash);
        Long at = index.get(key);
        if (at == null) {
            try (FileLock l = ch.lock()) {
                sync(); // another process may have appended it since
            }
            at = index.get(key);
        }
        if (at == null) throw new FormatException(file, -1, "page " + HexFormat.of().formatHex(hash) + " is not in the page pack");
        ByteBuffer h = readAt(at, RECORD_HEADER);
        if (h == null) throw damaged(key, at, "record cut short");
        byte[] stored = Arrays.copyOf(h.array(), PageMap.HASH_BYTES);
        if (!Arrays.equals(stored, hash)) throw damaged(key, at, "record holds page " + HexFormat.of().formatHex(stored));
        int length = h.getShort(PageMap.HASH_BYTES) & 0xFFFF;
        if (length < 1 || length > PAGE_SIZE) throw damaged(key, at + PageMap.HASH_BYTES, "record length " + length);
        ByteBuffer data = readAt(at + RECORD_HEADER, length);
        if (data == null) throw damaged(key, at + RECORD_HEADER, "record cut short");
        byte[] page = Arrays.copyOf(data.array(), PAGE_SIZE);
        byte[] actual = hash(page, 0);
        if (!Arrays.equals(actual, hash))
            throw damaged(key, at + RECORD_HEADER, "page " + HexFormat.of().formatHex(hash) + " content hashes to " + HexFormat.of().formatHex(actual));
        System.arraycopy(page, 0, dest, offset, PAGE_SIZE);
    }

    private FormatException damaged(ByteBuffer key, long at, String problem) {
        index.remove(key); // the next capture appends a good copy
        return new FormatException(file, at, problem);
    }

    private void header() throws IOException {
        if (ch.size() == 0) {
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            h.put(MAGIC).putShort((short) MAJOR).putShort((short) 0).putInt(0).flip();
            while (h.hasRemaining()) ch.write(h, h.position());
            ch.force(false);
            return;
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        while (h.hasRemaining()) if (ch.read(h, h.position()) < 0) throw new FormatException(file, ch.size(), "page pack header cut short");
        if (!Arrays.equals(Arrays.copyOf(h.array(), 8), MAGIC)) throw new FormatException(file, 0, "not a kerf page pack (bad magic)");
        int major = h.getShort(8) & 0xFFFF;
        if (major != MAJOR)
            throw new FormatException(file, 8, "page pack format " + major + ".x, this kerf reads " + MAJOR + ".x: delete the checkpoints");
    }

    /**
     * Indexes the records appended since the last look (by anyone). Called with the lock held: a
     * record cut by the end of the file or with an impossible Length ends the pack, which is cut
     * there so that the next append continues a well-formed pack.
     */
    private void sync() throws IOException {
        long size = ch.size();
        while (end < size) {
            ByteBuffer h = size - end >= RECORD_HEADER ? readAt(end, RECORD_HEADER) : null;
            int length = h == null ? -1 : h.getShort(PageMap.HASH_BYTES) & 0xFFFF;
            if (length < 1 || length > PAGE_SIZE || size - end - RECORD_HEADER < length) {
                ch.truncate(end);
                return;
            }
            index.put(ByteBuffer.wrap(Arrays.copyOf(h.array(), PageMap.HASH_BYTES)), end);
            end += RECORD_HEADER + length;
        }
    }

    /** {@code n} bytes at {@code at}, or null when the file ends first. */
    private ByteBuffer readAt(long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) if (ch.read(b, at + b.position()) < 0) return null;
        return b;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }
}
