package dev.kerf.formats.journal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireType;

/**
 * Appends events to a recording's journal: batched into excerpts ({@link ExcerptFormat}), each
 * with a sequence number and a CRC-32C, so a recorder killed mid-batch leaves every complete
 * batch readable. The journal is a Chronicle Queue with a fixed roll cycle and a clock stuck at
 * the epoch, so it is always one file, {@code 19700101H.cq4}, whatever the host time.
 * Not thread-safe: one recorder thread appends.
 */
public final class JournalWriter implements AutoCloseable {
    static {
        // Chronicle's OS class, on first use, looks for a build directory above the working
        // directory and otherwise creates $TMPDIR/target (and a tmp/ in whatever it finds), which
        // then stay behind. Named but absent, the directory is neither created nor used, so kerf
        // leaves nothing in the temporary directory (the fuzz campaign checks it).
        if (System.getProperty("project.build.directory") == null) {
            System.setProperty("project.build.directory",
                    java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), ".kerf-no-build-directory").toString());
        }
        // Chronicle's Jvm class, on first use, loads its POSIX binding (jnr-ffi, which generates and
        // loads ~300 classes: 0.1-0.15 s on a cold JVM). Chronicle calls it only for msync: in the
        // default sync mode (ASYNC) that is msync(MS_ASYNC), which Linux treats as a no-op, and the
        // no-op binding answers it with success. A killed recorder's journal survives through the
        // page cache either way (KilledWriterTest). Set before Jvm's first use, it is the binding used.
        net.openhft.posix.PosixAPI.useNoOpPosixApi();
    }

    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final EventEncoder encoder = new EventEncoder();
    private long sequence;
    private long bytesWritten;
    private boolean ended;
    private boolean closed;

    private JournalWriter(Path dir) {
        queue = open(dir);
        // The queue file (its header and index, the first 512 KiB) is created now rather than by
        // the first write, which would otherwise pay for it: 3-5 ms of creating and faulting in
        // the mapped pages, inside the recorded run. The file's bytes are the same either way
        // (the header holds no host time: the queue's clock is stuck at the epoch).
        queue.closeStore(queue.storeForCycle(queue.cycle(), queue.epoch(), true, null));
        appender = queue.createAppender();
        encoder.reset(0);
    }

    /** The Chronicle Queue the journal lives in: one file, no host time in its name. */
    static SingleChronicleQueue open(Path dir) {
        return SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(LargeRollCycles.HUGE_DAILY)
                .timeProvider(() -> 0L)
                .build();
    }

    /**
     * Loads and initialises most of what the first {@link #create} in this JVM needs — Chronicle's
     * core, bytes and wire classes, by writing two documents to a wire in memory — without touching
     * the file system. A JVM that will record calls it on a spare thread early, so the cold start of
     * Chronicle (about a third of a second) overlaps other work. Optional and idempotent: {@link
     * #create} works the same without it, and nothing written depends on it.
     */
    public static void prepare() {
        SingleChronicleQueueBuilder.binary(Path.of(QueueFile.FILE_NAME)).rollCycle(LargeRollCycles.HUGE_DAILY)
                .timeProvider(() -> 0L); // configured only: build() would create the directory
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(64);
        Wire wire = WireType.BINARY.apply(bytes);
        try (DocumentContext dc = wire.writingDocument(true)) {
            dc.wire().write("header").text("prepare");
        }
        try (DocumentContext dc = wire.writingDocument(false)) {
            dc.wire().bytes().write(new byte[ExcerptFormat.OVERHEAD]);
        }
        bytes.releaseLast();
    }

    /** Creates a new, empty journal in {@code dir} (which must not hold one). */
    public static JournalWriter create(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.cq4")) {
            if (s.iterator().hasNext()) throw new IOException(dir + ": already holds a journal");
        }
        try {
            return new JournalWriter(dir);
        } catch (RuntimeException e) {
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
            appender.writeBytes(Bytes.wrapForRead(excerpt));
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

    /** Flushes the last batch and closes the queue. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        try {
            flush();
        } finally {
            closed = true;
            appender.close();
            queue.close();
        }
    }
}
