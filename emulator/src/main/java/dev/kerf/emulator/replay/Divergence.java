package dev.kerf.emulator.replay;

/**
 * Where and how a replay stopped following its recording: the first mismatch, never a later one.
 *
 * @param event     number of the journal event that did not match (from 0, journal order)
 * @param position  where that event is stored (excerpt and offset, as the journal reader says)
 * @param icount    the CPU's instruction count when the mismatch was seen
 * @param eip       the CPU's EIP then (for a port access: the next instruction's address)
 * @param expected  what the recording says happens here
 * @param actual    what the replaying CPU did instead
 * @param registers the replaying CPU's registers, one line
 * @param verifiedAt icount of the last StateHash that matched (0: none yet). Periodic hashes cover
 *                  registers only, so a changed input that went to memory can lie before it: an
 *                  input shows only once it changes what the CPU does
 */
public record Divergence(long event, String position, long icount, int eip, String expected, String actual,
                         String registers, long verifiedAt) {
    /** One line for a person. */
    public String message() {
        return String.format("replay diverged at event %d (%s), icount %d, eip 0x%08x: expected %s, got %s"
                + " (registers last matched at icount %d)", event, position, icount, eip, expected, actual, verifiedAt);
    }
}
