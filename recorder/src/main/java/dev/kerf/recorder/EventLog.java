package dev.kerf.recorder;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.EventKind;

import java.io.IOException;

/**
 * The recorder's side of the journal: appends, counts by kind, and turns the first write failure
 * (disk full, output gone) into a stopped guest. After a failure nothing more is appended and the
 * CPU is asked to stop after its current instruction, so the guest never runs unrecorded.
 */
final class EventLog {
    private final EventSink sink;
    private final long[] counts = new long[EventKind.values().length];
    private Cpu cpu;
    private IOException failure;

    EventLog(EventSink sink) {
        this.sink = sink;
    }

    void attach(Cpu cpu) {
        this.cpu = cpu;
    }

    void append(Event event) {
        if (failure != null) return;
        try {
            sink.append(event);
            counts[event.kind().ordinal()]++; // in-memory tally only: never stored
        } catch (IOException e) {
            fail(e);
        } catch (InternalError e) {
            fail(mappedWriteFault(e));
        }
    }

    /** One IN, without allocating an event. */
    void portIn(int port, int size, int value) {
        if (failure != null) return;
        try {
            sink.portIn(port, size, value);
            counts[EventKind.PORT_IN.ordinal()]++;
        } catch (IOException e) {
            fail(e);
        } catch (InternalError e) {
            fail(mappedWriteFault(e));
        }
    }

    void flush() {
        if (failure != null) return;
        try {
            sink.flush();
        } catch (IOException e) {
            fail(e);
        } catch (InternalError e) {
            fail(mappedWriteFault(e));
        }
    }

    /**
     * The journal is memory-mapped: a write into a mapping the file system cannot back (disk full
     * on a sparse file) surfaces as the JVM's InternalError for a faulted unsafe access, not as
     * an IOException.
     */
    private static IOException mappedWriteFault(InternalError e) {
        return new IOException("journal write failed (no space left on the device?): " + e.getMessage(), e);
    }

    private void fail(IOException e) {
        failure = e;
        if (cpu != null) cpu.requestStop();
    }

    /** The first write failure, or null. */
    IOException failure() {
        return failure;
    }

    long count(EventKind kind) {
        return counts[kind.ordinal()];
    }

    long total() {
        long n = 0;
        for (long c : counts) n += c;
        return n;
    }
}
