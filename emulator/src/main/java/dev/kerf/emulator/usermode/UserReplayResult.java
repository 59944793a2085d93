package dev.kerf.emulator.usermode;

/**
 * How a process-slice replay ended: every exit matched ({@code divergence} null), or the first
 * mismatch. {@code userInstructions} is the user icount reached; {@code lastExit} the last exit
 * that matched (null when none did).
 */
public record UserReplayResult(long userInstructions, int exitsMatched, UserExit lastExit, UserDivergence divergence) {
    public boolean verified() {
        return divergence == null;
    }
}
