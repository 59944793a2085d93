package dev.kerf.retargeter.jvm;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * kerf's side of a replayed program's {@code kerf.Sys} calls (the program runs in the replay's
 * child JVM, which sends each call with its caller's position): each call must be the next logged
 * one (same native, same caller class, method, descriptor and bytecode index); read, time and
 * readFile get the logged results; write and print must produce the logged bytes. The program's
 * output goes to {@code out} as it is written. The first difference is kept, and thrown
 * ({@link ReplayMismatchError}) to end the serving.
 */
final class NativeReplay {
    private static final int CHUNK = 64 << 10;
    private final List<NativeCall> log;
    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private int next;
    private long outputBytes;
    private JvmMismatch mismatch;

    private final boolean open;
    private final String endNote;

    /** Where a native call was made, as the child's stack showed it (the class by its binary name). */
    record Caller(String className, String method, String descriptor, int bytecodeIndex) {
        String position() {
            return className + "." + method + descriptor + " @" + bytecodeIndex;
        }

        boolean isAt(NativeCall c) {
            return c.callerClass().equals(className.replace('.', '/')) && c.callerMethod().equals(method)
                    && c.callerDesc().equals(descriptor) && c.callerPc() == bytecodeIndex;
        }
    }

    /**
     * @param open the log ends before the program did (the slice was cut while it ran): a call past
     *             its end stops the run ({@link LogEndError}) instead of being a mismatch
     * @param endNote what to add when the program calls past the log's end ("" or why the guest stopped there)
     */
    NativeReplay(List<NativeCall> log, OutputStream out, boolean open, String endNote) {
        this.log = log;
        this.out = out;
        this.open = open;
        this.endNote = endNote;
    }

    /** A read with room for {@code len} bytes: the logged call, whose count and data are the answer. */
    NativeCall read(Caller at, int len) {
        NativeCall c = expect(NativeKind.READ, at, null);
        if (c.result() > len) fail(c, "read at " + at.position() + " with room for " + len + " bytes (the log read " + c.result() + ")");
        return c;
    }

    NativeCall time(Caller at) {
        return expect(NativeKind.TIME, at, null);
    }

    NativeCall readFile(Caller at) {
        return expect(NativeKind.READ_FILE, at, null);
    }

    /**
     * A write or print of {@code length} bytes, read from {@code data} in chunks: they go out before
     * they are checked (they are the program's output either way), but never after the replay stopped.
     */
    void output(NativeKind kind, Caller at, int length, DataInputStream data) throws IOException {
        if (mismatch != null) throw new ReplayMismatchError(mismatch);
        if (open && next >= log.size()) throw new LogEndError();
        byte[] expected = next < log.size() ? log.get(next).data() : new byte[0];
        byte[] head = new byte[Math.min(length, Quote.MAX)];
        boolean same = length == expected.length;
        byte[] buf = new byte[Math.min(length, CHUNK)];
        for (int done = 0; done < length; ) {
            int n = Math.min(buf.length, length - done);
            data.readFully(buf, 0, n);
            byte[] chunk = n == buf.length ? buf : Arrays.copyOf(buf, n);
            emit(chunk);
            if (done < head.length) System.arraycopy(chunk, 0, head, done, Math.min(n, head.length - done));
            if (same) same = Arrays.equals(chunk, 0, n, expected, done, done + n);
            done += n;
        }
        String written = Quote.bytes(head, length);
        NativeCall c = expect(kind, at, written);
        if (!same) fail(c, kind.javaName() + " at " + at.position() + " of " + written);
    }

    /** Writes program output (a native's bytes, or the uncaught exception's text at the end). */
    void emit(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        crc.update(bytes);
        outputBytes += bytes.length;
    }

    /** The next logged call, checked to be {@code kind} at {@code at}. */
    private NativeCall expect(NativeKind kind, Caller at, String written) {
        if (mismatch != null) throw new ReplayMismatchError(mismatch);
        String actual = kind.javaName() + " at " + at.position() + (written == null ? "" : " of " + written);
        if (next >= log.size()) {
            if (open) throw new LogEndError();
            record(new JvmMismatch(next, "no further native call (the log has " + log.size() + endNote + ")", actual));
        }
        NativeCall c = log.get(next);
        if (c.kind() != kind || !at.isAt(c)) fail(c, actual);
        next++;
        return c;
    }

    private void fail(NativeCall expected, String actual) {
        record(new JvmMismatch(expected.seq(), expected.describe() + dataOf(expected), actual));
    }

    private static String dataOf(NativeCall c) {
        return c.kind().isOutput() ? " of " + Quote.bytes(c.data()) : "";
    }

    /** Keeps the first mismatch only, and stops the serving. */
    void record(JvmMismatch m) {
        if (mismatch == null) mismatch = m;
        throw new ReplayMismatchError(mismatch);
    }

    /** Keeps {@code m} when it is the first, without throwing (used once the program has ended). */
    void note(JvmMismatch m) {
        if (mismatch == null) mismatch = m;
    }

    int consumed() { return next; }

    long outputBytes() { return outputBytes; }

    int outputCrc() { return (int) crc.getValue(); }

    JvmMismatch mismatch() { return mismatch; }
}
