package dev.kerf.slicer.privacy;

/**
 * A labelled run of slice bytes the {@link Redactor} searches and, where a secret occurs,
 * overwrites <em>in place</em>. {@code label} says what the bytes are in words a person reads in
 * the manifest ({@code initial page 0x0804a000}, {@code return #12 from read(0, ...) bytes at
 * 0xbffff000}); {@code address} is where the first byte lives in the process or machine, or -1 when
 * it has none. Consecutive regions of a list are read as one stream when the second starts at the
 * address where the first ends, so a secret split over two pages is found.
 */
public record Region(String label, long address, byte[] bytes) {
    public Region {
        if (label == null || bytes == null) throw new IllegalArgumentException("a region needs a label and bytes");
    }

    /** Whether {@code next}, listed right after this region, continues it in memory. */
    boolean continuesInto(Region next) {
        return address >= 0 && next.address >= 0 && address + bytes.length == next.address;
    }
}
