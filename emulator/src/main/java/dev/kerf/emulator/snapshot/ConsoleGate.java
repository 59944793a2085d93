package dev.kerf.emulator.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The console of one replay attempt of a {@link CheckpointedReplay}: what it writes goes to the
 * user's console, counted and hashed (SHA-256), so that when the attempt is found wrong and the
 * replay starts again ({@link CheckpointedReplay#fallBack}), the next attempt's first bytes — as
 * many as were written — are checked against them and dropped instead of printed twice. Should
 * they differ, {@link #mismatch()} says so (the bytes are out already).
 */
final class ConsoleGate extends OutputStream {
    /** What the earlier attempts wrote: its length and the hash of those bytes. */
    record Printed(long bytes, MessageDigest hash) {}

    private final OutputStream out;
    /** Bytes to drop (and check) before writing: those an earlier attempt wrote. */
    private final long skip;
    private final byte[] expected;
    private final MessageDigest skipped = sha256();
    /** Hash of every byte the user has seen: the earlier attempts' and this one's. */
    private final MessageDigest shown;
    private long seen;
    private String mismatch;

    ConsoleGate(OutputStream out, Printed earlier) {
        this.out = out;
        this.skip = earlier == null ? 0 : earlier.bytes();
        this.shown = earlier == null ? sha256() : clone(earlier.hash());
        this.expected = earlier == null ? null : clone(earlier.hash()).digest();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (seen < skip) {
            int drop = (int) Math.min(len, skip - seen);
            skipped.update(b, off, drop);
            seen += drop;
            off += drop;
            len -= drop;
            if (seen == skip && !Arrays.equals(skipped.digest(), expected)) {
                mismatch = "the " + skip + " console bytes printed before the replay started again differ from the recording's;"
                        + " the output from byte " + skip + " on is the recording's";
            }
        }
        if (len == 0) return;
        shown.update(b, off, len);
        seen += len;
        out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** What the user has seen so far, for the next attempt. */
    Printed printed() {
        long bytes = seen < skip ? skip : seen;
        return new Printed(bytes, clone(shown));
    }

    /** One line when the bytes written by an earlier attempt turned out not to be this one's; else null. */
    String mismatch() {
        return mismatch;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static MessageDigest clone(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests cannot be cloned on this JVM", e);
        }
    }
}
