package dev.kerf.emulator.replay;

import dev.kerf.formats.journal.EndReason;

/**
 * How a replay ended.
 *
 * @param outcome      complete, cut short (replayed every event a killed recorder left), diverged, or stopped where asked
 * @param icount       instructions replayed
 * @param events       journal events consumed
 * @param stateHashes  StateHash events recomputed and matched (the final full-state hash included)
 * @param consoleBytes bytes the guest wrote to COM1
 * @param endReason    the recording's End reason (null unless complete)
 * @param exitStatus   the guest's debug-exit status as replayed ({@code (v << 1) | 1}), or -1 if none
 * @param divergence   the first mismatch (null unless diverged)
 */
public record ReplayResult(Outcome outcome, long icount, long events, long stateHashes, long consoleBytes,
                           EndReason endReason, int exitStatus, Divergence divergence) {
    /** STOPPED: reached the icount given to {@link Replayer#stopAt(long)}, verified up to there. */
    public enum Outcome { COMPLETE, CUT_SHORT, DIVERGED, STOPPED }
}
