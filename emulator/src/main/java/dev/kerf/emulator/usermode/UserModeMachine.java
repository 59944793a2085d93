package dev.kerf.emulator.usermode;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.emulator.mmu.PhysicalMemory;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A machine that holds one process and nothing else: physical memory with a frame for each linear
 * page the slice ever maps, page tables that map them with the recorded permissions (plus the
 * recorded supervisor-only pages onto one zero frame), and a minimal ring 0 in a 4 MiB slot the
 * process never uses: a GDT with the process's own segment descriptors (those of its segment
 * registers and every {@link Descriptor} it may load, updated as the slice says) plus kernel
 * code, data and a TSS in the highest entries the process never names, an IDT whose 256 interrupt gates all lead to one ring-0 stub (DPL 3 where the recorded
 * kernel allowed INT n), and a ring-0 stack. Any interrupt or exception from user code is
 * therefore a real delivery to ring 0 that {@code InterruptHook} observes; the stub itself never
 * runs (the replayer stops the CPU at the delivery).
 *
 * <p>Frames: 0 page directory, 1 system page table, 2 GDT and TSS, 3 IDT, 4 stub, 5 ring-0 stack,
 * 6 the zero frame for supervisor pages, then one page table per 4 MiB slot in use, then user frames.
 */
public final class UserModeMachine {
    private static final int P = 1, W = 2, U = 4;
    /** Entries of the replayer's GDT (2 KiB, the TSS after it in the same frame): a slice may name selectors up to 0x7FF. */
    public static final int GDT_ENTRIES = 256;
    private static final int SYS_FRAMES = 7, TSS_OFFSET = GDT_ENTRIES * 8;
    private static final int GDT = 2, IDT = 3, STUB = 4, STACK = 5, ZERO = 6;
    private final ProcessImage image;
    private final PhysicalMemory memory;
    private final Cpu cpu;
    private final Map<Integer, Integer> tableFrame = new TreeMap<>();
    private final Map<Integer, Integer> pageFrame = new TreeMap<>();
    private final int sysBase;
    private int kernelCs, kernelSs, tssSel;

    UserModeMachine(ProcessSlice slice) {
        this(slice.start(), laterPages(slice), laterSelectors(slice));
    }

    /** GDT indexes the slice's returns name (descriptors set, selectors loaded): the replayer's ring 0 must avoid them. */
    private static java.util.Set<Integer> laterSelectors(ProcessSlice slice) {
        TreeSet<Integer> used = new TreeSet<>();
        for (Transition t : slice.transitions()) {
            if (t.back() == null) continue;
            for (Descriptor d : t.back().descriptors()) used.add(d.index());
            int[] segs = t.back().segments();
            if (segs != null) for (int i = 0; i < 6; i++) used.add(segs[4 * i] >>> 3);
        }
        return used;
    }

    private static java.util.Set<Integer> laterPages(ProcessSlice slice) {
        TreeSet<Integer> pages = new TreeSet<>();
        for (Transition t : slice.transitions()) {
            if (t.back() != null) for (PageMapping m : t.back().mapped()) pages.add(m.page());
        }
        return pages;
    }

    /**
     * A machine for {@code image} that can later map the pages of {@code laterPages} too (frames are
     * allocated up front). Public for replayers of other logs of a process (the syscall log).
     */
    public UserModeMachine(ProcessImage image, java.util.Collection<Integer> laterPages) {
        this(image, laterPages, java.util.Set.of());
    }

    /**
     * As above, leaving the GDT entries {@code laterIndexes} (descriptors the process gets later,
     * selectors it is given later) to the process.
     */
    public UserModeMachine(ProcessImage image, java.util.Collection<Integer> laterPages, java.util.Collection<Integer> laterIndexes) {
        this.image = image;
        TreeSet<Integer> pages = new TreeSet<>(laterPages);
        for (PageMapping m : image.pages()) pages.add(m.page());
        TreeSet<Integer> slots = new TreeSet<>();
        for (int p : pages) slots.add(p >>> 10);
        for (PageRun r : image.supervisor()) {
            for (int s = r.first() >>> 10; s <= (r.first() + r.count() - 1) >>> 10; s++) slots.add(s);
        }
        int sys = 1023;
        while (sys >= 0 && slots.contains(sys)) sys--;
        if (sys < 0) throw new UserModeException("the process uses every 4 MiB slot of its address space; no room for the replayer's ring 0");
        sysBase = sys << 22;
        int next = SYS_FRAMES;
        for (int s : slots) tableFrame.put(s, next++);
        for (int p : pages) pageFrame.put(p, next++);
        if (next > (1 << 19)) throw new UserModeException("the slice maps " + pages.size() + " pages: too many for one machine");
        memory = new PhysicalMemory(next << 12);
        cpu = new Cpu(memory, new UserBus());
        buildPaging();
        buildSystemTables(laterIndexes);
    }

