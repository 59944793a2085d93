package dev.kerf.emulator.replay;

import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalReader;

import java.util.List;

/**
 * Where a replay reads its events from, in journal order: a {@link JournalReader} in real use, a
 * list in tests. Damage in the source is the source's to report (as a
 * {@link dev.kerf.formats.FormatException} naming file and offset).
 */
public interface EventSource {
    /** The next event, or null when there are no more. */
    Event next();

    /** Where the event last returned by {@link #next()} is stored, for divergence reports. */
    String position();

    /** Meaningful once {@link #next()} returned null: the events ended without an End event. */
    boolean cutShort();

    /** A recording's journal. */
    static EventSource of(JournalReader reader) {
        return new EventSource() {
            @Override public Event next() { return reader.next(); }
            @Override public String position() { return reader.position(); }
            @Override public boolean cutShort() { return reader.cutShort(); }
        };
    }

    /** Events held in memory (tests); cut short when the list has no End event last. */
    static EventSource of(List<Event> events) {
        return new EventSource() {
            private int next;

            @Override
            public Event next() {
                return next < events.size() ? events.get(next++) : null;
            }

            @Override
            public String position() {
                return "event list index " + (next - 1);
            }

            @Override
            public boolean cutShort() {
                return events.isEmpty() || !(events.get(events.size() - 1) instanceof Event.End);
            }
        };
    }
}
