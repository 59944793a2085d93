package dev.kerf.retargeter.syscall;

import java.util.List;

/**
 * How a syscall-log replay ended: every call and the ending matched ({@code mismatch} null), or
 * the first mismatch. {@code actualEnd} is how the replayed program ended (null when it did not
 * get there); {@code userInstructions} the user instructions it ran; {@code extraWrites} the rebuilt
 * program's own output (none unless allowed).
 */
public record SyscallReplayResult(int callsMatched, ProcessEnd expectedEnd, ProcessEnd actualEnd, long userInstructions,
                                  SyscallMismatch mismatch, List<ExtraWrite> extraWrites) {
    /**
     * A write to stdout or stderr the rebuilt program made that the log does not have (its debug
     * output, with {@link SyscallReplayer#allowExtraOutput}): answered as fully written.
     *
     * @param beforeCall the index of the logged call it came before (the number of calls: after the last)
     * @param fd         1 or 2
     * @param bytes      what it wrote (at most {@link CallArguments#MAX_INPUT} bytes)
     */
    public record ExtraWrite(int beforeCall, int fd, byte[] bytes) {}

    public SyscallReplayResult {
        extraWrites = List.copyOf(extraWrites);
    }

    public boolean identical() {
        return mismatch == null;
    }
}
