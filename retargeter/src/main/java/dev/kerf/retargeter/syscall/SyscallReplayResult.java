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
    public SyscallReplayResult {
        extraWrites = List.copyOf(extraWrites);
    }

    public boolean identical() {
        return mismatch == null;
    }
}
