package dev.kerf.retargeter.jvm;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Serves a replayed program's {@code kerf.Sys} calls from the log, in order: each call must be
 * the next logged one (same native, same caller class, method, descriptor and bytecode index);
 * read, time and readFile return the logged results; write and print must produce the logged
 * bytes. The program's output goes to {@code out} as it is written. The first difference is kept
 * and thrown into the program ({@link ReplayMismatchError}).
 */
final class NativeReplay implements SysNatives {
    private static final StackWalker WALKER = StackWalker.getInstance();
    private final List<NativeCall> log;
    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private int next;
    private long outputBytes;
    private JvmMismatch mismatch;
    private String missingClass;

    private final boolean open;
    private final String endNote;

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

    @Override
    public int read(byte[] b, int off, int len) {
        NativeCall c = expect(NativeKind.READ, null);
        if (c.result() > len) fail(c, "read at " + caller() + " with room for " + len + " bytes (the log read " + c.result() + ")");
        byte[] d = c.data();
        System.arraycopy(d, 0, b, off, d.length);
        return (int) c.result();
    }

    @Override
    public void write(byte[] b, int off, int len) {
        output(NativeKind.WRITE, Arrays.copyOfRange(b, off, off + len));
    }

    @Override
    public void print(String s) {
        output(NativeKind.PRINT, CharBytes.of(s));
    }

    @Override
    public long time() {
        return expect(NativeKind.TIME, null).result();
    }

    @Override
    public byte[] readFile(String path) {
        NativeCall c = expect(NativeKind.READ_FILE, null);
        return c.nullResult() ? null : c.data();
    }

    /** The program's bytes go out before they are checked (they are its output either way), but never after the replay stopped. */
    private void output(NativeKind kind, byte[] bytes) {
        if (mismatch != null) throw new ReplayMismatchError(mismatch);
        if (open && next >= log.size()) throw new LogEndError();
        emit(bytes);
        NativeCall c = expect(kind, bytes);
        if (!Arrays.equals(c.data(), bytes)) fail(c, kind.javaName() + " at " + caller() + " of " + Quote.bytes(bytes));
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

    /** The next logged call, checked to be {@code kind} at the caller's position. */
    private NativeCall expect(NativeKind kind, byte[] written) {
        if (mismatch != null) throw new ReplayMismatchError(mismatch);
        StackWalker.StackFrame f = callerFrame();
        String actual = kind.javaName() + " at " + position(f) + (written == null ? "" : " of " + Quote.bytes(written));
        if (next >= log.size()) {
            if (open) throw new LogEndError();
            record(new JvmMismatch(next, "no further native call (the log has " + log.size() + endNote + ")", actual));
        }
        NativeCall c = log.get(next);
        boolean same = c.kind() == kind && c.callerClass().equals(f.getClassName().replace('.', '/'))
                && c.callerMethod().equals(f.getMethodName()) && c.callerDesc().equals(f.getDescriptor())
                && c.callerPc() == f.getByteCodeIndex();
        if (!same) fail(c, actual);
        next++;
        return c;
    }

    private void fail(NativeCall expected, String actual) {
        record(new JvmMismatch(expected.seq(), expected.describe() + dataOf(expected), actual));
    }

    private static String dataOf(NativeCall c) {
        return c.kind().isOutput() ? " of " + Quote.bytes(c.data()) : "";
    }

    /** Keeps the first mismatch only, and stops the program. */
    void record(JvmMismatch m) {
        if (mismatch == null) mismatch = m;
        throw new ReplayMismatchError(mismatch);
    }

    /** Keeps {@code m} when it is the first, without throwing (used once the program has ended). */
    void note(JvmMismatch m) {
        if (mismatch == null) mismatch = m;
    }

    /** The frame of the program's code that called kerf.Sys (the first frame outside kerf.Sys and kerf's replayer). */
    static StackWalker.StackFrame callerFrame() {
        return WALKER.walk(s -> s.filter(f -> !f.getClassName().equals("kerf.Sys") && !f.getClassName().startsWith("dev.kerf.retargeter."))
                .findFirst().orElseThrow());
    }

    private static String caller() {
        return position(callerFrame());
    }

    static String position(StackWalker.StackFrame f) {
        return f.getClassName() + "." + f.getMethodName() + f.getDescriptor() + " @" + f.getByteCodeIndex();
    }

    /** A class the log lacks was really used ({@link MissingClass#touched}): the replay cannot go on. */
    void classMissing(String message) {
        if (missingClass == null) missingClass = message;
    }

    /** The first class the program used that the log lacks, or null. */
    String missingClass() { return missingClass; }

    int consumed() { return next; }

    long outputBytes() { return outputBytes; }

    int outputCrc() { return (int) crc.getValue(); }

    JvmMismatch mismatch() { return mismatch; }
}
