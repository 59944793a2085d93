package dev.kerf.formats.checkpoint;

/**
 * Where in the journal a checkpoint's state stands: the replay resumes by consuming events from
 * here. Opaque to the checkpoint format (it stores and returns the four numbers); the replay
 * cursor gives them their meaning.
 *
 * @param excerpt      index of the excerpt holding the next event (0 = the first excerpt)
 * @param eventInExcerpt events of that excerpt already consumed (each event of a run counts)
 * @param event        global number of the next event (events consumed since the journal's start)
 * @param blockOffset  bytes already consumed inside a block event (a REP INS), 0 otherwise
 */
public record JournalPosition(long excerpt, int eventInExcerpt, long event, int blockOffset) {
    /** The very start of the journal. */
    public static final JournalPosition START = new JournalPosition(0, 0, 0, 0);

    public JournalPosition {
        if (excerpt < 0 || eventInExcerpt < 0 || event < 0 || blockOffset < 0)
            throw new IllegalArgumentException("negative journal position " + excerpt + "/" + eventInExcerpt + "/" + event + "/" + blockOffset);
    }
}
