package dev.kerf.formats.journal;

/**
 * One thing that crossed the recording boundary (design §4), or a meta event.
 * Port reads and RDTSC need no instruction count: the CPU asks for them in order during replay.
 */
public sealed interface Event permits Event.PortIn, Event.Interrupt, Event.Rdtsc, Event.StateHash, Event.End {
    EventKind kind();

    /** IN of {@code size} bytes from {@code port} answered {@code value}. */
    record PortIn(int port, int size, int value) implements Event {
        public EventKind kind() { return EventKind.PORT_IN; }
    }

    /** External interrupt {@code vector} taken before instruction {@code icount + 1}, at {@code eip}. */
    record Interrupt(long icount, int vector, int eip) implements Event {
        public EventKind kind() { return EventKind.INTERRUPT; }
    }

    /** RDTSC returned {@code value}. */
    record Rdtsc(long value) implements Event {
        public EventKind kind() { return EventKind.RDTSC; }
    }

    /** Hash of the CPU registers at {@code icount} (see the replayer for what it covers). */
    record StateHash(long icount, long hash) implements Event {
        public EventKind kind() { return EventKind.STATE_HASH; }
    }

    /** The recording ended at {@code icount}; {@code status} is the guest's exit status if any. */
    record End(long icount, EndReason reason, int status) implements Event {
        public EventKind kind() { return EventKind.END; }
    }
}
