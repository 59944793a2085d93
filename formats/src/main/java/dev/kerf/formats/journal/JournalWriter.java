package dev.kerf.formats.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Appends events to a recording's journal: batched into excerpts ({@link ExcerptFormat}), each
 * with a sequence number and a CRC-32C, so a recorder killed mid-batch leaves every complete
 * batch readable. The journal is a Chronicle Queue with a fixed roll cycle and a clock stuck at
 * the epoch, so it is always one file, {@code 19700101H.cq4}, whatever the host time; it is
 * written without Chronicle, byte for byte as Chronicle writes it ({@link QueueFileWriter}).
 * Not thread-safe: one recorder thread appends.
 */
public final class JournalWriter implements AutoCloseable {
    private final QueueFileWriter queue;
    private final EventEncoder encoder = new EventEncoder();
    private long sequence;
    private long bytesWritten;
    private boolean ended;
    private boolean closed;

    private JournalWriter(QueueFileWriter queue) {
        this.queue = queue;
        encoder.reset(0);
    }

    /** Creates a new, empty journal in {@code dir} (which must not hold one). */
    public static JournalWriter create(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (var s = Files.newDirectoryStream(dir, "*.cq4")) {
            if (s.iterator().hasNext() || Files.exists(dir.resolve(QueueFile.TABLE_STORE)))
                throw new IOException(dir + ": already holds a journal");
        }
        try {
            return new JournalWriter(QueueFileWriter.create(dir, QueueFileWriter.Shape.JOURNAL));
        } catch (RuntimeException | InternalError e) {
            throw new IOException(dir + ": cannot create the journal: " + e.getMessage(), e);
        }
    }

    /** Appends one event to the current batch (written out when full or on {@link #flush()}). */
    public void append(Event event) throws IOException {
        if (closed) throw new IllegalStateException("journal closed");
        if (ended) throw new IllegalStateException("event after End: " + event);
        encoder.add(event);
        if (event instanceof Event.End) ended = true;
        flushIfFull();
    }

    /**
     * Appends one port read, as {@code append(new Event.PortIn(port, size, value))} does but without
     * allocating: the recorder's path for every IN.
     */
    public void appendPortIn(int port, int size, int value) throws IOException {
        if (closed) throw new IllegalStateException("journal closed");
        if (ended) throw new IllegalStateException("port read after End");
        encoder.portIn(port, size, value);
        flushIfFull();
    }

    private void flushIfFull() throws IOException {
        if (encoder.events() >= ExcerptFormat.MAX_EVENTS || encoder.size() >= ExcerptFormat.FLUSH_PAYLOAD_BYTES) flush();
    }

    /** Writes out the current batch as one excerpt (nothing if the batch is empty). */
    public void flush() throws IOException {
        if (encoder.events() == 0) return;
        encoder.finish();
        write(ExcerptFormat.frame(sequence, encoder.events(), encoder.firstIcount(), encoder.payload(), encoder.size()));
        encoder.reset(encoder.icount());
    }

    /**
     * Appends an excerpt copied from another journal (unpacking): its framing and CRC are checked
     * and its sequence number must be the next one. Flushes the current batch first.
     *
     * @throws ExcerptFormat.ExcerptException if the excerpt is malformed or out of sequence
     */
    public void appendExcerpt(byte[] excerpt) throws IOException {
        flush();
        if (ended) throw new ExcerptFormat.ExcerptException(0, "data after the End event");
        ExcerptFormat.Header h = ExcerptFormat.check(excerpt);
        if (h.sequence() != (sequence & 0xFFFFFFFFL))
            throw new ExcerptFormat.ExcerptException(ExcerptFormat.SEQUENCE_OFFSET,
                    "excerpt sequence " + h.sequence() + ", expected " + sequence);
        Event[] events = EventDecoder.decode(excerpt, h);
        write(excerpt);
        encoder.reset(EventDecoder.lastIcount(h.firstIcount(), events));
        for (Event e : events) if (e instanceof Event.End) ended = true;
    }

    private void write(byte[] excerpt) throws IOException {
        try {
            queue.append(excerpt);
        } catch (RuntimeException | InternalError e) {
            // InternalError: the JVM's report of a fault on a memory-mapped page (SIGBUS), e.g. the disk filled up
            throw new IOException("journal write failed (disk full or unwritable?): " + e.getMessage(), e);
        }
        sequence++;
        bytesWritten += excerpt.length;
    }

    /** Bytes of excerpts written so far (real bytes, not the sparse queue file's apparent size). */
    public long bytesWritten() { return bytesWritten; }

    /** Excerpts written so far. */
    public long excerptsWritten() { return sequence; }

    /** Flushes the last batch and closes the queue file. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        try {
            flush();
        } finally {
            closed = true;
            queue.close();
        }
    }
}
