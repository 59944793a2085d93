package dev.kerf.emulator.replay;

import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.journal.Position;

import java.util.List;

/**
 * Where a replay reads its events from, in journal order: a {@link JournalReader} in real use, a
 * list in tests. Damage in the source is the source's to report (as a
 * {@link dev.kerf.formats.FormatException} naming file and offset). Nothing here may allocate per
 * event: the replay asks for every event, and the disk workload has one per port read.
 */
public interface EventSource {
    /** The next event, or null when there are no more. */
    Event next();

    /** The excerpt of the event last returned by {@link #next()} (see {@link Position#excerpt()}). */
    long lastExcerpt();

    /** How many events of its excerpt came before the event last returned (see {@link Position#inExcerpt()}). */
    int lastInExcerpt();

    /** Where the next event {@link #next()} returns is (after the last event: the end). */
    Position nextPosition();

    /** Where the event at {@code p} is stored, for divergence reports ("event 3 in excerpt 12 at offset 0x3f20 of …"). */
    String describe(Position p);

    /** Meaningful once {@link #next()} returned null: the events ended without an End event. */
    boolean cutShort();

    /** A recording's journal (opened at its start, or at a position with {@link JournalReader#open(java.nio.file.Path, Position)}). */
    static EventSource of(JournalReader reader) {
        return new EventSource() {
            @Override public Event next() { return reader.next(); }
            @Override public long lastExcerpt() { return reader.lastExcerpt(); }
            @Override public int lastInExcerpt() { return reader.lastInExcerpt(); }
            @Override public Position nextPosition() { return reader.nextPosition(); }
            @Override public String describe(Position p) { return reader.describe(p); }
            @Override public boolean cutShort() { return reader.cutShort(); }
        };
    }

    /** Events held in memory (tests); cut short when the list has no End event last. One excerpt. */
    static EventSource of(List<Event> events) {
        return of(events, 0);
    }

    /** As {@link #of(List)}, starting at event {@code from} (as if opened at {@code new Position(0, from, from, 0)}). */
    static EventSource of(List<Event> events, int from) {
        return new EventSource() {
            private int next = from;

            @Override
            public Event next() {
                return next < events.size() ? events.get(next++) : null;
            }

            @Override public long lastExcerpt() { return 0; }

            @Override public int lastInExcerpt() { return next - 1; }

            @Override public Position nextPosition() { return new Position(0, next, next, 0); }

            @Override
            public String describe(Position p) {
                return "event list index " + p.inExcerpt() + (p.inBlock() > 0 ? ", read " + p.inBlock() + " of its block" : "");
            }

            @Override
            public boolean cutShort() {
                return events.isEmpty() || !(events.get(events.size() - 1) instanceof Event.End);
            }
        };
    }
}
