package dev.kerf.retargeter.syscall;

/**
 * How the process's recorded execution ended. For {@link Kind#FAULT}: the exception vector, its
 * error code (-1: none), the faulting instruction's eip and CR2 (page faults; else 0).
 */
public record ProcessEnd(Kind kind, int vector, int errorCode, int eip, int cr2) {
    /** The four endings, with their codes in the file (never reused). */
    public enum Kind {
        /** The last call is an exit call: it never returned. */
        EXIT(1),
        /** User code raised an exception the process did not survive. */
        FAULT(2),
        /** The slice ended, or the process was killed (never returned from an interrupt), while it ran user code. */
        END(3),
        /** The slice ended while the process was inside its last call (it never returned). */
        IN_CALL(4);

        private final int code;

        Kind(int code) { this.code = code; }

        public int code() { return code; }

        /** The kind with {@code code}, or null. */
        public static Kind of(int code) {
            for (Kind k : values()) if (k.code == code) return k;
            return null;
        }
    }

    public static ProcessEnd of(Kind kind) {
        return new ProcessEnd(kind, 0, -1, 0, 0);
    }

    /** {@code page fault (vector 14, error 0x4) at eip 0x080495ef, cr2 0x746e4920}, {@code exit}... */
    public String describe() {
        return switch (kind) {
            case EXIT -> "exit";
            case END -> "the end of the slice in user code (the slice ended, or the process was killed, while it ran)";
            case IN_CALL -> "the end of the slice inside the last call (the slice ended, or the process was killed, before it returned)";
            case FAULT -> String.format("%s (vector %d, error %s) at eip 0x%08x%s", vector == 14 ? "page fault" : "fault", vector,
                    errorCode < 0 ? "none" : "0x" + Integer.toHexString(errorCode), eip, vector == 14 ? String.format(", cr2 0x%08x", cr2) : "");
        };
    }
}
