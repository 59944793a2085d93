package dev.kerf.slicer.process;

import dev.kerf.emulator.mmu.PhysicalMemory;
import dev.kerf.emulator.usermode.PageRun;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A process's address space read from its page directory in physical memory, without changing
 * anything (no accessed/dirty bit, no TLB): its user pages (present and user at both levels) with
 * their physical frames and write permission, and optionally the runs of present supervisor-only
 * pages. Page directory entries without the user bit are skipped for user pages: nothing under
 * them is reachable from user mode.
 */
final class UserPageWalk {
    private static final int P = 1, W = 2, U = 4, PS = 0x80;

    /** A user page: physical address of its frame, and whether user code may write it. */
    record Frame(int physical, boolean writable) {}

    private UserPageWalk() {}

    /** The user pages under directory {@code cr3}, by linear page number (frames outside RAM left out). */
    static TreeMap<Integer, Frame> userPages(PhysicalMemory memory, int cr3) {
        TreeMap<Integer, Frame> pages = new TreeMap<>();
        int dir = cr3 & 0xFFFFF000;
        for (int i = 0; i < 1024; i++) {
            int pde = memory.read32(dir + (i << 2));
            if ((pde & (P | U)) != (P | U)) continue;
            if ((pde & PS) != 0) {
                for (int k = 0; k < 1024; k++) add(memory, pages, (i << 10) | k, (pde & 0xFFC00000) + (k << 12), (pde & W) != 0);
                continue;
            }
            int table = pde & 0xFFFFF000;
            for (int k = 0; k < 1024; k++) {
                int pte = memory.read32(table + (k << 2));
                if ((pte & (P | U)) != (P | U)) continue;
                add(memory, pages, (i << 10) | k, pte & 0xFFFFF000, (pde & pte & W) != 0);
            }
        }
        return pages;
    }

    private static void add(PhysicalMemory memory, TreeMap<Integer, Frame> pages, int page, int physical, boolean writable) {
        if (memory.contains(Integer.toUnsignedLong(physical), 4096)) pages.put(page, new Frame(physical, writable));
    }

    /** Runs of pages present but not user-accessible under {@code cr3}, ascending. */
    static List<PageRun> supervisorRuns(PhysicalMemory memory, int cr3) {
        List<PageRun> runs = new ArrayList<>();
        int dir = cr3 & 0xFFFFF000;
        int first = -1, count = 0;
        for (int i = 0; i < 1024; i++) {
            int pde = memory.read32(dir + (i << 2));
            for (int k = 0; k < 1024; k++) {
                boolean sup;
                if ((pde & P) == 0) sup = false;
                else if ((pde & PS) != 0) sup = (pde & U) == 0;
                else {
                    int pte = memory.read32((pde & 0xFFFFF000) + (k << 2));
                    sup = (pte & P) != 0 && (pde & pte & U) == 0;
                }
                int page = (i << 10) | k;
                if (sup && first >= 0 && first + count == page) {
                    count++;
                } else if (sup) {
                    if (first >= 0) runs.add(new PageRun(first, count));
                    first = page;
                    count = 1;
                }
                if ((pde & P) == 0) break;
            }
        }
        if (first >= 0) runs.add(new PageRun(first, count));
        return runs;
    }
}
