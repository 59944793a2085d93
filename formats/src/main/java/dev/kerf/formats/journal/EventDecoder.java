package dev.kerf.formats.journal;

import dev.kerf.formats.journal.ExcerptFormat.ExcerptException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes one excerpt's payload (layout in {@link EventEncoder}) into exactly its stated number
 * of events. Every field is range-checked; a problem is an {@link ExcerptException} at the
 * offset (within the excerpt) of the event's tag byte. Nothing is allocated from a length field
 * before it is checked against the bytes that remain.
 */
final class EventDecoder {
    private final ByteBuffer in;
    private final byte[] excerpt;
    private final Event[] events;
    /** Payload bytes each event took; the first event of a run carries the run's whole encoding. */
    private final int[] sizes;
    private int n;
    private long icount;
    private int lastPort = -1;
    private int lastVector = -1;
    private long lastTsc;
    private int tagOffset;

    private EventDecoder(byte[] excerpt, ExcerptFormat.Header h) {
        this.excerpt = excerpt;
        in = ByteBuffer.wrap(excerpt, ExcerptFormat.HEADER_LENGTH, h.payloadLength()).order(ByteOrder.LITTLE_ENDIAN);
        events = new Event[h.eventCount()];
        sizes = new int[h.eventCount()];
        icount = h.firstIcount();
    }

    /** The events of a framing-checked excerpt. */
    static Event[] decode(byte[] excerpt, ExcerptFormat.Header h) {
        return decodeWithSizes(excerpt, h, null);
    }

    /** As {@link #decode}, also filling {@code sizes} (if not null, length = event count) with each event's payload bytes. */
    static Event[] decodeWithSizes(byte[] excerpt, ExcerptFormat.Header h, int[] sizes) {
        EventDecoder d = new EventDecoder(excerpt, h);
        d.run();
        if (sizes != null) System.arraycopy(d.sizes, 0, sizes, 0, sizes.length);
        return d.events;
    }

    /** The icount of the last timed event in {@code events}, or {@code first} if none. */
    static long lastIcount(long first, Event[] events) {
        long at = first;
        for (Event e : events) {
            long t = icountOf(e);
            if (t >= 0) at = t;
        }
        return at;
    }

    /** The icount a timed event names, or -1 for an untimed one. */
    static long icountOf(Event e) {
        if (e instanceof Event.Interrupt i) return i.icount();
        if (e instanceof Event.PortChange c) return c.icount();
        if (e instanceof Event.StateHash s) return s.icount();
        if (e instanceof Event.End end) return end.icount();
        return -1;
    }

    private void run() {
        try {
            while (in.hasRemaining()) {
                tagOffset = in.position();
                if (n == events.length) fail("more events in the payload than the stated " + events.length);
                int first = n;
                one(in.get() & 0xFF);
                sizes[first] = in.position() - tagOffset;
            }
        } catch (Varint.BadVarint e) {
            fail(e.getMessage());
        }
        if (n != events.length) fail("payload holds " + n + " events, header says " + events.length);
    }

    private void one(int tag) {
        EventKind kind = EventKind.fromCode(tag & EventEncoder.KIND_MASK);
        if (kind == null) fail(String.format("unknown event kind %d (tag 0x%02x)", tag & EventEncoder.KIND_MASK, tag));
        int flags = tag & ~EventEncoder.KIND_MASK;
        switch (kind) {
            case PORT_IN -> portIn(tag);
            case PORT_BLOCK -> portBlock(tag);
            case PORT_CHANGE -> portChange(tag);
            case INTERRUPT -> interrupt(flags);
            case RDTSC -> { noFlags(flags, kind); lastTsc += Varint.readSigned(in); add(new Event.Rdtsc(lastTsc)); }
            case STATE_HASH -> {
                onlyAligned(flags, kind);
                long at = advance(flags);
                need(8);
                add(new Event.StateHash(at, in.getLong()));
            }
            case END -> end(flags);
        }
    }

    private int size(int tag) {
        int sizeCode = (tag >> EventEncoder.PORT_SIZE_SHIFT) & 3;
        if (sizeCode == 3) fail(String.format("bad port read size code in tag 0x%02x", tag));
        return 1 << sizeCode;
    }

    private int port(int tag) {
        if ((tag & EventEncoder.SAME_PORT) != 0) {
            if (lastPort < 0) fail("port read refers to a previous port but is the first in its excerpt");
            return lastPort;
        }
        return readPort();
    }

    private int readPort() {
        long p = Varint.read(in);
        if (p > 0xFFFF) fail("port " + p + " above 0xffff");
        return (int) p;
    }

