package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.ProcessImage;

import java.util.TreeSet;

/**
 * Where a rebuilt program's heap and stack are, for the two kernel services a syscall log cannot
 * carry over to another binary and the replayer therefore emulates, as the kerf guest's kernel
 * does them (kernel/syscall.c sys_brk, exec.c, the page-fault handler; docs/guest.md):
 * <ul>
 *   <li>brk: the break starts at the page after the program's highest page ({@code heapStart}) — on
 *       Linux, which randomizes it, where the recorded process's first {@code brk(0)} found it when
 *       that lies past the rebuilt program;
 *       growing it maps zeroed writable pages, shrinking unmaps them; a request below heapStart or
 *       above {@code stackFloor} returns the current break;</li>
 *   <li>stack growth: a not-present fault in {@code [stackFloor, stackTop)} maps a zeroed page and
 *       the instruction is retried (the guest's stack grows on demand up to {@link #STACK_MAX}).</li>
 * </ul>
 *
 * @param heapStart  first byte of the heap (page aligned)
 * @param stackLow   lowest page-aligned address of the stack pages the image holds
 * @param stackTop   end of the stack (page aligned)
 * @param heapPages  pages the heap may grow to (the replay machine's frames are allocated up front)
 */
public record RebuiltLayout(int heapStart, int stackLow, int stackTop, int heapPages) {
    /** The kerf guest's user stack limit (kernel.h USTACK_MAX). */
    public static final int STACK_MAX = 1 << 20;
    /** Heap pages allowed beyond what the recorded brk calls mapped (a rebuilt malloc may ask a little more). */
    static final int HEAP_SLACK = 64;

    /** The layout of {@code image} (a rebuilt program's: its pages and the recorded stack) replaying {@code log}. */
    public static RebuiltLayout of(ProcessImage image, SyscallLog log) {
        TreeSet<Integer> pages = new TreeSet<>();
        for (PageMapping m : image.pages()) pages.add(m.page());
        int lo = image.registers().get(4) >>> 12, hi = lo;
        if (!pages.contains(lo)) throw new SyscallReplayException("the initial ESP 0x" + Integer.toHexString(image.registers().get(4))
                + " is not in a mapped page");
        while (pages.contains(lo - 1)) lo--;
        while (pages.contains(hi + 1)) hi++;
        Integer below = pages.lower(lo);
        int heapStart = below == null ? 0 : (below + 1) << 12;
        long stackFloor = Math.max(0, ((long) (hi + 1) << 12) - STACK_MAX);
        if (log.abi().randomizesBrk()) {
            Long recorded = recordedStart(log);
            if (recorded != null && recorded >= Integer.toUnsignedLong(heapStart) && recorded < stackFloor) heapStart = (int) (long) recorded;
        }
        int brkPages = 0;
        long top = Integer.toUnsignedLong(heapStart);
        for (SyscallCall c : log.calls()) {
            if (!log.abi().isBrk(c.nr()) || !c.returned()) continue;
            brkPages += c.mapped().size();
            top = Math.max(top, Integer.toUnsignedLong(c.result()));
        }
        int span = (int) Math.min(1 << 20, ((top + 4095) >>> 12) - (Integer.toUnsignedLong(heapStart) >>> 12));
        return new RebuiltLayout(heapStart, lo << 12, (hi + 1) << 12, Math.max(brkPages, span) + HEAP_SLACK);
    }

    /**
     * The recorded process's initial break, page aligned: the result of its first {@code brk(0)}
     * (Linux places it at a random distance past the program: it cannot be derived from the ELF).
     */
    private static Long recordedStart(SyscallLog log) {
        for (SyscallCall c : log.calls()) {
            if (!log.abi().isBrk(c.nr()) || !c.returned()) continue;
            if (c.arg(0) != 0 || (c.result() & 0xFFF) != 0) return null;
            return Integer.toUnsignedLong(c.result());
        }
        return null;
    }

    /** Lowest address the stack may grow down to. */
    public int stackFloor() {
        return (int) Math.max(0, Integer.toUnsignedLong(stackTop) - STACK_MAX);
    }

    /** Page {@code page} is one the stack may grow into (not yet in the image). */
    boolean isGrowth(int page) {
        long a = (long) page << 12;
        return a >= Integer.toUnsignedLong(stackFloor()) && a < Integer.toUnsignedLong(stackLow);
    }

    /** Every page the emulation may map: the heap's reach and the stack's growth. */
    TreeSet<Integer> reserved() {
        TreeSet<Integer> out = new TreeSet<>();
        for (int p = 0; p < heapPages && (heapStart >>> 12) + p < stackFloor() >>> 12; p++) out.add((heapStart >>> 12) + p);
        for (int p = stackFloor() >>> 12; p < stackLow >>> 12; p++) out.add(p);
        return out;
    }
}
