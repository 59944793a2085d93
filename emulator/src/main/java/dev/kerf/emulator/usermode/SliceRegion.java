package dev.kerf.emulator.usermode;

/**
 * One labelled byte region of a process slice, for redaction: {@code bytes} is the slice's own
 * array, so rewriting it in place (same length) changes the slice. {@code address} is the linear
 * address for memory regions and -1 for registers; {@code userIcount} is where in the process's
 * execution the bytes take effect (0 for the initial image).
 */
public record SliceRegion(Kind kind, String label, long userIcount, int address, byte[] bytes) {
    /** What the region is. */
    public enum Kind {
        /** Initial contents of a user page. */
        INITIAL_MEMORY,
        /** Initial registers. */
        INITIAL_REGISTERS,
        /** Bytes the rest of the system changed in the process's memory before a return to user mode. */
        RETURN_MEMORY,
        /** Registers on a return to user mode. */
        RETURN_REGISTERS
    }
}
