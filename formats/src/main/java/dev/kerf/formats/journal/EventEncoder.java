package dev.kerf.formats.journal;

/**
 * Encodes events into one excerpt's payload (journal format 2; docs/formats.md §5). Each event
 * starts with a tag byte: the low nibble is the {@link EventKind} code, the high nibble holds
 * per-kind flags. Compression state (last icount, port, vector, TSC) starts afresh in every
 * excerpt, so each excerpt decodes alone.
 *
 * <pre>
 * PORT_IN     tag = 1 | size&lt;&lt;4 (0: 1 byte, 1: 2 bytes, 2: 4 bytes) | SAME_PORT 0x40 | RUN 0x80
 *             [port varint, unless SAME_PORT] value [extra varint &gt;= 1, if RUN: that many more
 *             identical reads follow, each counted as an event]
 * INTERRUPT   tag = 2 | SAME_VECTOR 0x10 | FAULTS 0x40 | ALIGNED 0x80
 *             icountDelta varint, [vector 1 byte], [faults varint &gt;= 1]
 * RDTSC       tag = 3; tscDelta zigzag varint of (value - lastTsc) (64-bit wrapping)
 * STATE_HASH  tag = 4 | ALIGNED 0x80; icountDelta varint, hash 8 bytes LE
 * END         tag = 5 | ALIGNED 0x80; icountDelta varint, reason 1 byte, status zigzag varint,
 *             hostMillis varint
 * PORT_BLOCK  tag = 6 | size&lt;&lt;4 | SAME_PORT 0x40; [port varint] count varint &gt;= 2,
 *             count values of size bytes each, LE (one event)
 * PORT_CHANGE tag = 7 | size&lt;&lt;4 | FAULTS 0x40 | ALIGNED 0x80
 *             icountDelta varint, [faults varint &gt;= 1], port varint, value
 * value:      size 1: 1 byte, size 2: 2 bytes LE, size 4: varint of the unsigned 32-bit value
 * icountDelta: icount - running icount; with ALIGNED (icount a multiple of {@link ExcerptFormat#ICOUNT_QUANTUM})
 *             icount/Q - ceil(running icount/Q) instead
 * </pre>
 * Consecutive reads of one port and size are gathered and written as runs of identical values
 * (PORT_IN with RUN) and blocks of the rest (PORT_BLOCK), so the encoding depends only on the
 * sequence of reads, not on how they were handed in. Initial state per excerpt: icount =
 * FirstIcount, no port, no vector, TSC 0.
 */
final class EventEncoder {
    static final int KIND_MASK = 0x0F;
    static final int PORT_SIZE_SHIFT = 4;
    static final int SAME_PORT = 0x40;
    static final int RUN = 0x80;
    static final int SAME_VECTOR = 0x10;
    static final int FAULTS = 0x40;
    static final int ALIGNED = 0x80;
    /** Reads gathered before they are written out: no more than an excerpt holds, so a run is never cut but at an excerpt end. */
    static final int GROUP_MAX = ExcerptFormat.MAX_EVENTS;

    private final PayloadBuffer out = new PayloadBuffer(ExcerptFormat.FLUSH_PAYLOAD_BYTES + 64);
    private final int[] group = new int[GROUP_MAX];
    private int groupLength;
    private int groupPort;
    private int groupSize;
    private long firstIcount;
    private long icount;
    private int lastPort = -1;
    private int lastVector = -1;
    private long lastTsc;
    private int events;

    /** Starts a new payload whose deltas begin at {@code base}. */
    void reset(long base) {
        out.reset();
        firstIcount = icount = base;
        lastPort = lastVector = -1;
        lastTsc = 0;
        events = 0;
        groupLength = 0;
    }

    /** Events so far, counting each gathered read as one (an upper bound until {@link #finish()}). */
    int events() { return events + groupLength; }

    long firstIcount() { return firstIcount; }

    /** The icount the next excerpt starts from. */
    long icount() { return icount; }

    /** Payload bytes so far, gathered reads estimated at their size each. */
    int size() { return out.size() + groupLength * groupSize; }

    /** Validates and encodes {@code e}; port reads are gathered until the port or size changes. */
    void add(Event e) {
        if (e instanceof Event.PortIn p) {
            portIn(p.port(), p.size(), p.value());
            return;
        }
        if (e instanceof Event.PortBlock b) {
            checkPort(b.port(), b.size(), 0);
            if (b.data().length == 0 || b.data().length % b.size() != 0)
                throw new IllegalArgumentException("port block data not a positive multiple of its size: " + b);
            for (int i = 0; i < b.count(); i++) portIn(b.port(), b.size(), b.value(i));
            return;
        }
        writeGroup();
        if (e instanceof Event.Interrupt i) interrupt(i);
        else if (e instanceof Event.PortChange c) portChange(c);
        else if (e instanceof Event.Rdtsc r) rdtsc(r);
        else if (e instanceof Event.StateHash s) { icountDelta(EventKind.STATE_HASH.code, s.icount()); writeLong(s.hash()); }
        else if (e instanceof Event.End end) end(end);
        else throw new IllegalArgumentException("unknown event " + e);
        events++;
    }

    /** One IN (the allocation-free path of the recorder). */
    void portIn(int port, int size, int value) {
        checkPort(port, size, value);
        if (groupLength > 0 && (port != groupPort || size != groupSize || groupLength == GROUP_MAX)) writeGroup();
        groupPort = port;
        groupSize = size;
        group[groupLength++] = value;
    }

    /** Writes out the gathered reads; the payload is then {@link #payload()} up to {@link #size()}. */
    void finish() { writeGroup(); }

