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
        if (Integer.compareUnsigned(pa, ram.length) < 0) ram[pa] = (byte) value;
    }

    public void write16(int pa, int value) {
        if (Integer.compareUnsigned(pa, ram.length - 1) < 0) I16.set(ram, pa, (short) value);
    }

    public void write32(int pa, int value) {
        if (Integer.compareUnsigned(pa, ram.length - 3) < 0) I32.set(ram, pa, value);
    }

    /** Copies {@code data} to physical address {@code pa}; the whole range must be RAM. */
    public void load(int pa, byte[] data, int offset, int length) {
        if (!contains(Integer.toUnsignedLong(pa), length)) {
            throw new IllegalArgumentException(String.format("0x%08x+%d is outside RAM (%d bytes)", pa, length, ram.length));
        }
        System.arraycopy(data, offset, ram, pa, length);
    }
}
