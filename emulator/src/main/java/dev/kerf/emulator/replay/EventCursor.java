package dev.kerf.emulator.replay;

import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.Position;

/**
 * An {@link EventSource} with two events of lookahead and a count, shared by the replay loop
 * (which acts on timed events) and the {@link ReplayBus} (which consumes port reads, RDTSC and
 * interrupts as the CPU asks for them). A port block is consumed one read at a time
 * ({@link #inBlock()}). Event numbers count from 0 in journal order. Allocation-free per event.
 */
final class EventCursor {
    private final EventSource source;
    private Event head;
    private Event second;
    private long headIndex;
    private long headExcerpt;
    private int headInExcerpt;
    private long secondExcerpt;
    private int secondInExcerpt;
    private int inBlock;

    /** At the source's next event; {@code inBlock} reads of it already consumed (it must then be a port block holding more). */
    EventCursor(EventSource source, int inBlock) {
        this.source = source;
        this.headIndex = source.nextPosition().event();
        this.head = source.next();
        if (head != null) {
            headExcerpt = source.lastExcerpt();
            headInExcerpt = source.lastInExcerpt();
        }
        readSecond();
        if (inBlock != 0 && !(head instanceof Event.PortBlock b && inBlock < b.count()))
            throw new IllegalArgumentException("a position " + inBlock + " reads into " + Describe.event(head));
        this.inBlock = inBlock;
    }

    EventCursor(EventSource source) {
        this(source, 0);
    }

    private void readSecond() {
        second = head == null ? null : source.next();
        if (second != null) {
            secondExcerpt = source.lastExcerpt();
            secondInExcerpt = source.lastInExcerpt();
        }
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

    /** Reads of the head port block consumed so far (0 for any other head). */
    int inBlock() {
        return inBlock;
    }

    /** Where the replay stands: before the head event (inside it, for a port block partly read). */
    Position mark() {
        if (head == null) return source.nextPosition();
        return new Position(headExcerpt, headInExcerpt, headIndex, inBlock);
    }

    /** Where the head event is stored, for a person. */
    String position() {
        return head == null ? "end of journal" : source.describe(mark());
    }

    /** Consumes the head. */
    void advance() {
        if (head == null) throw new IllegalStateException("advance past the end of the events");
        head = second;
        headExcerpt = secondExcerpt;
        headInExcerpt = secondInExcerpt;
        headIndex++;
        inBlock = 0;
        readSecond();
    }

    /** Consumes one read of the head port block (the block itself after its last read). */
    void advanceInBlock(int count) {
        if (++inBlock == count) advance();
    }

    boolean cutShort() {
        return head == null && source.cutShort();
    }

    /** True when the head is an event the replay loop waits for at an icount (not one the CPU asks for). */
    static boolean timed(Event e) {
        return e instanceof Event.Interrupt || e instanceof Event.PortChange || e instanceof Event.StateHash
                || e instanceof Event.End;
    }

    /** The icount a timed event names. */
    static long icountOf(Event timed) {
        if (timed instanceof Event.Interrupt i) return i.icount();
        if (timed instanceof Event.PortChange c) return c.icount();
        if (timed instanceof Event.StateHash h) return h.icount();
        return ((Event.End) timed).icount();
    }
}
