package dev.kerf.formats.journal;

/**
 * A place in a journal's event stream, between two events (or inside a port block), for seeking
 * to a checkpoint: {@link JournalReader#open(java.nio.file.Path, Position)} decodes excerpt
 * {@code excerpt} from its start and skips {@code inExcerpt} events. Positions are only
 * meaningful for the journal they were taken from.
 *
 * @param excerpt   the excerpt holding the next event (its index from 0 = its Sequence)
 * @param inExcerpt events of that excerpt consumed before this position (each read of a run counts)
 * @param event     events consumed before this position in the whole journal (global event number of the next one)
 * @param inBlock   reads consumed of the next event when it is a {@link Event.PortBlock} (0 otherwise);
 *                  the reader hands out whole events, the replay cursor applies this
 */
public record Position(long excerpt, int inExcerpt, long event, int inBlock) {
    /** Before the first event. */
    public static final Position START = new Position(0, 0, 0, 0);

    public Position {
        if (excerpt < 0 || inExcerpt < 0 || event < inExcerpt || inBlock < 0)
            throw new IllegalArgumentException("not a journal position: " + excerpt + "/" + inExcerpt + "/" + event + "/" + inBlock);
    }

    /** The same position with {@code reads} reads of the next (block) event consumed. */
    public Position withInBlock(int reads) {
        return new Position(excerpt, inExcerpt, event, reads);
    }
}
