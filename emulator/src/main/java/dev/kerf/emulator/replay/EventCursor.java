package dev.kerf.emulator.replay;

import dev.kerf.formats.journal.Event;

/**
 * An {@link EventSource} with two events of lookahead and a count, shared by the replay loop
 * (which acts on timed events) and the {@link ReplayBus} (which consumes port reads, RDTSC and
 * interrupts as the CPU asks for them). Event numbers count from 0 in journal order.
 */
final class EventCursor {
    private final EventSource source;
    private Event head;
    private Event second;
    private long headIndex;
    private String headPosition;
    private String secondPosition;

    EventCursor(EventSource source) {
        this.source = source;
        this.head = source.next();
        this.headPosition = head == null ? "end of journal" : source.position();
        readSecond();
    }

    private void readSecond() {
        second = head == null ? null : source.next();
        secondPosition = second == null ? "end of journal" : source.position();
    }

    /** The next event to replay, or null at the end of the events. */
    Event head() {
        return head;
    }

    /** The event after {@link #head()}, or null. */
    Event afterHead() {
        return second;
    }

    /** Number of the head event (= events consumed so far). */
    long index() {
        return headIndex;
    }

    /** Where the head event is stored. */
    String position() {
        return headPosition;
    }

    /** Consumes the head. */
    void advance() {
        if (head == null) throw new IllegalStateException("advance past the end of the events");
        head = second;
        headIndex++;
        headPosition = secondPosition;
        readSecond();
    }

    boolean cutShort() {
        return head == null && source.cutShort();
    }

    /** True when the head is an event the replay loop waits for at an icount (not one the CPU asks for). */
    static boolean timed(Event e) {
        return e instanceof Event.Interrupt || e instanceof Event.StateHash || e instanceof Event.End;
    }
}
