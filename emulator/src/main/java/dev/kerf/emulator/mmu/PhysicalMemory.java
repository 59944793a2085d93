package dev.kerf.emulator.mmu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Guest RAM: one byte array from physical address 0. Reads past the end of RAM return all-ones
 * (an open bus), writes there are dropped, as on a PC with nothing mapped at that address.
 *
 * <p>Multi-byte accesses are little-endian and may be unaligned; they must not cross the end of
 * RAM partially (callers split page-crossing accesses, so this only matters for the last page).
 *
 * <p>Write tracking: each 4 KiB page has a cached hash ({@link Xxh64} of its bytes) and a
 * "written since" flag, so that {@link #ramHash()} hashes only the pages written since the
 * previous one. Every write to RAM marks its page: this class's own writes ({@link #write8}...,
 * {@link #load}, {@link #fill}, {@link #restore}), {@link #written} for whoever wrote through
 * {@link #array()}, and {@link #touch} for a writer that keeps a direct way into a page (the
 * CPU's data micro-TLB marks a page when it caches it for writing and drops those entries when
 * told by {@link #watchWriteEntries}'s callback, which {@link #ramHash()} calls). With Java
 * assertions enabled every {@link #ramHash()} is checked against a recomputation over all of RAM.
 */
public final class PhysicalMemory {
    // VarHandle views compile to a single unaligned load/store on x86 hosts: no byte shuffling.
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] ram;
    private static final int PAGE = 4096;
    /** The hash of an all-zero page: what every page of a new memory has. */
    static final long ZERO_PAGE_HASH = Xxh64.of(new byte[PAGE], 0, PAGE);
    /** Per page: its cached {@link Xxh64} (valid while its {@link #stale} flag is clear). */
    private final long[] pageHash;
    /** Per page: written since its hash was cached. */
    private final boolean[] stale;
    /** Drops every direct write way into a page held outside this class (the CPU's micro-TLB write entries); null when none. */
    private Runnable writeEntries;
    /** One bit per 4 KiB page that translated code was made from (see {@link #watchCode}); null when nobody watches. */
    private long[] codeBits;
    private CodeWatch codeWatch;

    /** Told when a page holding translated code is written (see {@link PhysicalMemory#watchCode}). */
    @FunctionalInterface
    public interface CodeWatch {
        /** Page {@code page} (physical address >>> 12), marked with {@link #markCode}, was written. */
        void codeWritten(int page);
    }

    public PhysicalMemory(int sizeBytes) {
        if (sizeBytes <= 0 || (sizeBytes & 0xFFF) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4 KiB: " + sizeBytes);
        }
        this.ram = allocate(sizeBytes);
        this.pageHash = new long[sizeBytes >>> 12];
        this.stale = new boolean[sizeBytes >>> 12];
        java.util.Arrays.fill(pageHash, ZERO_PAGE_HASH);
    }

    /**
     * The RAM array, or a {@link HeapLimitException} instead of an OutOfMemoryError: checked
     * before allocating against the heap's limit (an array larger than the whole heap can never
     * be had), and the allocation's own failure caught (nothing was allocated, so the JVM is fine).
     * RAM sizes come from inputs (a recording's manifest, a slice's header, the pages a process
     * slice maps), so this is where their cost is bounded by what the JVM can actually hold.
     */
    private static byte[] allocate(int sizeBytes) {
        long heap = Runtime.getRuntime().maxMemory();
        if (sizeBytes > heap) throw new HeapLimitException(sizeBytes, heap);
        try {
            return new byte[sizeBytes];
        } catch (OutOfMemoryError e) {
            throw new HeapLimitException(sizeBytes, heap);
        }
    }

    public int size() {
        return ram.length;
    }

    /**
     * The backing array, for reading (index = physical address). Whoever writes into it must
     * report the range with {@link #written} (or use {@link #load}, {@link #fill},
     * {@link #restore}), else {@link #ramHash()} misses the write and translated code made from
     * the old bytes survives; a writer that keeps a way into a page across writes marks it with
     * {@link #touch} and registers how to drop that way with {@link #watchWriteEntries}.
     */
    public byte[] array() {
        return ram;
    }

    /**
     * Installs the callback that drops every direct write way into RAM held outside this class
     * (one holder: the CPU's data micro-TLB). {@link #ramHash()} calls it after clearing the pages'
     * "written" flags, so that the holder's next write to each page goes through {@link #touch} again.
     */
    public void watchWriteEntries(Runnable drop) {
        writeEntries = drop;
    }

    /**
     * Marks the page holding {@code pa} (inside RAM) as written: for a writer about to keep a
     * direct way into it (see {@link #watchWriteEntries}).
     */
    public void touch(int pa) {
        stale[pa >>> 12] = true;
    }

    /**
     * The hash of all of RAM (recording format 3, docs/formats.md §5): XXH64 (seed 0) of the
     * concatenated little-endian 8-byte XXH64s (seed 0) of each 4 KiB page in order of address.
     * Only pages written since the previous call are hashed again; the others' hashes are kept.
     */
    public long ramHash() {
        long[] h = pageHash;
        boolean[] s = stale;
        byte[] r = ram;
        for (int p = 0; p < s.length; p++) {
            if (s[p]) {
                s[p] = false;
                h[p] = Xxh64.of(r, p << 12, PAGE);
            }
        }
        Runnable w = writeEntries;
        if (w != null) w.run();
        long v = Xxh64.ofLongs(h);
        assert v == recomputedRamHash() : "RAM hash from the cached page hashes " + Long.toHexString(v)
                + " differs from its recomputation over all of RAM " + Long.toHexString(recomputedRamHash())
                + ": a write to RAM was not tracked (page " + firstDifferentPage() + ")";
        return v;
    }

    /** How many pages were written since the previous {@link #ramHash()} (or since this memory was made): what the next one hashes. */
    public int pagesWritten() {
        int n = 0;
        for (boolean s : stale) if (s) n++;
        return n;
    }

    /** {@link #ramHash()}'s value computed from every page's bytes, without the cache (the assertion's reference). */
    public long recomputedRamHash() {
        long[] h = new long[pageHash.length];
        for (int p = 0; p < h.length; p++) h[p] = Xxh64.of(ram, p << 12, PAGE);
        return Xxh64.ofLongs(h);
    }

    private String firstDifferentPage() {
        for (int p = 0; p < pageHash.length; p++) {
            if (!stale[p] && pageHash[p] != Xxh64.of(ram, p << 12, PAGE)) return String.format("0x%x", p);
        }
        return "none found";
    }

    /**
     * Installs the watcher of code pages: from now on every write through this class to a page
     * marked with {@link #markCode} (and every {@link #written} range covering one) calls it once
     * per page and write. Writers that bypass this class through {@link #array()} must report
     * what they wrote with {@link #written}.
     */
    public void watchCode(CodeWatch watch) {
        codeWatch = watch;
        codeBits = watch == null ? null : new long[(ram.length >>> 12) + 63 >>> 6];
    }

    /** Marks the page holding {@code pa} as holding translated code (no-op without a watcher or outside RAM). */
    public void markCode(int pa) {
        int page = pa >>> 12;
        long[] b = codeBits;
        if (b != null && page < ram.length >>> 12) b[page >>> 6] |= 1L << page;
    }

    /** Unmarks page {@code page} (physical address >>> 12). */
    public void clearCode(int page) {
        long[] b = codeBits;
        if (b != null && page >= 0 && page < ram.length >>> 12) b[page >>> 6] &= ~(1L << page);
    }

    /** Unmarks every page. */
    public void clearAllCode() {
        long[] b = codeBits;
        if (b != null) java.util.Arrays.fill(b, 0);
    }

    /** True when the page holding {@code pa} is marked as holding translated code. */
    public boolean isCode(int pa) {
        long[] b = codeBits;
        int page = pa >>> 12;
        return b != null && page < ram.length >>> 12 && (b[page >>> 6] >>> page & 1) != 0;
    }

    /**
     * Reports that {@code length} bytes from {@code pa} were written through {@link #array()}
     * (loaders, demand paging, devices): translations made from them are dropped.
     */
    public void written(int pa, int length) {
        if (length <= 0) return;
        int first = pa >>> 12, last = (int) ((Integer.toUnsignedLong(pa) + length - 1) >>> 12);
        long[] b = codeBits;
        for (int page = first; page <= last && page < stale.length; page++) {
            stale[page] = true;
            if (b != null && (b[page >>> 6] >>> page & 1) != 0) codeWatch.codeWritten(page);
        }
    }

    /** Sets {@code length} bytes from {@code pa} to {@code value}; the whole range must be RAM. */
    public void fill(int pa, int length, byte value) {
        if (!contains(Integer.toUnsignedLong(pa), length)) {
            throw new IllegalArgumentException(String.format("0x%08x+%d is outside RAM (%d bytes)", pa, length, ram.length));
        }
        java.util.Arrays.fill(ram, pa, pa + length, value);
        written(pa, length);
    }

    /**
     * Makes RAM a copy of {@code image} (a snapshot's or checkpoint's RAM, exactly RAM's size):
     * only the pages that differ are copied and marked written, so restoring a state into a fresh
     * or nearby memory leaves the other pages' cached hashes in place.
     */
    public void restore(byte[] image) {
        if (image.length != ram.length) {
            throw new IllegalArgumentException("an image of " + image.length + " bytes for " + ram.length + " bytes of RAM");
        }
        for (int p = 0; p < ram.length; p += PAGE) {
            if (!java.util.Arrays.equals(ram, p, p + PAGE, image, p, p + PAGE)) {
                System.arraycopy(image, p, ram, p, PAGE);
                written(p, PAGE);
            }
        }
    }

    /** A write of {@code size} bytes at {@code pa} (inside RAM) happened: its pages are written, and reported if they hold code. */
    private void wrote(int pa, int size) {
        int page = pa >>> 12, end = (pa + size - 1) >>> 12;
        stale[page] = true;
        stale[end] = true;
        long[] b = codeBits;
        if (b == null) return;
        if ((b[page >>> 6] >>> page & 1) != 0) codeWatch.codeWritten(page);
        if (end != page && (b[end >>> 6] >>> end & 1) != 0) codeWatch.codeWritten(end);
    }

    public boolean contains(long physical, int length) {
        return physical >= 0 && length >= 0 && physical + length <= ram.length;
    }

    public int read8(int pa) {
        if (Integer.compareUnsigned(pa, ram.length) >= 0) return 0xFF;
        return ram[pa] & 0xFF;
    }

    public int read16(int pa) {
        if (Integer.compareUnsigned(pa, ram.length - 1) >= 0) return 0xFFFF;
        return (short) I16.get(ram, pa) & 0xFFFF;
    }

    public int read32(int pa) {
        if (Integer.compareUnsigned(pa, ram.length - 3) >= 0) return 0xFFFFFFFF;
        return (int) I32.get(ram, pa);
    }

    public void write8(int pa, int value) {
        if (Integer.compareUnsigned(pa, ram.length) < 0) {
            ram[pa] = (byte) value;
            wrote(pa, 1);
        }
    }

    public void write16(int pa, int value) {
        if (Integer.compareUnsigned(pa, ram.length - 1) < 0) {
            I16.set(ram, pa, (short) value);
            wrote(pa, 2);
        }
    }

    public void write32(int pa, int value) {
        if (Integer.compareUnsigned(pa, ram.length - 3) < 0) {
            I32.set(ram, pa, value);
            wrote(pa, 4);
        }
    }

    /** Copies {@code data} to physical address {@code pa}; the whole range must be RAM. */
    public void load(int pa, byte[] data, int offset, int length) {
        if (!contains(Integer.toUnsignedLong(pa), length)) {
            throw new IllegalArgumentException(String.format("0x%08x+%d is outside RAM (%d bytes)", pa, length, ram.length));
        }
        System.arraycopy(data, offset, ram, pa, length);
        written(pa, length);
    }
}
