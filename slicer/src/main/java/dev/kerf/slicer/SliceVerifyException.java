package dev.kerf.slicer;

import dev.kerf.emulator.replay.ReplayResult;

/**
 * The slicer replayed a slice it just made and the replay did not verify: the slice is refused
 * (nothing is written). Carries the replay's result, whose divergence says where.
 */
public final class SliceVerifyException extends RuntimeException {
    private final transient ReplayResult result;

    public SliceVerifyException(String message, ReplayResult result) {
        super(message, null, false, false);
        this.result = result;
    }

    public ReplayResult result() { return result; }
}
