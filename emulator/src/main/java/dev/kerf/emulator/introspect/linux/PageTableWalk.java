package dev.kerf.emulator.introspect.linux;

/**
 * The IA-32 two-level page walk (4 KiB pages, 4 MiB pages when the directory entry says so; no
 * PAE, as kerf's MMU) over a RAM image, read-only: where a kernel virtual address lives in a
 * snapshot's physical RAM.
 */
public final class PageTableWalk {
    private static final int P = 1, PS = 0x80;

    private PageTableWalk() {}

    /** The physical address of {@code va} under the page directory at {@code cr3}, or -1 when unmapped or outside {@code ram}. */
    public static long physical(byte[] ram, int cr3, long va) {
        long pdeAt = (cr3 & 0xFFFFF000L) + ((va >>> 22) << 2);
        if (pdeAt + 4 > ram.length) return -1;
        int pde = u32(ram, (int) pdeAt);
        if ((pde & P) == 0) return -1;
        long pa;
        if ((pde & PS) != 0) {
            pa = (pde & 0xFFC00000L) | (va & 0x003FFFFFL);
        } else {
            long pteAt = (pde & 0xFFFFF000L) + (((va >>> 12) & 0x3FF) << 2);
            if (pteAt + 4 > ram.length) return -1;
            int pte = u32(ram, (int) pteAt);
            if ((pte & P) == 0) return -1;
            pa = (pte & 0xFFFFF000L) | (va & 0xFFF);
        }
        return pa < ram.length ? pa : -1;
    }

    private static int u32(byte[] ram, int p) {
        return (ram[p] & 0xFF) | (ram[p + 1] & 0xFF) << 8 | (ram[p + 2] & 0xFF) << 16 | ram[p + 3] << 24;
    }
}
