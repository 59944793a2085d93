package dev.kerf.emulator.mmu;

import java.util.Arrays;

/**
 * Linear-to-physical translation (2-level paging, 4 KiB pages, optional 4 MiB pages with CR4.PSE)
 * and linear-address memory access through a software TLB.
 *
 * <p>All access methods act with the privilege last given to {@link #setUser(boolean)} (CPL 3 =
 * user); the {@code sys*} variants are the CPU's implicit supervisor accesses (descriptor tables,
 * TSS, IDT) that ignore CPL. Multi-byte accesses may cross a page boundary: both pages are
 * translated (and checked) before any byte moves, so a #PF on the second page leaves memory
 * unchanged. A failed translation throws {@link dev.kerf.emulator.cpu.CpuFault} for #PF with the
 * error code's P, W/R and U/S bits (no I/D bit: there is no NX).
 *
 * <p><b>TLB.</b> Direct-mapped, {@value #TLB_SIZE} slots indexed by a hash of the linear page
 * number (the top byte is folded in so a higher-half kernel and its user pages do not evict each
 * other). Each slot holds one page's physical addend and four tags, one per access kind
 * (supervisor read, supervisor write, user read, user write); a tag is the linear page address if
 * that kind of access is allowed without a walk, else {@code INVALID} (which has low bits set and
 * so never equals a page address). The hot path is one hash, one array compare and one RAM
 * access; no allocation. The compare is made against the page of the access's <em>last</em> byte,
 * which can only match when the access does not cross a page, so a single compare also routes
 * page-crossing accesses to the slow path. Write tags are granted only when the PTE's dirty bit
 * is already set, so the first write to a page cached for reading walks again and sets D.
 *
 * <p>Paging off: linear = physical; the TLB still caches identity entries so the fast path is
 * the same. Like hardware, entries go stale when the guest edits page tables: CR3 reload, a
 * CR0.PG/WP or CR4 change ({@link #setControl}) and {@link #invlpg} drop them; a conflict in a
 * slot may also drop one at any time, which x86 allows. CR4.PGE is accepted but global pages are
 * flushed too (allowed: it only makes the TLB smaller).
 *
 * <p>Determinism: the TLB's contents depend only on the access sequence, so a run repeats
 * exactly. They are architecturally visible, though (a stale entry is used after a PTE edit
 * without INVLPG; a cached dirty entry does not set D again after the guest clears it), so a
 * checkpoint restore that just calls {@link #setControl}/{@link #flush()} reproduces the original
 * run only for guests that invalidate after editing live PTEs, as OSes do. Exact restore would
 * need the five TLB arrays in the checkpoint.
 */
public final class Mmu {
    static final int TLB_BITS = 12;
    static final int TLB_SIZE = 1 << TLB_BITS;
    private static final int TLB_MASK = TLB_SIZE - 1;
    private static final int PAGE_MASK = PageWalker.PAGE_MASK;
    /** Never equals a page-aligned address. */
    private static final int INVALID = 1;
    private static final int IDENTITY = PageWalker.ALLOW_USER | PageWalker.ALLOW_WRITE | PageWalker.DIRTY;

    private final PhysicalMemory memory;
    private final PageWalker walker;

    private final int[] supRead = new int[TLB_SIZE];
    private final int[] supWrite = new int[TLB_SIZE];
    private final int[] userRead = new int[TLB_SIZE];
    private final int[] userWrite = new int[TLB_SIZE];
    /** physical = linear + addend[slot] for the page cached in that slot. */
    private final int[] addend = new int[TLB_SIZE];
    /** The tag arrays of the current privilege: supRead/supWrite or userRead/userWrite. */
    private int[] readTags = supRead;
    private int[] writeTags = supWrite;
    /** All INVALID: the hot-path tags while an observer is installed, so every access takes the slow path. */
    private final int[] never = new int[TLB_SIZE];
    /** Sees the data accesses of the observed kinds (see {@link #observe}); null on the fast path. */
    private AccessObserver observer;
    private boolean observeReads, observeWrites;

    private boolean user;
    private boolean paging;
    private boolean writeProtect;
    private boolean pse;
    private int cr3;
    /** A 4 MiB page is cached in 4 KiB pieces, so INVLPG must then flush everything. */
    private boolean largePageCached;
    private int generation;

    public Mmu(PhysicalMemory memory) {
        this.memory = memory;
        this.walker = new PageWalker(memory);
        Arrays.fill(never, INVALID);
        flush();
    }

