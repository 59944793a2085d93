package dev.kerf.emulator.mmu;

import dev.kerf.emulator.cpu.CpuFault;

/**
 * The two-level page-table walk of IA-32 without PAE: CR3 → page directory → page table → 4 KiB
 * frame, or CR3 → page directory → 4 MiB frame when CR4.PSE is on and the PDE has PS set.
 *
 * <p>A walk checks the access, sets the accessed bits of the entries it used (and the dirty bit
 * of the final entry on a write) exactly as hardware does, and reports what the translation
 * permits so the TLB can cache it. Like QEMU, a walk that faults sets no A/D bit.
 *
 * <p>The result is packed into one int (no allocation on the miss path): the physical frame in
 * bits 31..12 and the {@code ALLOW_*} bits below.
 */
final class PageWalker {
    static final int P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80;
    static final int PAGE_MASK = 0xFFFFF000;

    /** The translation allows user (CPL 3) accesses: U/S set in both levels. */
    static final int ALLOW_USER = 1;
    /** The translation is writable: R/W set in both levels. */
    static final int ALLOW_WRITE = 2;
    /** The final entry's dirty bit is set (now), so a write needs no further walk. */
    static final int DIRTY = 4;
    /** The translation came from a 4 MiB page (CR4.PSE and PDE.PS). */
    static final int LARGE = 8;

    /** #PF error-code bits: protection violation (vs not present), write, user mode. */
    static final int PF_PROTECTION = 1, PF_WRITE = 2, PF_USER = 4;

    private final PhysicalMemory memory;

    PageWalker(PhysicalMemory memory) {
        this.memory = memory;
    }

    /**
     * Walks the tables for {@code linear}. {@code wp} is CR0.WP: when set, supervisor writes to a
     * read-only page fault too. Throws #PF with the architectural error code on failure.
     */
    int walk(int cr3, boolean pse, boolean wp, int linear, boolean write, boolean user) {
        int pdeAddr = (cr3 & PAGE_MASK) | ((linear >>> 22) << 2);
        int pde = memory.read32(pdeAddr);
        if ((pde & P) == 0) {
            throw fault(linear, write, user, false);
        }
        if (pse && (pde & PS) != 0) {
            int frame = (pde & 0xFFC00000) | (linear & 0x003FF000);
            check(pde, linear, write, user, wp);
            int updated = pde | A | (write ? D : 0);
            if (updated != pde) memory.write32(pdeAddr, updated);
            return frame | permissions(pde, updated) | LARGE;
        }
        int pteAddr = (pde & PAGE_MASK) | (((linear >>> 12) & 0x3FF) << 2);
        int pte = memory.read32(pteAddr);
        if ((pte & P) == 0) {
            throw fault(linear, write, user, false);
        }
        int combined = pde & pte;
        check(combined, linear, write, user, wp);
        if ((pde & A) == 0) memory.write32(pdeAddr, pde | A);
        int updated = pte | A | (write ? D : 0);
        if (updated != pte) memory.write32(pteAddr, updated);
        return (pte & PAGE_MASK) | permissions(combined, updated);
    }

    private static void check(int rights, int linear, boolean write, boolean user, boolean wp) {
        if (user && (rights & US) == 0) {
            throw fault(linear, write, user, true);
        }
        if (write && (rights & RW) == 0 && (user || wp)) {
            throw fault(linear, write, user, true);
        }
    }

    private static int permissions(int rights, int leaf) {
        return ((rights & US) != 0 ? ALLOW_USER : 0)
                | ((rights & RW) != 0 ? ALLOW_WRITE : 0)
                | ((leaf & D) != 0 ? DIRTY : 0);
    }

    static CpuFault fault(int linear, boolean write, boolean user, boolean protection) {
        int code = (protection ? PF_PROTECTION : 0) | (write ? PF_WRITE : 0) | (user ? PF_USER : 0);
        return CpuFault.pageFault(linear, code);
    }
}
