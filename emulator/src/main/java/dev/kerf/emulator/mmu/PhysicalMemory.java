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
 */
public final class PhysicalMemory {
    // VarHandle views compile to a single unaligned load/store on x86 hosts: no byte shuffling.
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] ram;
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

    /** The backing array, for loaders, snapshots and bulk copies. Index = physical address. */
    public byte[] array() {
        return ram;
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
        if (codeBits == null || length <= 0) return;
        int first = pa >>> 12, last = (int) ((Integer.toUnsignedLong(pa) + length - 1) >>> 12);
        for (int page = first; page <= last && page < ram.length >>> 12; page++) {
            if ((codeBits[page >>> 6] >>> page & 1) != 0) codeWatch.codeWritten(page);
        }
    }

    private void wrote(int pa, int size) {
        long[] b = codeBits;
        if (b == null) return;
        int page = pa >>> 12;
        if ((b[page >>> 6] >>> page & 1) != 0) codeWatch.codeWritten(page);
        int end = (pa + size - 1) >>> 12;
        if (end != page && end < ram.length >>> 12 && (b[end >>> 6] >>> end & 1) != 0) codeWatch.codeWritten(end);
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
            if (codeBits != null) wrote(pa, 1);
        }
    }

    public void write16(int pa, int value) {
        if (Integer.compareUnsigned(pa, ram.length - 1) < 0) {
            I16.set(ram, pa, (short) value);
            if (codeBits != null) wrote(pa, 2);
        }
    }

    public void write32(int pa, int value) {
        if (Integer.compareUnsigned(pa, ram.length - 3) < 0) {
            I32.set(ram, pa, value);
            if (codeBits != null) wrote(pa, 4);
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
