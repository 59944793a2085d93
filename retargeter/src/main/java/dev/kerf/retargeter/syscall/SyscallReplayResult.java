package dev.kerf.retargeter.syscall;

/**
 * How a syscall-log replay ended: every call and the ending matched ({@code mismatch} null), or
 * the first mismatch. {@code actualEnd} is how the replayed program ended (null when it did not
 * get there); {@code userInstructions} the user instructions it ran.
 */
public record SyscallReplayResult(int callsMatched, ProcessEnd expectedEnd, ProcessEnd actualEnd, long userInstructions,
                                  SyscallMismatch mismatch) {
    public boolean identical() {
        return mismatch == null;
    }
}
