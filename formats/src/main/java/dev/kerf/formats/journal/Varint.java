package dev.kerf.formats.journal;

import java.nio.ByteBuffer;

/**
 * Unsigned LEB128 varints (7 bits a byte, low group first, high bit = more) and ZigZag for signed
 * values. Decoding is bounded: at most 10 bytes, and a 10th byte above 1 is an overflow.
 */
final class Varint {
    private Varint() {}

    static void write(PayloadBuffer out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    static void writeSigned(PayloadBuffer out, long v) { write(out, (v << 1) ^ (v >> 63)); }

    static int size(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) { n++; v >>>= 7; }
        return n;
    }

    /** Reads one varint; throws {@link BadVarint} when it is cut short or too long. */
    static long read(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (!in.hasRemaining()) throw new BadVarint("varint runs past the end of the payload");
            int b = in.get() & 0xFF;
            if (shift == 63 && b > 1) throw new BadVarint("varint overflows 64 bits");
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw new BadVarint("varint longer than 10 bytes");
    }

    static long readSigned(ByteBuffer in) {
        long u = read(in);
        return (u >>> 1) ^ -(u & 1);
    }

    /** A malformed varint; the caller turns it into a FormatException with file and offset. */
    static final class BadVarint extends RuntimeException {
        BadVarint(String m) { super(m, null, false, false); }
    }
}
