package dev.kerf.formats.journal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The bytes of one journal excerpt: a batch of events. All integers little-endian.
 *
 * <pre>
 * Excerpt =>
 *   Magic          => 2 bytes 'K' 'J'                    (offset 0)
 *   MajorVersion   => uint8  (2)                         (offset 2)
 *   MinorVersion   => uint8  (0)                         (offset 3)
 *   Sequence       => uint32, 0 for the first excerpt, +1 for each next one   (offset 4)
 *   EventCount     => uint32, 1..65536 events in Payload (a run counts each of its events) (offset 8)
 *   FirstIcount    => uint64, icount the deltas in Payload start from: the last icount stated by
 *                     the excerpts before (0 for the first)                  (offset 12)
 *   PayloadLength  => uint32, 0..1 MiB                   (offset 20)
 *   Payload        => PayloadLength bytes of events ({@link EventEncoder})   (offset 24)
 *   Crc            => uint32 CRC-32C (Castagnoli) of bytes [0, 24 + PayloadLength): every byte of
 *                     the excerpt before the CRC itself                      (offset 24 + PayloadLength)
 * </pre>
 *
 * The excerpt is stored as one Chronicle Queue data document, so its total length (28 +
 * PayloadLength) must also equal the document's length. See docs/formats.md.
 */
public final class ExcerptFormat {
    public static final byte MAGIC_0 = 'K';
    public static final byte MAGIC_1 = 'J';
    public static final int MAJOR = 2;
    public static final int MINOR = 0;

    static final int MAGIC_OFFSET = 0;
    static final int MAGIC_LENGTH = 2;
    static final int MAJOR_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    static final int MINOR_OFFSET = MAJOR_OFFSET + 1;
    static final int SEQUENCE_OFFSET = MINOR_OFFSET + 1;
    static final int COUNT_OFFSET = SEQUENCE_OFFSET + 4;
    static final int FIRST_ICOUNT_OFFSET = COUNT_OFFSET + 4;
    public static final int PAYLOAD_LENGTH_OFFSET = FIRST_ICOUNT_OFFSET + 8;
    public static final int HEADER_LENGTH = PAYLOAD_LENGTH_OFFSET + 4;
    public static final int CRC_LENGTH = 4;
    public static final int OVERHEAD = HEADER_LENGTH + CRC_LENGTH;

    /**
     * Icounts that are multiples of this are stored in quanta (the ALIGNED flag). The live machine
     * ends its host-clock slices on multiples of it (emulator's Machine.SLICE_QUANTUM, kept equal;
     * formats does not depend on the emulator), so timer interrupts land there.
     */
    public static final long ICOUNT_QUANTUM = 256;

    /** The writer flushes a batch once its payload reaches this size. */
    public static final int FLUSH_PAYLOAD_BYTES = 64 * 1024;
    /** Largest payload a reader accepts (the writer stays far below). */
    public static final int MAX_PAYLOAD = 1 << 20;
    /** Most events in one excerpt, for writer and reader alike. */
    public static final int MAX_EVENTS = 65536;

    private ExcerptFormat() {}

    /** Frames {@code payload} into a complete excerpt. */
    static byte[] frame(long sequence, int eventCount, long firstIcount, byte[] payload, int payloadLength) {
        ByteBuffer b = ByteBuffer.allocate(OVERHEAD + payloadLength).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC_0).put(MAGIC_1).put((byte) MAJOR).put((byte) MINOR);
        b.putInt((int) sequence).putInt(eventCount).putLong(firstIcount).putInt(payloadLength);
        b.put(payload, 0, payloadLength);
        b.putInt(crc(b.array(), HEADER_LENGTH + payloadLength));
        return b.array();
    }

    static int crc(byte[] bytes, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, 0, length);
        return (int) c.getValue();
    }

    /**
     * Checks the framing of {@code excerpt} (magic, version, lengths, CRC) and returns its header.
     *
     * @throws ExcerptException naming the offset within the excerpt
     */
    public static Header check(byte[] excerpt) {
        if (excerpt.length < OVERHEAD)
            throw new ExcerptException(0, "excerpt of " + excerpt.length + " bytes is shorter than its " + OVERHEAD + "-byte framing");
        ByteBuffer b = ByteBuffer.wrap(excerpt).order(ByteOrder.LITTLE_ENDIAN);
        if (b.get(MAGIC_OFFSET) != MAGIC_0 || b.get(MAGIC_OFFSET + 1) != MAGIC_1)
            throw new ExcerptException(MAGIC_OFFSET, String.format("bad excerpt magic 0x%02x%02x (expected 'KJ')",
                    b.get(0) & 0xFF, b.get(1) & 0xFF));
        int major = b.get(MAJOR_OFFSET) & 0xFF;
        if (major != MAJOR)
            throw new ExcerptException(MAJOR_OFFSET, "unsupported journal version " + major + "." + (b.get(MINOR_OFFSET) & 0xFF)
                    + ", this kerf reads " + MAJOR + ".x: " + (major > MAJOR ? "use a newer kerf" : "record again with this kerf"
                    + " (or replay with the kerf that recorded it)"));
        long payloadLength = b.getInt(PAYLOAD_LENGTH_OFFSET) & 0xFFFFFFFFL;
        if (payloadLength > MAX_PAYLOAD || payloadLength != excerpt.length - OVERHEAD)
            throw new ExcerptException(PAYLOAD_LENGTH_OFFSET, "payload length " + payloadLength + " does not match the "
                    + excerpt.length + "-byte excerpt");
        int stored = b.getInt(HEADER_LENGTH + (int) payloadLength);
        int computed = crc(excerpt, HEADER_LENGTH + (int) payloadLength);
        if (stored != computed)
            throw new ExcerptException(HEADER_LENGTH + payloadLength, String.format(
                    "CRC mismatch: stored 0x%08x, computed 0x%08x", stored, computed));
        long count = b.getInt(COUNT_OFFSET) & 0xFFFFFFFFL;
        if (count == 0 || count > MAX_EVENTS)
            throw new ExcerptException(COUNT_OFFSET, "event count " + count + " outside 1.." + MAX_EVENTS);
        return new Header(b.getInt(SEQUENCE_OFFSET) & 0xFFFFFFFFL, (int) count, b.getLong(FIRST_ICOUNT_OFFSET),
                (int) payloadLength);
    }

    /** The checked header fields of an excerpt. */
    public record Header(long sequence, int eventCount, long firstIcount, int payloadLength) {}

    /** A malformed excerpt, at {@code offset} bytes from the excerpt's start. */
    public static final class ExcerptException extends RuntimeException {
        private final long offset;

        ExcerptException(long offset, String message) {
            super(message, null, false, false);
            this.offset = offset;
        }

        public long offset() { return offset; }
    }
}
