package dev.kerf.emulator.usermode;

/**
 * Linear pages {@code [first, first + count)} that are present but supervisor-only in the process's
 * address space (the kernel's map): no contents, only so that a user access there faults as a
 * protection violation (error code bit 0 set) as it did when recorded.
 */
public record PageRun(int first, int count) {
    public PageRun {
        if (first < 0 || count <= 0 || (long) first + count > (1 << 20)) throw new IllegalArgumentException("page run " + first + "+" + count);
    }
}