    /**
     * Installs (or, with null, removes) the observer of data accesses, for reads, writes or both.
     * While one observes a kind of access, that kind's hot-path compare always misses, so every
     * such access goes through the slow path, which reports it; the other kind and, with none, all
     * accesses take the hot path exactly as without this feature. Translations and the TLB contents
     * are the same either way (the slow path fills the same slots). Bumps {@link #generation()} so
     * callers that cache translations drop them.
     */
    public void observe(AccessObserver observer, boolean reads, boolean writes) {
        this.observer = observer;
        this.observeReads = observer != null && reads;
        this.observeWrites = observer != null && writes;
        selectTags();
        generation++;
    }

    private void selectTags() {
        readTags = observeReads ? never : user ? userRead : supRead;
        writeTags = observeWrites ? never : user ? userWrite : supWrite;
    }

    public PhysicalMemory memory() { return memory; }

    /** Called on every CPL change. */
    public void setUser(boolean user) {
        if (this.user == user) return;
        this.user = user;
        selectTags();
        generation++;
    }

    /**
     * Called when CR0, CR3 or CR4 is written in a way that can change translations; always
     * flushes the TLB (a CR3 write flushes even when the value is unchanged, as on hardware).
     * Paging is on when CR0.PG and CR0.PE are both set.
     */
    public void setControl(int cr0, int cr3, int cr4) {
        this.paging = (cr0 & 0x80000001) == 0x80000001;
        this.writeProtect = (cr0 & 0x10000) != 0;
        this.pse = (cr4 & 0x10) != 0;
        this.cr3 = cr3;
        flush();
    }

    public void invlpg(int linear) {
        if (largePageCached) {
            // A 4 MiB page is cached as 4 KiB pieces: drop every piece of the 4 MiB region (a
            // superset of what INVLPG must drop, which the TLB may always do), not the whole TLB.
            int region = linear & 0xFFC00000;
            for (int s = 0; s < TLB_SIZE; s++) {
                int page = supRead[s];
                if (page != INVALID && (page & 0xFFC00000) == region) {
                    supRead[s] = supWrite[s] = userRead[s] = userWrite[s] = INVALID;
                }
            }
            generation++;
            return;
        }
        int s = slot(linear);
        supRead[s] = supWrite[s] = userRead[s] = userWrite[s] = INVALID;
        generation++;
    }

    public void flush() {
        Arrays.fill(supRead, INVALID);
        Arrays.fill(supWrite, INVALID);
        Arrays.fill(userRead, INVALID);
        Arrays.fill(userWrite, INVALID);
        largePageCached = false;
        generation++;
    }

    /**
     * Changes whenever a translation obtained earlier may no longer hold (flush, INVLPG, control
     * register change, privilege change). A caller that caches a translation (the executor's
     * current code page) re-translates when this differs from the value it saw.
     */
    public int generation() { return generation; }

    /** Physical address for {@code linear}, checked for the current privilege; #PF on failure. */
    public int translate(int linear, boolean write) { return translate(linear, write, user); }

    /** Physical address for an instruction fetch at {@code linear} (a read check: no NX). */
    public int translateFetch(int linear) { return translate(linear, false, user); }

    /**
     * Physical address of {@code linear} for a debugger or introspection: no privilege check, no
     * A/D update, no TLB fill, no fault. Returns -1 when unmapped.
     */
    public long probe(int linear) {
        if (!paging) return Integer.toUnsignedLong(linear);
        int pde = memory.read32((cr3 & PAGE_MASK) | ((linear >>> 22) << 2));
        if ((pde & PageWalker.P) == 0) return -1;
        if (pse && (pde & PageWalker.PS) != 0) {
            return Integer.toUnsignedLong((pde & 0xFFC00000) | (linear & 0x003FFFFF));
        }
        int pte = memory.read32((pde & PAGE_MASK) | (((linear >>> 12) & 0x3FF) << 2));
        if ((pte & PageWalker.P) == 0) return -1;
        return Integer.toUnsignedLong((pte & PAGE_MASK) | (linear & 0xFFF));
    }

    // ---- accesses at the current privilege: the hot path ----

    public int read8(int linear) {
        int s = slot(linear);
        if (readTags[s] == (linear & PAGE_MASK)) return memory.read8(linear + addend[s]);
        return readSlow(linear, 1, user);
    }

    public int read16(int linear) {
        int s = slot(linear);
        if (readTags[s] == ((linear + 1) & PAGE_MASK)) return memory.read16(linear + addend[s]);
        return readSlow(linear, 2, user);
    }

    public int read32(int linear) {
        int s = slot(linear);
        if (readTags[s] == ((linear + 3) & PAGE_MASK)) return memory.read32(linear + addend[s]);
        return readSlow(linear, 4, user);
    }

