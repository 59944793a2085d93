package dev.kerf.formats.slice;

import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The EVENTS section of a time slice: the journal events the replay consumes in the window, in
 * journal order, in a fixed-width encoding of its own (simpler than the journal's, which is
 * relative to excerpts). All integers little-endian.
 *
 * <pre>
 * FirstEvent i64   journal number of the first event (to report divergences in journal terms)
 * InBlock    u32   reads of the first event already consumed at the start (it is then a port block)
 * Count      u32   number of events
 * Event      u8 tag, then by tag:
 *   1 PortIn      u16 port, u8 size (1, 2, 4), u32 value
 *   2 PortBlock   u16 port, u8 size, u32 n (&ge; 1), n x size bytes
 *   3 PortChange  i64 icount, u32 faults, u16 port, u8 size, u32 value
 *   4 Interrupt   i64 icount, u8 vector, u32 faults
 *   5 Rdtsc       i64 value
 *   6 StateHash   i64 icount, i64 hash
 *   7 End         i64 icount, u8 reason code, i32 status, i64 host millis
 * </pre>
 * The section ends exactly after the last event; icounts are &ge; 0, values fit their size.
 */
public record EventsSection(long firstEvent, int inBlock, List<Event> events) {
    public EventsSection {
        if (firstEvent < 0 || inBlock < 0) throw new IllegalArgumentException("negative event number or block offset");
        events = List.copyOf(events);
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + events.size() * 12);
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(firstEvent).putInt(inBlock).putInt(events.size());
        flush(out, b);
        for (Event e : events) {
            if (e instanceof Event.PortIn p) b.put((byte) 1).putShort((short) p.port()).put((byte) p.size()).putInt(p.value());
            else if (e instanceof Event.PortBlock p) {
                b.put((byte) 2).putShort((short) p.port()).put((byte) p.size()).putInt(p.count());
                flush(out, b);
                out.writeBytes(p.data());
            } else if (e instanceof Event.PortChange c) b.put((byte) 3).putLong(c.icount()).putInt(c.faults())
                    .putShort((short) c.port()).put((byte) c.size()).putInt(c.value());
            else if (e instanceof Event.Interrupt i) b.put((byte) 4).putLong(i.icount()).put((byte) i.vector()).putInt(i.faults());
            else if (e instanceof Event.Rdtsc r) b.put((byte) 5).putLong(r.value());
            else if (e instanceof Event.StateHash h) b.put((byte) 6).putLong(h.icount()).putLong(h.hash());
            else if (e instanceof Event.End x) b.put((byte) 7).putLong(x.icount()).put((byte) x.reason().code).putInt(x.status())
                    .putLong(x.hostMillis());
            flush(out, b);
        }
        return out.toByteArray();
    }

    private static void flush(ByteArrayOutputStream out, ByteBuffer b) {
        out.write(b.array(), 0, b.position());
        b.clear();
    }

    /** Decodes and checks {@code s} (an EVENTS section of {@code slice}); problems name the byte. */
    public static EventsSection decode(Slice slice, Section s) {
        ByteBuffer b = ByteBuffer.wrap(s.data()).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        try {
            long first = b.getLong();
            long inBlock = b.getInt() & 0xFFFFFFFFL;
            long count = b.getInt() & 0xFFFFFFFFL;
            if (first < 0 || inBlock > Integer.MAX_VALUE) throw slice.fail(s, 0, "negative first event or block offset");
            List<Event> events = new ArrayList<>((int) Math.min(count, b.remaining() / 9 + 1));
            for (long i = 0; i < count; i++) {
                at = b.position();
                events.add(event(slice, s, b, at));
            }
            if (b.hasRemaining()) throw slice.fail(s, b.position(), b.remaining() + " bytes after the last of " + count + " events");
            if (inBlock > 0 && !(events.size() > 0 && events.get(0) instanceof Event.PortBlock p && inBlock < p.count()))
                throw slice.fail(s, 8, "block offset " + inBlock + " does not fall inside a first port block");
            return new EventsSection(first, (int) inBlock, events);
        } catch (BufferUnderflowException e) {
            throw slice.fail(s, at, "event cut short by the end of the section");
        }
    }

    private static Event event(Slice slice, Section s, ByteBuffer b, int at) {
        int tag = b.get() & 0xFF;
        return switch (tag) {
            case 1 -> {
                int port = b.getShort() & 0xFFFF, size = size(slice, s, b, at);
                yield new Event.PortIn(port, size, value(slice, s, b.getInt(), size, at));
            }
            case 2 -> {
                int port = b.getShort() & 0xFFFF, size = size(slice, s, b, at);
                long n = b.getInt() & 0xFFFFFFFFL;
                if (n == 0 || n * size > b.remaining()) throw slice.fail(s, at, "port block of " + n + " reads does not fit the section");
                byte[] data = new byte[(int) (n * size)];
                b.get(data);
                yield new Event.PortBlock(port, size, data);
            }
            case 3 -> {
                long icount = icount(slice, s, b.getLong(), at);
                int faults = b.getInt(), port = b.getShort() & 0xFFFF, size = size(slice, s, b, at);
                yield new Event.PortChange(icount, faults, port, size, value(slice, s, b.getInt(), size, at));
            }
            case 4 -> new Event.Interrupt(icount(slice, s, b.getLong(), at), b.get() & 0xFF, b.getInt());
            case 5 -> new Event.Rdtsc(b.getLong());
            case 6 -> new Event.StateHash(icount(slice, s, b.getLong(), at), b.getLong());
            case 7 -> {
                long icount = icount(slice, s, b.getLong(), at);
                int code = b.get() & 0xFF;
                EndReason reason = EndReason.fromCode(code);
                if (reason == null) throw slice.fail(s, at, "unknown end reason " + code);
                yield new Event.End(icount, reason, b.getInt(), b.getLong());
            }
            default -> throw slice.fail(s, at, "unknown event tag " + tag);
        };
    }

    private static int size(Slice slice, Section s, ByteBuffer b, int at) {
        int size = b.get() & 0xFF;
        if (size != 1 && size != 2 && size != 4) throw slice.fail(s, at, "port access size " + size + " is not 1, 2 or 4");
        return size;
    }

    private static int value(Slice slice, Section s, int v, int size, int at) {
        if (size < 4 && (v >>> (8 * size)) != 0) throw slice.fail(s, at, "value 0x" + Integer.toHexString(v) + " does not fit " + size + " bytes");
        return v;
    }

    private static long icount(Slice slice, Section s, long icount, int at) {
        if (icount < 0) throw slice.fail(s, at, "negative icount " + icount);
        return icount;
    }
}
