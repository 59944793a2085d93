package dev.kerf.formats.journal;

import dev.kerf.formats.journal.ExcerptFormat.ExcerptException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes one excerpt's payload (layout in {@link EventEncoder}) into exactly its stated number
 * of events. Every field is range-checked; a problem is an {@link ExcerptException} at the
 * offset (within the excerpt) of the event's tag byte.
 */
final class EventDecoder {
    private final ByteBuffer in;
    private final Event[] events;
    /** Payload bytes each event took; the first event of a run carries the run's whole encoding. */
    private final int[] sizes;
    private int n;
    private long icount;
    private int lastPort = -1;
    private int lastVector = -1;
    private int lastEip;
    private long lastTsc;
    private int tagOffset;

    private EventDecoder(byte[] excerpt, ExcerptFormat.Header h) {
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

    /** The icount after the excerpt's last icount-bearing event, given its events. */
    static long lastIcount(long first, Event[] events) {
        long at = first;
        for (Event e : events) {
            if (e instanceof Event.Interrupt i) at = i.icount();
            else if (e instanceof Event.StateHash s) at = s.icount();
            else if (e instanceof Event.End end) at = end.icount();
        }
        return at;
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
            case INTERRUPT -> interrupt(flags);
            case RDTSC -> { noFlags(flags, kind); lastTsc += Varint.readSigned(in); add(new Event.Rdtsc(lastTsc)); }
            case STATE_HASH -> { noFlags(flags, kind); long at = advance(); need(8); add(new Event.StateHash(at, in.getLong())); }
            case END -> end(flags);
        }
    }

    private void portIn(int tag) {
        int sizeCode = (tag >> EventEncoder.PORT_SIZE_SHIFT) & 3;
        if (sizeCode == 3) fail(String.format("bad port read size code in tag 0x%02x", tag));
        int port;
        if ((tag & EventEncoder.SAME_PORT) != 0) {
            if (lastPort < 0) fail("port read refers to a previous port but is the first in its excerpt");
            port = lastPort;
        } else {
            long p = Varint.read(in);
            if (p > 0xFFFF) fail("port " + p + " above 0xffff");
            port = (int) p;
        }
        int size = 1 << sizeCode;
        int value;
        if (size == 1) { need(1); value = in.get() & 0xFF; }
        else if (size == 2) { need(2); value = in.getShort() & 0xFFFF; }
        else {
            long v = Varint.read(in);
            if (v > 0xFFFFFFFFL) fail("port value " + v + " wider than 32 bits");
            value = (int) v;
        }
        long extra = 0;
        if ((tag & EventEncoder.RUN) != 0) {
            extra = Varint.read(in);
            if (extra < 1 || extra > events.length - n - 1) fail("run of " + extra + " more reads exceeds the event count");
        }
        lastPort = port;
        Event.PortIn e = new Event.PortIn(port, size, value);
        for (long i = 0; i <= extra; i++) add(e);
    }

    private void interrupt(int flags) {
        if ((flags & ~(EventEncoder.SAME_VECTOR | EventEncoder.SAME_EIP)) != 0) fail("reserved interrupt flags set");
        long at = advance();
        int vector;
        if ((flags & EventEncoder.SAME_VECTOR) != 0) {
            if (lastVector < 0) fail("interrupt refers to a previous vector but is the first in its excerpt");
            vector = lastVector;
        } else {
            need(1);
            vector = in.get() & 0xFF;
        }
        int eip = lastEip;
        if ((flags & EventEncoder.SAME_EIP) == 0) {
            long d = Varint.readSigned(in);
            if (d != (int) d) fail("EIP delta wider than 32 bits");
            eip += (int) d;
        }
        lastVector = vector;
        lastEip = eip;
        add(new Event.Interrupt(at, vector, eip));
    }

    private void end(int flags) {
        noFlags(flags, EventKind.END);
        long at = advance();
        need(1);
        int code = in.get() & 0xFF;
        EndReason reason = EndReason.fromCode(code);
        if (reason == null) fail("unknown end reason " + code);
        long status = Varint.readSigned(in);
        if (status != (int) status) fail("exit status wider than 32 bits");
        add(new Event.End(at, reason, (int) status));
    }

    private long advance() {
        long d = Varint.read(in);
        if (d < 0 || icount + d < icount) fail("icount delta " + Long.toUnsignedString(d) + " overflows");
        icount += d;
        return icount;
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
