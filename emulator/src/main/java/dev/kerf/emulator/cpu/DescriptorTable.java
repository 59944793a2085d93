package dev.kerf.emulator.cpu;

/**
 * Reads and decodes 8-byte segment descriptors from the GDT or the LDT (selector bit 2 = TI).
 *
 * <p>A descriptor is handled as a {@code long}: low dword in bits 0..31, high dword in 32..63.
 * "Access" means {@link SegmentCache#access}'s layout: high-dword bits 8..23 shifted down with the
 * limit bits 19..16 masked out, i.e. type(4) S DPL(2) P in bits 0..7 and AVL L D/B G in 12..15.
 * All table accesses are implicit supervisor accesses and may fault with #PF.
 */
public final class DescriptorTable {
    static final int ACCESSED = 0x1, CODE = 0x8, CONFORMING = 0x4, READABLE = 0x2,
            EXPAND_DOWN = 0x4, WRITABLE = 0x2, S = 0x10, PRESENT = 0x80;
    /** System descriptor types (S = 0). */
    static final int TYPE_LDT = 0x2, TYPE_TSS32_AVAILABLE = 0x9, TYPE_TSS32_BUSY = 0xB;

    private DescriptorTable() {}

    /**
     * Linear address of the descriptor {@code selector} names, or -1 when it lies beyond the
     * GDT/LDT limit (or names the LDT while none is loaded). The caller picks the fault.
     */
    static long locate(Cpu cpu, int selector) {
        int index = selector & 0xFFF8;
        int base;
        int limit;
        if ((selector & 4) != 0) {
            if ((cpu.ldtr.selector & 0xFFFC) == 0 || !cpu.ldtr.present()) return -1;
            base = cpu.ldtr.base;
            limit = cpu.ldtr.limit;
        } else {
            base = cpu.gdtBase;
            limit = cpu.gdtLimit;
        }
        if (Integer.compareUnsigned(index + 7, limit) > 0) return -1;
        return Integer.toUnsignedLong(base + index);
    }

    /** Like {@link #locate} but throws {@code vector}(selector | ext) when out of the table. */
    static int locateOrFault(Cpu cpu, int selector, int vector, int ext) {
        long at = locate(cpu, selector);
        if (at < 0) throw CpuFault.withCode(vector, (selector & 0xFFFC) | ext);
        return (int) at;
    }

    static long read(Cpu cpu, int linear) {
        int lo = cpu.mmu.sysRead32(linear);
        int hi = cpu.mmu.sysRead32(linear + 4);
        return ((long) hi << 32) | (lo & 0xFFFFFFFFL);
    }

    /** The 32-bit base of segment descriptor {@code d} (low dword in the low half). */
    public static int base(long d) {
        int lo = (int) d;
        int hi = (int) (d >>> 32);
        return (lo >>> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000);
    }

    /** Effective limit in bytes: the 20-bit limit, scaled by 4 KiB when G is set. */
    static int limit(long d) {
        int lo = (int) d;
        int hi = (int) (d >>> 32);
        int raw = (lo & 0xFFFF) | (hi & 0xF0000);
        return (hi & 0x800000) != 0 ? (raw << 12) | 0xFFF : raw;
    }

    static int access(long d) {
        return (int) (d >>> 40) & 0xF0FF;
    }

    static int dpl(int access) { return (access >> 5) & 3; }
    static boolean present(int access) { return (access & PRESENT) != 0; }
    static boolean isSegment(int access) { return (access & S) != 0; }
    static boolean isCode(int access) { return (access & (S | CODE)) == (S | CODE); }
    static boolean isConformingCode(int access) { return isCode(access) && (access & CONFORMING) != 0; }
    static boolean isWritableData(int access) { return (access & (S | CODE | WRITABLE)) == (S | WRITABLE); }
    /** Loadable into DS/ES/FS/GS: any data segment or a readable code segment. */
    static boolean isReadable(int access) {
        return isSegment(access) && ((access & CODE) == 0 || (access & READABLE) != 0);
    }
    static int systemType(int access) { return access & 0xF; }

    /** Sets the descriptor's accessed bit in memory if it is clear, as the CPU does on a load. */
    static int markAccessed(Cpu cpu, int linear, long d) {
        int access = access(d);
        if ((access & ACCESSED) == 0) {
            cpu.mmu.sysWrite32(linear + 4, (int) (d >>> 32) | 0x100);
        }
        return access | ACCESSED;
    }

    /** Loads {@code cache} from a decoded descriptor. */
    static void fill(SegmentCache cache, int selector, long d, int access) {
        cache.set(selector, base(d), limit(d), access);
    }
}