    byte[] payload() { return out.array(); }

    private static void checkPort(int port, int size, int value) {
        if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException("port out of range: " + port);
        boolean fits = switch (size) {
            case 1 -> (value & ~0xFF) == 0;
            case 2 -> (value & ~0xFFFF) == 0;
            case 4 -> true;
            default -> throw new IllegalArgumentException("port read size must be 1, 2 or 4, not " + size);
        };
        if (!fits) throw new IllegalArgumentException("value 0x" + Integer.toHexString(value) + " wider than a "
                + size + "-byte read (zero-extend it)");
    }

    /**
     * Splits the gathered reads into runs of identical values (long enough that leaving a block
     * for them pays) and blocks of the rest; a stretch of one value is written as a run.
     */
    private void writeGroup() {
        int n = groupLength;
        if (n == 0) return;
        groupLength = 0;
        int runMin = Math.max(2, (6 + groupSize - 1) / groupSize);
        int i = 0;
        while (i < n) {
            int r = runLength(i, n);
            if (r >= runMin) {
                writeRun(i, r);
                i += r;
                continue;
            }
            int j = i + r;
            while (j < n) {
                int rj = runLength(j, n);
                if (rj >= runMin) break;
                j += rj;
            }
            if (r == j - i) writeRun(i, r);
            else writeBlock(i, j - i);
            i = j;
        }
    }

    private int runLength(int from, int n) {
        int v = group[from];
        int k = from + 1;
        while (k < n && group[k] == v) k++;
        return k - from;
    }

    private int portTag(EventKind kind) {
        int sizeCode = groupSize == 1 ? 0 : groupSize == 2 ? 1 : 2;
        int tag = kind.code | sizeCode << PORT_SIZE_SHIFT;
        return groupPort == lastPort ? tag | SAME_PORT : tag;
    }

    private void writeRun(int from, int length) {
        int tag = portTag(EventKind.PORT_IN);
        out.write(length > 1 ? tag | RUN : tag);
        if (groupPort != lastPort) Varint.write(out, groupPort);
        value(groupSize, group[from]);
        if (length > 1) Varint.write(out, length - 1);
        lastPort = groupPort;
        events += length;
    }

    private void writeBlock(int from, int length) {
        out.write(portTag(EventKind.PORT_BLOCK));
        if (groupPort != lastPort) Varint.write(out, groupPort);
        Varint.write(out, length);
        for (int k = from; k < from + length; k++) {
            int v = group[k];
            for (int b = 0; b < groupSize; b++) out.write(v >>> (8 * b));
        }
        lastPort = groupPort;
        events++;
    }

    private void value(int size, int v) {
        switch (size) {
            case 1 -> out.write(v);
            case 2 -> { out.write(v); out.write(v >>> 8); }
            default -> Varint.write(out, v & 0xFFFFFFFFL);
        }
    }

    private void interrupt(Event.Interrupt i) {
        if (i.vector() < 0 || i.vector() > 0xFF) throw new IllegalArgumentException("vector out of range: " + i);
        if (i.faults() < 0) throw new IllegalArgumentException("negative fault count: " + i);
        int tag = EventKind.INTERRUPT.code;
        if (i.vector() == lastVector) tag |= SAME_VECTOR;
        if (i.faults() != 0) tag |= FAULTS;
        icountDelta(tag, i.icount());
        if (i.vector() != lastVector) out.write(i.vector());
        if (i.faults() != 0) Varint.write(out, i.faults());
        lastVector = i.vector();
    }

    private void portChange(Event.PortChange c) {
        checkPort(c.port(), c.size(), c.value());
        if (c.faults() < 0) throw new IllegalArgumentException("negative fault count: " + c);
        int sizeCode = c.size() == 1 ? 0 : c.size() == 2 ? 1 : 2;
        int tag = EventKind.PORT_CHANGE.code | sizeCode << PORT_SIZE_SHIFT;
        if (c.faults() != 0) tag |= FAULTS;
        icountDelta(tag, c.icount());
        if (c.faults() != 0) Varint.write(out, c.faults());
        Varint.write(out, c.port());
        value(c.size(), c.value());
    }

    private void rdtsc(Event.Rdtsc r) {
        out.write(EventKind.RDTSC.code);
        Varint.writeSigned(out, r.value() - lastTsc);
        lastTsc = r.value();
    }

    private void end(Event.End e) {
        if (e.reason() == null) throw new IllegalArgumentException("End needs a reason");
        if (e.hostMillis() < 0) throw new IllegalArgumentException("negative host duration: " + e);
        icountDelta(EventKind.END.code, e.icount());
        out.write(e.reason().code);
        Varint.writeSigned(out, e.status());
        Varint.write(out, e.hostMillis());
    }

    /** Writes the tag (ALIGNED added when {@code at} is a multiple of the quantum) and the icount delta. */
    private void icountDelta(int tag, long at) {
        if (at < icount) throw new IllegalArgumentException("icount goes backwards: " + at + " after " + icount);
        long q = ExcerptFormat.ICOUNT_QUANTUM;
        if (at % q == 0) {
            out.write(tag | ALIGNED);
            Varint.write(out, at / q - ceilQuanta(icount));
        } else {
            out.write(tag);
            Varint.write(out, at - icount);
        }
        icount = at;
    }

    /** ceil(icount / quantum) for a non-negative icount. */
    static long ceilQuanta(long icount) {
        long q = ExcerptFormat.ICOUNT_QUANTUM;
        return icount / q + (icount % q == 0 ? 0 : 1);
    }

    private void writeLong(long v) {
        for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)));
    }
}