    public void write8(int linear, int v) {
        int s = slot(linear);
        if (writeTags[s] == (linear & PAGE_MASK)) memory.write8(linear + addend[s], v);
        else writeSlow(linear, 1, v, user);
    }

    public void write16(int linear, int v) {
        int s = slot(linear);
        if (writeTags[s] == ((linear + 1) & PAGE_MASK)) memory.write16(linear + addend[s], v);
        else writeSlow(linear, 2, v, user);
    }

    public void write32(int linear, int v) {
        int s = slot(linear);
        if (writeTags[s] == ((linear + 3) & PAGE_MASK)) memory.write32(linear + addend[s], v);
        else writeSlow(linear, 4, v, user);
    }

    // ---- implicit supervisor accesses (descriptor tables, IDT, TSS, ring-0 stack pushes) ----

    public int sysRead8(int linear) { return readSlow(linear, 1, false); }
    public int sysRead16(int linear) { return readSlow(linear, 2, false); }
    public int sysRead32(int linear) { return readSlow(linear, 4, false); }
    public void sysWrite8(int linear, int v) { writeSlow(linear, 1, v, false); }
    public void sysWrite16(int linear, int v) { writeSlow(linear, 2, v, false); }
    public void sysWrite32(int linear, int v) { writeSlow(linear, 4, v, false); }

    // ---- slow paths ----

    private static int slot(int linear) {
        return ((linear >>> 12) ^ (linear >>> 24)) & TLB_MASK;
    }

    private int translate(int linear, boolean write, boolean asUser) {
        int s = slot(linear);
        int[] tags = asUser ? (write ? userWrite : userRead) : (write ? supWrite : supRead);
        if (tags[s] == (linear & PAGE_MASK)) return linear + addend[s];
        return fill(s, linear, write, asUser);
    }

    private int fill(int s, int linear, boolean write, boolean asUser) {
        int page = linear & PAGE_MASK;
        if (!paging) {
            install(s, page, page, IDENTITY);
            return linear;
        }
        int result = walker.walk(cr3, pse, writeProtect, linear, write, asUser);
        if ((result & PageWalker.LARGE) != 0) largePageCached = true;
        install(s, page, result & PAGE_MASK, result);
        return (result & PAGE_MASK) | (linear & 0xFFF);
    }

    private void install(int s, int page, int frame, int perms) {
        boolean dirty = (perms & PageWalker.DIRTY) != 0;
        boolean writable = (perms & PageWalker.ALLOW_WRITE) != 0;
        boolean userOk = (perms & PageWalker.ALLOW_USER) != 0;
        addend[s] = frame - page;
        supRead[s] = page;
        supWrite[s] = dirty && (writable || !writeProtect) ? page : INVALID;
        userRead[s] = userOk ? page : INVALID;
        userWrite[s] = dirty && writable && userOk ? page : INVALID;
    }

    private int readSlow(int linear, int size, boolean asUser) {
        int first = translate(linear, false, asUser);
        int offset = linear & 0xFFF;
        int value = offset + size <= 0x1000 ? readPhysical(first, size) : readCrossing(linear, size, asUser, first);
        if (observeReads) observer.read(linear, first, size, value);
        return value;
    }

    private int readCrossing(int linear, int size, boolean asUser, int first) {
        int offset = linear & 0xFFF;
        int second = translate((linear | 0xFFF) + 1, false, asUser);
        int value = 0;
        for (int k = 0; k < size; k++) {
            int at = offset + k;
            value |= memory.read8(at < 0x1000 ? first + k : second + (at - 0x1000)) << (8 * k);
        }
        return value;
    }

    private void writeSlow(int linear, int size, int value, boolean asUser) {
        int first = translate(linear, true, asUser);
        int offset = linear & 0xFFF;
        if (offset + size <= 0x1000) {
            writePhysical(first, size, value);
        } else {
            // Both pages are translated before the first byte is written: a fault changes nothing.
            int second = translate((linear | 0xFFF) + 1, true, asUser);
            for (int k = 0; k < size; k++) {
                int at = offset + k;
                memory.write8(at < 0x1000 ? first + k : second + (at - 0x1000), value >>> (8 * k));
            }
        }
        if (observeWrites) observer.written(linear, first, size, size == 4 ? value : value & ((1 << (8 * size)) - 1));
    }

    private int readPhysical(int pa, int size) {
        switch (size) {
            case 1: return memory.read8(pa);
            case 2: return memory.read16(pa);
            default: return memory.read32(pa);
        }
    }

    private void writePhysical(int pa, int size, int value) {
        switch (size) {
            case 1: memory.write8(pa, value); break;
            case 2: memory.write16(pa, value); break;
            default: memory.write32(pa, value); break;
        }
    }
}
