package dev.kerf.formats.journal;

import java.util.Arrays;

/**
 * One thing that crossed the recording boundary (design §4), or a meta event.
 * Port reads, port blocks and RDTSC need no instruction count: the CPU asks for them in order
 * during replay. Timed events (Interrupt, PortChange, StateHash, End) name an icount; the
 * CPU-side ones also name {@code faults}, the exceptions delivered at that icount before the
 * event ({@code Cpu.faultsSinceRetire()}), which tells apart two places with one icount (before a
 * faulting instruction and at its handler).
 */
public sealed interface Event permits Event.PortIn, Event.PortBlock, Event.PortChange, Event.Interrupt, Event.Rdtsc,
        Event.StateHash, Event.End {
    EventKind kind();

    /** IN of {@code size} bytes from {@code port} answered {@code value} (zero-extended). */
    record PortIn(int port, int size, int value) implements Event {
        public EventKind kind() { return EventKind.PORT_IN; }
    }

    /**
     * Consecutive INs of {@code size} bytes from {@code port} (REP INS, a driver's read loop),
     * their values back to back in {@code data}, little-endian, {@code size} bytes each. Treat
     * {@code data} as read-only: it may be shared with the decoder.
     */
    record PortBlock(int port, int size, byte[] data) implements Event {
        public EventKind kind() { return EventKind.PORT_BLOCK; }

        /** Number of reads in the block. */
        public int count() { return data.length / size; }

        /** The value of read {@code i} (zero-extended). */
        public int value(int i) {
            int at = i * size;
            return switch (size) {
                case 1 -> data[at] & 0xFF;
                case 2 -> (data[at] & 0xFF) | (data[at + 1] & 0xFF) << 8;
                default -> (data[at] & 0xFF) | (data[at + 1] & 0xFF) << 8 | (data[at + 2] & 0xFF) << 16 | data[at + 3] << 24;
            };
        }

        /** The block as single reads (allocates: for tools and tests, not the replay path). */
        public java.util.List<PortIn> reads() {
            PortIn[] r = new PortIn[count()];
            for (int i = 0; i < r.length; i++) r[i] = new PortIn(port, size, value(i));
            return java.util.List.of(r);
        }

        /** {@code events} with every port block replaced by its single reads. */
        public static java.util.List<Event> flatten(java.util.List<Event> events) {
            java.util.List<Event> out = new java.util.ArrayList<>();
            for (Event e : events) {
                if (e instanceof PortBlock b) out.addAll(b.reads());
                else out.add(e);
            }
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PortBlock b && b.port == port && b.size == size && Arrays.equals(b.data, data);
        }

        @Override
        public int hashCode() { return (port * 31 + size) * 31 + Arrays.hashCode(data); }

        @Override
        public String toString() { return "PortBlock[port=" + port + ", size=" + size + ", count=" + count() + "]"; }
    }

    /**
     * A read of a sticky port (one whose value the manifest says is sticky, e.g. COM1's line status)
     * answered {@code value}, which differs from that port's previous read (or is its first read);
     * reads that repeat the previous value are not logged. Taken during instruction
     * {@code icount + 1} after {@code faults} exceptions at that icount.
     */
    record PortChange(long icount, int faults, int port, int size, int value) implements Event {
        public EventKind kind() { return EventKind.PORT_CHANGE; }
    }

    /** External interrupt {@code vector} taken before instruction {@code icount + 1}, after {@code faults} exceptions at that icount. */
    record Interrupt(long icount, int vector, int faults) implements Event {
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

    /**
     * The recording ended at {@code icount}; {@code status} is the guest's exit status if any;
     * {@code hostMillis} the recording's host wall time (display only: nothing replays from it).
     */
    record End(long icount, EndReason reason, int status, long hostMillis) implements Event {
        public EventKind kind() { return EventKind.END; }
    }
}
