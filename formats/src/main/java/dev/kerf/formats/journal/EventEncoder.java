package dev.kerf.formats.journal;

/**
 * Encodes events into one excerpt's payload. Each event starts with a tag byte: the low nibble is
 * the {@link EventKind} code, the high nibble holds per-kind flags. Compression state (last
 * icount, port, vector, EIP, TSC) starts afresh in every excerpt, so each excerpt decodes alone.
 *
 * <pre>
 * PORT_IN    tag = 1 | size&lt;&lt;4 (0: 1 byte, 1: 2 bytes, 2: 4 bytes) | SAME_PORT 0x40 | RUN 0x80
 *            [port varint, unless SAME_PORT] value (size 1: 1 byte, size 2: 2 bytes LE,
 *            size 4: varint of the unsigned 32-bit value) [extra varint &gt;= 1, if RUN: that many
 *            more identical reads follow]
 * INTERRUPT  tag = 2 | SAME_VECTOR 0x10 | SAME_EIP 0x20
 *            icountDelta varint, [vector 1 byte], [eipDelta zigzag varint of (eip - lastEip) as int32]
 * RDTSC      tag = 3; tscDelta zigzag varint of (value - lastTsc) (64-bit wrapping)
 * STATE_HASH tag = 4; icountDelta varint, hash 8 bytes LE
 * END        tag = 5; icountDelta varint, reason 1 byte (EndReason code), status zigzag varint
 * </pre>
 * Initial state per excerpt: icount = FirstIcount, no port, no vector, EIP 0, TSC 0.
 */
final class EventEncoder {
    static final int KIND_MASK = 0x0F;
    static final int PORT_SIZE_SHIFT = 4;
    static final int SAME_PORT = 0x40;
    static final int RUN = 0x80;
    static final int SAME_VECTOR = 0x10;
    static final int SAME_EIP = 0x20;

    private final PayloadBuffer out = new PayloadBuffer(ExcerptFormat.FLUSH_PAYLOAD_BYTES + 64);
    private long firstIcount;
    private long icount;
    private int lastPort = -1;
    private int lastVector = -1;
    private int lastEip;
    private long lastTsc;
    private int events;
    private Event.PortIn pending;
    private long pendingExtra;

    /** Starts a new payload whose deltas begin at {@code base}. */
    void reset(long base) {
        out.reset();
        firstIcount = icount = base;
        lastPort = lastVector = -1;
        lastEip = 0;
        lastTsc = 0;
        events = 0;
        pending = null;
        pendingExtra = 0;
    }

    int events() { return events; }

    long firstIcount() { return firstIcount; }

    /** The icount the next excerpt starts from. */
    long icount() { return icount; }

    int size() { return out.size(); }

    /** Validates and encodes {@code e}; runs of identical port reads are held until they end. */
    void add(Event e) {
        if (e instanceof Event.PortIn p) {
            checkPort(p);
            if (p.equals(pending)) {
                pendingExtra++;
                events++;
                return;
            }
            writePending();
            pending = p;
            events++;
            return;
        }
        writePending();
        if (e instanceof Event.Interrupt i) interrupt(i);
        else if (e instanceof Event.Rdtsc r) rdtsc(r);
        else if (e instanceof Event.StateHash s) { icountDelta(EventKind.STATE_HASH.code, s.icount()); writeLong(s.hash()); }
        else if (e instanceof Event.End end) end(end);
        else throw new IllegalArgumentException("unknown event " + e);
        events++;
    }

    /** Writes out the held run; the payload is then {@link #payload()} up to {@link #size()}. */
    void finish() { writePending(); }

    byte[] payload() { return out.array(); }

    private static void checkPort(Event.PortIn p) {
        if (p.port() < 0 || p.port() > 0xFFFF) throw new IllegalArgumentException("port out of range: " + p);
        boolean fits = switch (p.size()) {
            case 1 -> (p.value() & ~0xFF) == 0;
            case 2 -> (p.value() & ~0xFFFF) == 0;
            case 4 -> true;
            default -> throw new IllegalArgumentException("port read size must be 1, 2 or 4: " + p);
        };
        if (!fits) throw new IllegalArgumentException("value wider than the read (zero-extend it): " + p);
    }

    private void writePending() {
        if (pending == null) return;
        Event.PortIn p = pending;
        int sizeCode = p.size() == 1 ? 0 : p.size() == 2 ? 1 : 2;
        int tag = EventKind.PORT_IN.code | sizeCode << PORT_SIZE_SHIFT;
        if (p.port() == lastPort) tag |= SAME_PORT;
        if (pendingExtra > 0) tag |= RUN;
        out.write(tag);
        if (p.port() != lastPort) Varint.write(out, p.port());
        switch (p.size()) {
            case 1 -> out.write(p.value());
            case 2 -> { out.write(p.value()); out.write(p.value() >>> 8); }
            default -> Varint.write(out, p.value() & 0xFFFFFFFFL);
        }
        if (pendingExtra > 0) Varint.write(out, pendingExtra);
        lastPort = p.port();
        pending = null;
        pendingExtra = 0;
    }

    private void interrupt(Event.Interrupt i) {
        if (i.vector() < 0 || i.vector() > 0xFF) throw new IllegalArgumentException("vector out of range: " + i);
        int tag = EventKind.INTERRUPT.code;
        if (i.vector() == lastVector) tag |= SAME_VECTOR;
        if (i.eip() == lastEip) tag |= SAME_EIP;
        icountDelta(tag, i.icount());
        if (i.vector() != lastVector) out.write(i.vector());
        if (i.eip() != lastEip) Varint.writeSigned(out, i.eip() - lastEip);
        lastVector = i.vector();
        lastEip = i.eip();
    }

    private void rdtsc(Event.Rdtsc r) {
        out.write(EventKind.RDTSC.code);
        Varint.writeSigned(out, r.value() - lastTsc);
        lastTsc = r.value();
    }

    private void end(Event.End e) {
        if (e.reason() == null) throw new IllegalArgumentException("End needs a reason");
        icountDelta(EventKind.END.code, e.icount());
        out.write(e.reason().code);
        Varint.writeSigned(out, e.status());
    }

    private void icountDelta(int tag, long at) {
        if (at < icount) throw new IllegalArgumentException("icount goes backwards: " + at + " after " + icount);
        out.write(tag);
        Varint.write(out, at - icount);
        icount = at;
    }

    private void writeLong(long v) {
        for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)));
    }
}
