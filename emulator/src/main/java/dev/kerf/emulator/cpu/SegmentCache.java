package dev.kerf.emulator.cpu;

/**
 * A segment register with its hidden descriptor cache: what the CPU loaded from the GDT/LDT the
 * last time the selector was written. Address arithmetic reads {@link #base} and {@link #limit}
 * only; the descriptor is consulted again only on the next load.
 */
public final class SegmentCache {
    public int selector;
    public int base;
    /** Effective limit in bytes (granularity already applied): 0xFFFFFFFF for a flat segment. */
    public int limit;
    /** Descriptor bits 8..23 of the high dword, shifted down: type(4) S DPL(2) P, AVL L D/B G. */
    public int access;

    public int type() { return access & 0xF; }
    public boolean system() { return (access & 0x10) == 0; }
    public int dpl() { return (access >> 5) & 3; }
    public boolean present() { return (access & 0x80) != 0; }
    /** D/B bit: 32-bit default operand size (code) or 32-bit stack pointer (stack). */
    public boolean big() { return (access & 0x4000) != 0; }

    public void set(int selector, int base, int limit, int access) {
        this.selector = selector & 0xFFFF;
        this.base = base;
        this.limit = limit;
        this.access = access;
    }

    public void copyFrom(SegmentCache other) {
        set(other.selector, other.base, other.limit, other.access);
    }
}
