package dev.kerf.slicer.time;

import dev.kerf.emulator.replay.EventSource;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.Position;
import java.nio.file.Path;
import java.util.List;

/**
 * The events of a time slice as an {@link EventSource}: one excerpt, event numbers continuing the
 * source journal's ({@code firstEvent + i}) so a divergence names the same event number a replay
 * of the whole recording would. The events stop at the window's end without an End event; the
 * replay stops there first.
 */
final class SliceEventSource implements EventSource {
    private final List<Event> events;
    private final long firstEvent;
    private final Path file;
    private int next;

    SliceEventSource(List<Event> events, long firstEvent, Path file) {
        this.events = events;
        this.firstEvent = firstEvent;
        this.file = file;
    }

    @Override
    public Event next() {
        return next < events.size() ? events.get(next++) : null;
    }

    @Override public long lastExcerpt() { return 0; }

    @Override public int lastInExcerpt() { return next - 1; }

    @Override public Position nextPosition() { return new Position(0, next, firstEvent + next, 0); }

    @Override
    public String describe(Position p) {
        return String.format("event %d of the window in %s", p.inExcerpt(), file) + (p.inBlock() > 0 ? ", read " + p.inBlock() + " of its block" : "");
    }

    @Override
    public boolean cutShort() { return true; }
}
