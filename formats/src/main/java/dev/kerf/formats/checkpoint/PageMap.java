package dev.kerf.formats.checkpoint;

import java.util.Arrays;

/**
 * The RAM of a checkpoint: which 4 KiB pages are not all zero, and the SHA-256 of each one's
 * content (the page's name in the {@link PageStore}). Pages not listed are zero.
 *
 * @param pages  page numbers (physical address / 4096), strictly increasing
 * @param hashes 32 bytes per page, in the order of {@code pages}
 */
public record PageMap(int[] pages, byte[] hashes) {
    public static final int HASH_BYTES = 32;

    public PageMap {
        if (hashes.length != pages.length * HASH_BYTES)
            throw new IllegalArgumentException(pages.length + " pages need " + pages.length * HASH_BYTES + " hash bytes, not " + hashes.length);
        for (int i = 1; i < pages.length; i++)
            if (pages[i] <= pages[i - 1]) throw new IllegalArgumentException("page numbers not strictly increasing at " + i);
        pages = pages.clone();
        hashes = hashes.clone();
    }

    public int size() { return pages.length; }

    public int page(int i) { return pages[i]; }

    /** The SHA-256 of the i-th page's content. */
    public byte[] hash(int i) { return Arrays.copyOfRange(hashes, i * HASH_BYTES, (i + 1) * HASH_BYTES); }

    @Override
    public int[] pages() { return pages.clone(); }

    @Override
    public byte[] hashes() { return hashes.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof PageMap m && Arrays.equals(m.pages, pages) && Arrays.equals(m.hashes, hashes);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(pages) * 31 + Arrays.hashCode(hashes); }
}
