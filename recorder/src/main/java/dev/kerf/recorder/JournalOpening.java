package dev.kerf.recorder;

import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalWriter;
import dev.kerf.formats.recording.Recording;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A recording's directory and journal being created on a thread of their own, so that their cost
 * (mostly the forced writes of images and manifest: waiting for the disk) overlaps the machine's
 * boot instead of adding to it. The recorder's thread appends the events, in order, as
 * before, once {@link #await()} returned: only the creation moves, nothing the recording contains
 * depends on when it finished.
 */
final class JournalOpening implements EventSink {
    /** The created recording and its open journal. */
    record Opened(Recording recording, JournalWriter journal) {}

    private final FutureTask<Opened> opening;
    private JournalWriter writer;

    JournalOpening(Callable<Opened> create) {
        opening = new FutureTask<>(create);
        Thread t = new Thread(opening, "kerf-journal-open");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Waits for the recording to be created and its journal open.
     *
     * @throws IOException why it could not be
     */
    Opened await() throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    Opened o = opening.get();
                    writer = o.journal();
                    return o;
                } catch (InterruptedException e) {
                    interrupted = true; // the creation is short and bounded: finish waiting, then re-assert
                }
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IOException(c);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private JournalWriter writer() throws IOException {
        JournalWriter w = writer;
        return w != null ? w : await().journal();
    }

    @Override
    public void append(Event event) throws IOException {
        writer().append(event);
    }

    @Override
    public void portIn(int port, int size, int value) throws IOException {
        writer().appendPortIn(port, size, value);
    }

    @Override
    public void flush() throws IOException {
        writer().flush();
    }
}
