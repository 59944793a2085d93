package dev.kerf.formats.checkpoint;

import dev.kerf.formats.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Content-addressed 4 KiB RAM pages shared by all checkpoints of one recording: a page is the
 * file {@code <dir>/<h0h1>/<h>} where {@code h} is the SHA-256 of its 4096 bytes in 64 lowercase
 * hex digits and {@code h0h1} its first two. A page that did not change between checkpoints (or
 * that appears twice in one) is stored once. Zero pages are never stored (the page map omits them).
 *
 * <p>Why one file per page rather than one append-only pack: every write is a temporary file
 * renamed into place, so a killed writer leaves no half page under a real name and needs no
 * recovery scan; two replays writing checkpoints of the same recording at once cannot interleave
 * (the same content has the same name, and rename is atomic); each page can be checked on its own
 * (its name is its hash); and pruning is deleting files. The cost is one inode per distinct page,
 * which for a 2 GiB guest at most is 512 Ki files.
 *
 * <p>Pages are not forced to disk one by one: a power cut may lose a page a surviving checkpoint
 * names. Reading finds that (missing file or wrong hash) and the checkpoint is skipped, which is
 * all a cache needs.
 */
public final class PageStore {
    public static final int PAGE_SIZE = 4096;

    private final Path dir;
    private final MessageDigest sha = sha256();
    private long pagesWritten;

    public PageStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() { return dir; }

    /** Pages this instance added to the store (pages already there are not counted). */
    public long pagesWritten() { return pagesWritten; }

    /** SHA-256 of the page at {@code ram[offset .. offset + 4096)}. */
    public byte[] hash(byte[] ram, int offset) {
        sha.update(ram, offset, PAGE_SIZE);
        return sha.digest();
    }

    /** True when the page at {@code offset} is all zero (such pages are never stored). */
    public static boolean isZero(byte[] ram, int offset) {
        return Arrays.mismatch(ram, offset, offset + PAGE_SIZE, ZERO, 0, PAGE_SIZE) < 0;
    }

    private static final byte[] ZERO = new byte[PAGE_SIZE];

    /** Stores the page at {@code ram[offset ..]} unless a page of that content exists; returns its hash. */
    public byte[] put(byte[] ram, int offset) throws IOException {
        byte[] h = hash(ram, offset);
        Path file = file(h);
        if (Files.isRegularFile(file) && Files.size(file) == PAGE_SIZE) return h;
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".page", ".tmp");
        try {
            Files.write(tmp, Arrays.copyOfRange(ram, offset, offset + PAGE_SIZE));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        pagesWritten++;
        return h;
    }

    /**
     * Copies the page named {@code hash} into {@code dest[offset ..]}, checking that the file has
     * exactly 4096 bytes that hash to its name; a missing or damaged page is a FormatException
     * naming the page file ({@code dest} may then hold part of the damaged bytes).
     */
    public void get(byte[] hash, byte[] dest, int offset) throws IOException {
        Path file = file(hash);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new FormatException(file, -1, "page missing from the checkpoint page store");
        }
        if (size != PAGE_SIZE) throw new FormatException(file, Math.min(size, PAGE_SIZE), "page file of " + size + " bytes, not " + PAGE_SIZE);
        byte[] b = Files.readAllBytes(file);
        if (b.length != PAGE_SIZE) throw new FormatException(file, Math.min(b.length, PAGE_SIZE), "page file changed size while read");
        byte[] actual = hash(b, 0);
        if (!Arrays.equals(actual, hash))
            throw new FormatException(file, -1, "page content hashes to " + HexFormat.of().formatHex(actual) + ", not its name");
        System.arraycopy(b, 0, dest, offset, PAGE_SIZE);
    }

    /** Stores every non-zero page of {@code ram} (a whole RAM image) and returns its page map. */
    public PageMap capture(byte[] ram) throws IOException {
        int n = ram.length / PAGE_SIZE;
        int[] pages = new int[n];
        byte[] hashes = new byte[n * PageMap.HASH_BYTES];
        int count = 0;
        for (int p = 0; p < n; p++) {
            if (isZero(ram, p * PAGE_SIZE)) continue;
            System.arraycopy(put(ram, p * PAGE_SIZE), 0, hashes, count * PageMap.HASH_BYTES, PageMap.HASH_BYTES);
            pages[count++] = p;
        }
        return new PageMap(Arrays.copyOf(pages, count), Arrays.copyOf(hashes, count * PageMap.HASH_BYTES));
    }

    /**
     * Fills {@code ram} from {@code map}: the listed pages from the store, every other page zero.
     * Checks every page first, so a damaged page leaves {@code ram} untouched.
     */
    public void restore(PageMap map, byte[] ram) throws IOException {
        place(map, load(map), ram);
    }

    /** Reads and checks every page {@code map} names, back to back in map order. */
    public byte[] load(PageMap map) throws IOException {
        byte[] pages = new byte[map.size() * PAGE_SIZE];
        for (int i = 0; i < map.size(); i++) get(map.hash(i), pages, i * PAGE_SIZE);
        return pages;
    }

    /** Writes {@code pages} (from {@link #load}) into {@code ram} where {@code map} says, zeroing every other page. */
    public static void place(PageMap map, byte[] pages, byte[] ram) {
        if (map.size() > 0 && (long) map.page(map.size() - 1) * PAGE_SIZE + PAGE_SIZE > ram.length)
            throw new IllegalArgumentException("page map names page " + map.page(map.size() - 1) + " beyond " + ram.length + " bytes of RAM");
        if (pages.length != map.size() * PAGE_SIZE) throw new IllegalArgumentException("pages do not match the map");
        java.util.Arrays.fill(ram, (byte) 0);
        for (int i = 0; i < map.size(); i++) System.arraycopy(pages, i * PAGE_SIZE, ram, map.page(i) * PAGE_SIZE, PAGE_SIZE);
    }

    /** The file holding the page named {@code hash}. */
    public Path file(byte[] hash) {
        String hex = HexFormat.of().formatHex(hash);
        return dir.resolve(hex.substring(0, 2)).resolve(hex);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }
}