    public Cpu cpu() {
        return cpu;
    }

    /**
     * True for a segment selector this machine can give a process: null, or a GDT selector below
     * {@link #GDT_ENTRIES} (a file holding any other is damaged: a decoder checks it with this).
     */
    public static boolean supportsSelector(int sel) {
        return (sel & 0xFFFC) == 0 && (sel >>> 16) == 0 || (sel >>> 16) == 0 && (sel & 4) == 0 && (sel >>> 3) < GDT_ENTRIES;
    }

    private void buildPaging() {
        for (Map.Entry<Integer, Integer> e : tableFrame.entrySet()) {
            memory.write32((e.getKey() << 2), (e.getValue() << 12) | P | W | U);
        }
        memory.write32((sysBase >>> 22) << 2, (1 << 12) | P | W);
        for (int k = 0; k < SYS_FRAMES; k++) memory.write32((1 << 12) + (k << 2), (k << 12) | P | W);
        for (PageRun r : image.supervisor()) {
            for (int p = r.first(); p < r.first() + r.count(); p++) memory.write32(pte(p), (ZERO << 12) | P);
        }
    }

    private void buildSystemTables(java.util.Collection<Integer> laterIndexes) {
        TreeSet<Integer> used = new TreeSet<>(laterIndexes);
        for (int i = 0; i < 6; i++) {
            int sel = image.segments()[4 * i];
            if ((sel & 0xFFFC) == 0) continue;
            if (!supportsSelector(sel)) {
                throw new UserModeException("segment selector 0x" + Integer.toHexString(sel) + " is not supported by the user-mode replayer");
            }
            used.add(sel >>> 3);
            putDescriptor(sel >>> 3, image.segments()[4 * i + 1], image.segments()[4 * i + 2], image.segments()[4 * i + 3]);
        }
        for (Descriptor d : image.descriptors()) {
            used.add(d.index());
            setDescriptor(d);
        }
        int[] free = new int[3];
        int n = 0;
        for (int i = GDT_ENTRIES - 1; i >= 1 && n < 3; i--) if (!used.contains(i)) free[n++] = i;
        if (n < 3) throw new UserModeException("the process names every GDT entry; no room for the replayer's ring 0");
        kernelCs = free[0] << 3;
        kernelSs = free[1] << 3;
        tssSel = free[2] << 3;
        putDescriptor(free[0], 0, -1, 0xC09B);
        putDescriptor(free[1], 0, -1, 0xC093);
        putDescriptor(free[2], linear(GDT) + TSS_OFFSET, 103, 0x8B);
        int tss = (GDT << 12) + TSS_OFFSET;
        memory.write32(tss + 4, linear(STACK) + 4096);
        memory.write32(tss + 8, kernelSs);
        memory.write16(tss + 0x66, 104); // I/O bitmap base past the limit: no port is permitted
        int stub = linear(STUB);
        memory.write8(STUB << 12, 0xF4); // hlt; jmp $-1: never reached (the replayer stops at the delivery)
        memory.write8((STUB << 12) + 1, 0xEB);
        memory.write8((STUB << 12) + 2, 0xFD);
        TreeSet<Integer> userGates = new TreeSet<>();
        for (int v : image.userGates()) userGates.add(v);
        for (int v = 0; v < 256; v++) {
            int dpl = userGates.contains(v) ? 3 : 0;
            memory.write32((IDT << 12) + v * 8, (kernelCs << 16) | (stub & 0xFFFF));
            memory.write32((IDT << 12) + v * 8 + 4, (stub & 0xFFFF0000) | 0x8E00 | (dpl << 13));
        }
    }

    /** Writes a descriptor the process may load into the GDT (raw, as the recorded kernel wrote it). */
    public void setDescriptor(Descriptor d) {
        memory.write32((GDT << 12) + d.index() * 8, d.low());
        memory.write32((GDT << 12) + d.index() * 8 + 4, d.high());
    }

