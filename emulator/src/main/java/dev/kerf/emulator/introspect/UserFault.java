package dev.kerf.emulator.introspect;

/**
 * An exception raised by user-mode code.
 *
 * @param icount    instructions retired before the faulting one
 * @param pid       the process
 * @param vector    exception vector (14 = page fault, 13 = #GP, ...)
 * @param errorCode the error code, or -1 when the exception has none
 * @param eip       the faulting instruction
 * @param cr2       the faulting linear address for a page fault (vector 14), else 0
 */
public record UserFault(long icount, int pid, int vector, int errorCode, int eip, int cr2) {
    public static final int PAGE_FAULT = 14;

    /** The kernel's wording (docs/guest.md): "page fault at 0x746e4920, eip 0x080495ef". */
    public String describe() {
        if (vector == PAGE_FAULT) return String.format("page fault at 0x%08x, eip 0x%08x", cr2, eip);
        return String.format("%s, eip 0x%08x", name(vector), eip);
    }

    private static String name(int vector) {
        return switch (vector) {
            case 0 -> "divide error";
            case 1 -> "debug";
            case 3 -> "breakpoint";
            case 4 -> "overflow";
            case 5 -> "bound range";
            case 6 -> "invalid opcode";
            case 7 -> "device not available";
            case 10 -> "invalid TSS";
            case 11 -> "segment not present";
            case 12 -> "stack fault";
            case 13 -> "general protection fault";
            case 17 -> "alignment check";
            default -> "exception " + vector;
        };
    }
}
