package dev.kerf.slicer.privacy;

import java.util.ArrayList;
import java.util.List;

/**
 * A labelled run of slice bytes the {@link Redactor} searches and, where a secret occurs,
 * overwrites <em>in place</em>. {@code label} says what the bytes are in words a person reads in
 * the manifest ({@code initial page 0x0804a000}, {@code return #12 from read(0, ...) bytes at
 * 0xbffff000}); {@code address} is where the first byte lives in the process or machine, or -1 when
 * it has none. Consecutive regions of a list are read as one stream when the second starts at the
 * address where the first ends, so a secret split over two pages is found — or when the second is
 * marked {@code continuesPrevious}: bytes that arrived one after the other (a process's input, a
 * byte per read() into one variable) form a stream wherever they were stored.
 */
public record Region(String label, long address, byte[] bytes, boolean continuesPrevious) {
    public Region {
        if (label == null || bytes == null) throw new IllegalArgumentException("a region needs a label and bytes");
    }

    /** A region that continues the previous one only where memory does. */
    public Region(String label, long address, byte[] bytes) {
        this(label, address, bytes, false);
    }

    /** Whether {@code next}, listed right after this region, continues its stream. */
    boolean continuesInto(Region next) {
        return next.continuesPrevious || address >= 0 && next.address >= 0 && address + bytes.length == next.address;
    }

    /** {@code regions} cut into the streams they form (each a sublist, in order). */
    static List<List<Region>> streams(List<Region> regions) {
        List<List<Region>> out = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= regions.size(); i++) {
            if (i == regions.size() || !regions.get(i - 1).continuesInto(regions.get(i))) {
                out.add(regions.subList(from, i));
                from = i;
            }
        }
        return out;
    }
}