    private int value(int size) {
        if (size == 1) { need(1); return in.get() & 0xFF; }
        if (size == 2) { need(2); return in.getShort() & 0xFFFF; }
        long v = Varint.read(in);
        if (v > 0xFFFFFFFFL) fail("port value " + v + " wider than 32 bits");
        return (int) v;
    }

    private void portIn(int tag) {
        int size = size(tag);
        int port = port(tag);
        int value = value(size);
        long extra = 0;
        if ((tag & EventEncoder.RUN) != 0) {
            extra = Varint.read(in);
            if (extra < 1 || extra > events.length - n - 1) fail("run of " + extra + " more reads exceeds the event count");
        }
        lastPort = port;
        Event.PortIn e = new Event.PortIn(port, size, value);
        for (long i = 0; i <= extra; i++) add(e);
    }

    private void portBlock(int tag) {
        if ((tag & EventEncoder.RUN) != 0) fail(String.format("reserved flag set in port block tag 0x%02x", tag));
        int size = size(tag);
        int port = port(tag);
        long count = Varint.read(in);
        if (count < 2 || count > in.remaining() / size)
            fail("port block of " + count + " reads of " + size + " bytes does not fit the payload");
        int from = in.position();
        int length = (int) count * size;
        in.position(from + length);
        lastPort = port;
        add(new Event.PortBlock(port, size, Arrays.copyOfRange(excerpt, from, from + length)));
    }

    private void portChange(int tag) {
        int size = size(tag);
        long at = advance(tag);
        int faults = faults(tag);
        int port = readPort();
        add(new Event.PortChange(at, faults, port, size, value(size)));
    }

    private void interrupt(int flags) {
        if ((flags & ~(EventEncoder.SAME_VECTOR | EventEncoder.FAULTS | EventEncoder.ALIGNED)) != 0)
            fail("reserved interrupt flags set");
        long at = advance(flags);
        int vector;
        if ((flags & EventEncoder.SAME_VECTOR) != 0) {
            if (lastVector < 0) fail("interrupt refers to a previous vector but is the first in its excerpt");
            vector = lastVector;
        } else {
            need(1);
            vector = in.get() & 0xFF;
        }
        int faults = faults(flags);
        lastVector = vector;
        add(new Event.Interrupt(at, vector, faults));
    }

    private int faults(int flags) {
        if ((flags & EventEncoder.FAULTS) == 0) return 0;
        long f = Varint.read(in);
        if (f < 1 || f > Integer.MAX_VALUE) fail("fault count " + Long.toUnsignedString(f) + " outside 1..2^31-1");
        return (int) f;
    }

    private void end(int flags) {
        onlyAligned(flags, EventKind.END);
        long at = advance(flags);
        need(1);
        int code = in.get() & 0xFF;
        EndReason reason = EndReason.fromCode(code);
        if (reason == null) fail("unknown end reason " + code);
        long status = Varint.readSigned(in);
        if (status != (int) status) fail("exit status wider than 32 bits");
        long millis = Varint.read(in);
        if (millis < 0) fail("host duration " + Long.toUnsignedString(millis) + " ms overflows");
        add(new Event.End(at, reason, (int) status, millis));
    }

    /** Reads an icount delta (in quanta when the tag says ALIGNED) and moves the running icount. */
    private long advance(int tag) {
        long d = Varint.read(in);
        long next;
        if ((tag & EventEncoder.ALIGNED) != 0) {
            long q = ExcerptFormat.ICOUNT_QUANTUM;
            long base = EventEncoder.ceilQuanta(icount);
            if (d < 0 || d > Long.MAX_VALUE / q - base) fail("aligned icount delta " + Long.toUnsignedString(d) + " overflows");
            next = (base + d) * q;
        } else {
            if (d < 0 || icount + d < icount) fail("icount delta " + Long.toUnsignedString(d) + " overflows");
            next = icount + d;
        }
        icount = next;
        return next;
    }

    private void onlyAligned(int flags, EventKind kind) {
        if ((flags & ~EventEncoder.ALIGNED) != 0) fail(String.format("reserved flags 0x%02x set on %s", flags, kind));
    }

    private void noFlags(int flags, EventKind kind) {
        if (flags != 0) fail(String.format("reserved flags 0x%02x set on %s", flags, kind));
    }

    private void need(int bytes) {
        if (in.remaining() < bytes) fail("event runs past the end of the payload");
    }

    private void add(Event e) { events[n++] = e; }

    private void fail(String message) {
        throw new ExcerptException(tagOffset, "event " + n + ": " + message);
    }
}
