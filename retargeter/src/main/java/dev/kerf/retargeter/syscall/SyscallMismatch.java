package dev.kerf.retargeter.syscall;

/**
 * The first point where a replay did not do what the log recorded.
 *
 * @param index    the call index (or the number of calls, for the ending)
 * @param name     the call's name, or {@code end} for the ending
 * @param expected what the log holds, strace-style
 * @param actual   what the replayed program did
 */
public record SyscallMismatch(int index, String name, String expected, String actual) {
    public String message() {
        return (name.equals("end") ? "the ending after syscall " + index : "syscall " + index + " (" + name + ")")
                + " differs: expected " + expected + ", got " + actual;
    }
}