    /** A GDT entry from a descriptor cache's base, effective limit and access bits (see {@code SegmentCache}). */
    private void putDescriptor(int index, int base, int limit, int access) {
        writeDescriptor(memory, (GDT << 12) + index * 8, base, limit, access);
    }

    /**
     * Writes at {@code address} the 8-byte segment descriptor whose cache holds {@code base},
     * effective {@code limit} and {@code access} bits (see {@code SegmentCache}): the inverse of a
     * descriptor load, for machines that rebuild a GDT from a captured state.
     */
    public static void writeDescriptor(PhysicalMemory memory, int address, int base, int limit, int access) {
        boolean granular = Integer.compareUnsigned(limit, 0xFFFFF) > 0;
        int raw = granular ? limit >>> 12 : limit;
        int acc = (access & ~0x0F00 & ~0x8000) | (granular ? 0x8000 : 0) | ((raw >>> 16) & 0xF) << 8;
        int lo = (base << 16) | (raw & 0xFFFF);
        int hi = (base & 0xFF000000) | (acc << 8) | ((base >>> 16) & 0xFF);
        memory.write32(address, lo);
        memory.write32(address + 4, hi);
    }

    private int linear(int sysFrame) {
        return sysBase + (sysFrame << 12);
    }

    private int pte(int page) {
        Integer table = tableFrame.get(page >>> 10);
        if (table == null) throw new UserModeException("page 0x" + Integer.toHexString(page << 12) + " has no page table");
        return (table << 12) + ((page & 0x3FF) << 2);
    }

    /** Maps {@code m} (a remap keeps the contents and changes the permissions). */
    public void map(PageMapping m) {
        int frame = pageFrame.get(m.page());
        memory.write32(pte(m.page()), (frame << 12) | P | U | (m.writable() ? W : 0));
    }

    /** Unmaps a page and clears its frame (a page mapped again later starts as zeros). */
    public void unmap(int page) {
        Integer frame = pageFrame.get(page);
        if (frame == null || (memory.read32(pte(page)) & U) == 0) {
            throw new UserModeException("the slice unmaps page 0x" + Integer.toHexString(page << 12) + ", which is not mapped");
        }
        memory.write32(pte(page), 0);
        memory.fill(frame << 12, 4096, (byte) 0);
    }

    /** Writes bytes into the process's mapped user pages (not through the CPU: no fault, no A/D bits). */
    public void write(MemoryWrite w) {
        byte[] b = w.bytes();
        int done = 0;
        while (done < b.length) {
            int va = w.address() + done;
            int page = va >>> 12;
            Integer frame = pageFrame.get(page);
            if (frame == null || (memory.read32(pte(page)) & U) == 0) {
                throw new UserModeException("the slice writes to 0x" + Integer.toHexString(va) + ", which is not a mapped user page");
            }
            int n = Math.min(b.length - done, 4096 - (va & 0xFFF));
            System.arraycopy(b, done, memory.array(), (frame << 12) + (va & 0xFFF), n);
            memory.written((frame << 12) + (va & 0xFFF), n); // code translated from these bytes is dropped
            done += n;
        }
    }

    /** Puts the CPU in user mode with {@code regs} at user icount {@code icount} (flushing every translation). */
    public void enterUser(UserRegisters regs, long icount) {
        enterUser(regs, image.segments(), icount);
    }

    /**
     * As above with the segment registers {@code userSegments} (24 ints as {@link ProcessImage#segments()}):
     * their selectors must be ones this machine supports ({@link #supportsSelector}).
     */
    public void enterUser(UserRegisters regs, int[] userSegments, long icount) {
        int[] segments = new int[CpuState.SEGMENT_INTS];
        System.arraycopy(userSegments, 0, segments, 0, 24);
        segments[28] = tssSel;
        segments[29] = linear(GDT) + TSS_OFFSET;
        segments[30] = 103;
        segments[31] = 0x8B;
        int[] reg = new int[8];
        for (int i = 0; i < 8; i++) reg[i] = regs.get(i);
        new CpuState(reg, regs.get(UserRegisters.EIP), regs.get(UserRegisters.EFLAGS), segments,
                new int[] {linear(GDT), GDT_ENTRIES * 8 - 1, linear(IDT), 256 * 8 - 1},
                new int[] {image.cr0() | 0x8000_0001, 0, 0, image.cr4() & ~0x20}, 3, new int[8], icount, false, false, 0).restore(cpu);
    }
}
