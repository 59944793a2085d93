package dev.kerf.recorder;

import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalWriter;

import java.io.IOException;
import java.util.List;

/** Where the recorder puts its events: a recording's journal in real use, a list in tests. */
public interface EventSink {
    void append(Event event) throws IOException;

    /** One IN; a journal takes it without allocating (the recorder calls this for every port read). */
    default void portIn(int port, int size, int value) throws IOException {
        append(new Event.PortIn(port, size, value));
    }

    /** Makes every event appended so far durable (a killed recorder keeps them). */
    void flush() throws IOException;

    static EventSink of(JournalWriter writer) {
        return new EventSink() {
            @Override public void append(Event event) throws IOException { writer.append(event); }
            @Override public void portIn(int port, int size, int value) throws IOException { writer.appendPortIn(port, size, value); }
            @Override public void flush() throws IOException { writer.flush(); }
        };
    }

    static EventSink of(List<Event> events) {
        return new EventSink() {
            @Override public void append(Event event) { events.add(event); }
            @Override public void flush() { }
        };
    }
}
