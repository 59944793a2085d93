package dev.kerf.formats.slice;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The FINAL_HASH section of a time slice: the state where its window ends. Little-endian
 * {@code i64 icount, i64 hash} ({@code StateHasher.full}: registers and all of RAM), exactly 16 bytes.
 */
public record FinalHash(long icount, long hash) {
    public byte[] encode() {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(icount).putLong(hash).array();
    }

    public static FinalHash decode(Slice slice, Section s) {
        if (s.data().length != 16) throw slice.fail(s, 0, s.data().length + " bytes, a final hash has 16");
        ByteBuffer b = ByteBuffer.wrap(s.data()).order(ByteOrder.LITTLE_ENDIAN);
        long icount = b.getLong();
        if (icount < 0) throw slice.fail(s, 0, "negative icount " + icount);
        return new FinalHash(icount, b.getLong());
    }
}
