package dev.kerf.formats.journal;

import dev.kerf.formats.FormatException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a journal back, verifying every excerpt's framing, CRC-32C, sequence number (a gap,
 * reorder or duplicate is an error) and icount chain. Any damage is a {@link FormatException}
 * naming the queue file and offset; a journal whose last batch is missing or incomplete (a killed
 * recorder) reads up to its last complete batch and then reports {@link #cutShort()}.
 * An excerpt is checked whole before any of its events is returned.
 */
public final class JournalReader implements AutoCloseable {
    private final QueueFile file;
    private Event[] batch = new Event[0];
    private int inBatch;
    private long excerptIndex = -1;
    private long excerptOffset = -1;
    private long previousOffset = -1;
    private long icount;
    private long eventIndex;
    private boolean ended;
    private boolean atEnd;
    private byte[] lastRaw;
    private int[] batchSizes = new int[0];
    /** The next excerpt read is a seek's target: its FirstIcount cannot be checked against a chain not decoded. */
    private boolean seeking;
    /** The last excerpt a seek walked past (not decoded), for {@link #previous()}. */
    private byte[] previousRaw;
    private ExcerptFormat.Header previousHeader;

    private JournalReader(QueueFile file) { this.file = file; }

    public static JournalReader open(Path dir) throws IOException {
        return new JournalReader(QueueFile.open(dir));
    }

    /**
     * Opens the journal at {@code at} (taken with {@link #nextPosition()} from a reader of the same
     * journal): the excerpts before it are walked with their framing, CRC and sequence checked but
     * not decoded, then excerpt {@code at.excerpt()} is decoded whole and its first
     * {@code at.inExcerpt()} events skipped. {@code at.inBlock()} is the caller's to apply.
     *
     * @throws FormatException if the journal is damaged or has no such position
     */
    public static JournalReader open(Path dir, Position at) throws IOException {
        JournalReader r = new JournalReader(QueueFile.open(dir));
        try {
            r.seek(at);
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void seek(Position at) {
        long before = 0; // events in the excerpts walked
        while (excerptIndex + 1 < at.excerpt()) {
            byte[] x = rawExcerpt();
            if (x == null) throw new FormatException(file.file(), -1, "no excerpt " + at.excerpt() + " to seek to (the journal has "
                    + (excerptIndex + 1) + ")");
            long number = excerptIndex + 1;
            try {
                ExcerptFormat.Header h = ExcerptFormat.check(x);
                checkSequence(h, number);
                before += h.eventCount();
                previousRaw = x;
                previousHeader = h;
                excerptOffset = file.lastOffset();
            } catch (ExcerptFormat.ExcerptException e) {
                throw new FormatException(file.file(), file.lastOffset() + e.offset(), "excerpt " + number + ": " + e.getMessage());
            }
            excerptIndex = number;
        }
        seeking = true;
        if (!readBatch()) {
            atEnd = true;
            if (at.inExcerpt() == 0 && at.event() == 0 && at.excerpt() == 0) return; // an empty journal's start
            throw new FormatException(file.file(), -1, "no excerpt " + at.excerpt() + " to seek to");
        }
        if (at.inExcerpt() > batch.length)
            throw new FormatException(file.file(), excerptOffset, "excerpt " + at.excerpt() + " holds " + batch.length
                    + " events, not the " + at.inExcerpt() + " a position skips");
        if (at.event() != before + at.inExcerpt())
            throw new FormatException(file.file(), excerptOffset, "a position at event " + at.inExcerpt() + " of excerpt "
                    + at.excerpt() + " is event " + (before + at.inExcerpt()) + " of the journal, not " + at.event());
        inBatch = at.inExcerpt();
        eventIndex = at.event();
    }

    /**
     * The event right before the position this reader was opened at ({@link #open(Path, Position)}),
     * or null at the journal's start: a checkpoint taken after a StateHash can be checked against it.
     * Only meaningful before the first {@link #next()}.
     */
    public Event previous() {
        if (eventIndex == 0) return null;
        if (inBatch > 0) return batch[inBatch - 1];
        if (previousRaw == null) return null;
        try {
            Event[] events = EventDecoder.decode(previousRaw, previousHeader);
            return events.length == 0 ? null : events[events.length - 1];
        } catch (ExcerptFormat.ExcerptException e) {
            throw new FormatException(file.file(), previousOffset, "excerpt " + (excerptIndex - 1) + ": " + e.getMessage());
        }
    }

    /** The excerpt of the event last returned (see {@link Position#excerpt()}). */
    public long lastExcerpt() { return excerptIndex; }

    /** Events of its excerpt before the event last returned (see {@link Position#inExcerpt()}). */
    public int lastInExcerpt() { return inBatch - 1; }

    /**
     * Describes where the event at {@code p} is stored, for a person ("event 3 in excerpt 12 at
     * offset 0x3f20 of …"); the file offset is known for the current and the previous excerpt.
     */
    public String describe(Position p) {
        long offset = p.excerpt() == excerptIndex ? excerptOffset : p.excerpt() == excerptIndex - 1 ? previousOffset : -1;
        return String.format("event %d in excerpt %d%s of %s%s", p.inExcerpt(), p.excerpt(),
                offset < 0 ? "" : String.format(" at offset 0x%x", offset), file.file(),
                p.inBlock() > 0 ? ", read " + p.inBlock() + " of its block" : "");
    }

    /** Where the next event {@link #next()} returns is (inBlock 0). */
    public Position nextPosition() {
        if (excerptIndex < 0) return Position.START;
        return new Position(excerptIndex, inBatch, eventIndex, 0);
    }

    /** The next event, or null at the end of the journal. */
    public Event next() {
        while (inBatch == batch.length) {
            if (atEnd || !readBatch()) {
                atEnd = true;
                return null;
            }
        }
        eventIndex++;
        return batch[inBatch++];
    }

    /** Number of events returned so far (the index of the next event, from 0). */
    public long eventIndex() { return eventIndex; }

    /** Describes where the last returned event is stored, for divergence reports ("excerpt 12 at offset 0x3f20"). */
    public String position() {
        if (excerptIndex < 0) return "start of " + file.file();
        return String.format("event %d in excerpt %d at offset 0x%x of %s", inBatch - 1, excerptIndex, excerptOffset,
                file.file());
    }

    /** True once the end was reached without an End event (the recorder was killed). */
    public boolean cutShort() { return atEnd && !ended; }

    /** True once the end was reached and the last document was unfinished or cut by the end of the file. */
    public boolean lastBatchIncomplete() { return atEnd && file.incomplete(); }

    /**
     * Payload bytes the last returned event took (for {@code kerf info}'s bytes by type): its
     * encoding; for a run of identical port reads the first carries the run's bytes, the rest 0.
     * Excerpt framing is not included: {@link ExcerptFormat#OVERHEAD} per excerpt, plus 4 to 7
     * bytes of Chronicle document header and padding.
     */
    public int lastEventBytes() { return inBatch == 0 ? 0 : batchSizes[inBatch - 1]; }

    /** Excerpts read so far. */
    public long excerpts() { return excerptIndex + 1; }

    /** The queue file being read. */
    public Path file() { return file.file(); }

    /**
     * The raw bytes of the next excerpt, checked exactly as {@link #next()} checks it, or null at the
     * end; its events count as read. For copying a journal (packing); do not mix with {@link #next()}
     * within one excerpt.
     */
    public byte[] nextExcerpt() {
        if (atEnd || !readBatch()) {
            atEnd = true;
            return null;
        }
        inBatch = batch.length;
        eventIndex += batch.length;
        return lastRaw;
    }

    private byte[] rawExcerpt() {
        try {
            return file.next();
        } catch (IOException e) {
            throw new FormatException(file.file(), -1, "cannot read: " + e.getMessage());
        }
    }

    private static void checkSequence(ExcerptFormat.Header h, long number) {
        if (h.sequence() != (number & 0xFFFFFFFFL))
            throw new ExcerptFormat.ExcerptException(ExcerptFormat.SEQUENCE_OFFSET, "sequence number "
                    + h.sequence() + ", expected " + (number & 0xFFFFFFFFL) + " ("
                    + (h.sequence() > number ? "excerpts missing" : "excerpt repeated or out of order") + ")");
    }

    private boolean readBatch() {
        byte[] x = rawExcerpt();
        if (x == null) return false;
        long number = excerptIndex + 1;
        long at = file.lastOffset();
        try {
            if (ended) throw new ExcerptFormat.ExcerptException(0, "data after the End event");
            ExcerptFormat.Header h = ExcerptFormat.check(x);
            checkSequence(h, number);
            if (seeking) icount = h.firstIcount(); // the chain before it was not decoded: its CRC vouches for it
            seeking = false;
            if (h.firstIcount() != icount)
                throw new ExcerptFormat.ExcerptException(ExcerptFormat.FIRST_ICOUNT_OFFSET, "first icount "
                        + Long.toUnsignedString(h.firstIcount()) + ", expected " + icount);
            int[] sizes = new int[h.eventCount()];
            Event[] events = EventDecoder.decodeWithSizes(x, h, sizes);
            for (int i = 0; i < events.length; i++)
                if (events[i] instanceof Event.End && i != events.length - 1)
                    throw new ExcerptFormat.ExcerptException(ExcerptFormat.HEADER_LENGTH, "events after the End event");
            ended = events[events.length - 1] instanceof Event.End;
            icount = EventDecoder.lastIcount(icount, events);
            batch = events;
            batchSizes = sizes;
            lastRaw = x;
            inBatch = 0;
            excerptIndex = number;
            previousOffset = excerptOffset;
            excerptOffset = at;
            return true;
        } catch (ExcerptFormat.ExcerptException e) {
            throw new FormatException(file.file(), at + e.offset(), "excerpt " + number + ": " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException { file.close(); }
}
