package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.ProcessImage;

import java.util.TreeSet;

/**
 * Where a rebuilt program's heap and stack are, for the two kernel services a syscall log cannot
 * carry over to another binary and the replayer therefore emulates, as the kerf guest's kernel
 * does them (kernel/syscall.c sys_brk, exec.c, the page-fault handler; docs/guest.md):
 * <ul>
 *   <li>brk: the break starts at the page after the program's highest page ({@code heapStart});
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
        int brkPages = 0;
        for (SyscallCall c : log.calls()) if (c.name().equals("brk")) brkPages += c.mapped().size();
        return new RebuiltLayout(heapStart, lo << 12, (hi + 1) << 12, brkPages + HEAP_SLACK);
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
