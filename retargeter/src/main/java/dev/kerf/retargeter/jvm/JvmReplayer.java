package dev.kerf.retargeter.jvm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replays a JVM log's program (design §8). The program's classes run in a child JVM
 * ({@link ReplayChild}, {@link SandboxMain}) that can reach nothing but a replaying
 * {@code kerf.Sys}, under a time and heap budget ({@link ReplayLimits}); this class, in kerf's own
 * JVM, holds the log and makes every decision: each {@code kerf.Sys} call the child reports is
 * checked against the log and answered from it ({@link NativeReplay}), the output written to
 * {@code out} as it goes; at the end the uncaught exception's text (the program's classes' frames
 * only) and the exit status are compared with the logged ones. The result names the first
 * mismatch, or none; or the sandbox's refusal, or the budget that ran out. The child's reports
 * are data, read with bounds: it can make a replay fail, never make one pass.
 */
public final class JvmReplayer {
    private static final Pattern OOM = Pattern.compile("java\\.lang\\.OutOfMemoryError: (.+)");
    private final JvmLog log;
    private final String file;
    private final ReplayLimits limits;

    /** {@code file} names the log in errors ({@code class X is not in P.kjvm}). */
    public JvmReplayer(JvmLog log, String file, ReplayLimits limits) {
        this.log = log;
        this.file = file;
        this.limits = limits;
    }

    /** With {@link ReplayLimits#defaults()}. */
    public JvmReplayer(JvmLog log, String file) {
        this(log, file, ReplayLimits.defaults());
    }

    /**
     * Runs the program once. A class the log lacks is a {@link JvmReplayException}; a child that
     * ends without a verdict (it could not start, it crashed) a {@link JvmChildException}.
     */
    public JvmReplayResult run(OutputStream out) throws IOException, InterruptedException {
        if (log.find(log.mainClass()) == null) throw new JvmReplayException("class " + log.mainClass() + " is not in " + file);
        boolean open = log.outcome().exitStatus() < 0;
        NativeReplay natives = new NativeReplay(log.natives(), out, open, endNote(log.outcome()));
        try (ReplayChild child = ReplayChild.start(limits)) {
            try {
                ReplayProtocol.writeSetup(child.toChild(), new ReplayProtocol.Setup(file, log.mainClass(), log.args(), log.classes()));
                return serve(child, natives, open);
            } catch (ReplayProtocol.Broken e) {
                throw new JvmChildException("the replay's JVM broke the protocol: " + e.getMessage());
            } catch (IOException e) {
                return ended(child, natives, e);
            }
        }
    }

    /** Exit status 2 is minijvm's own error (an unsupported class or bytecode): the guest stopped where the host goes on. */
    private static String endNote(JvmOutcome o) {
        return o.exitStatus() == 2 ? "; minijvm stopped there with its own error, exit status 2" : "";
    }

    private JvmReplayResult serve(ReplayChild child, NativeReplay natives, boolean open) throws IOException {
        DataInputStream in = child.fromChild();
        DataOutputStream reply = child.toChild();
        while (true) {
            int type = in.read();
            switch (type) {
                case -1 -> throw new EOFException();
                case ReplayProtocol.NATIVE -> {
                    try {
                        serveNative(in, reply, natives);
                    } catch (ReplayMismatchError e) {
                        stop(reply);
                        return result(natives, null, -1, false, null);
                    } catch (LogEndError e) {
                        stop(reply);
                        return result(natives, null, -1, true, null);
                    }
                }
                case ReplayProtocol.REFUSED -> {
                    Refusal r = new Refusal(ReplayProtocol.readText(in), ReplayProtocol.readText(in), ReplayProtocol.readText(in),
                            ReplayProtocol.readText(in));
                    return result(natives, null, -1, false, new JvmStop(JvmStop.Kind.REFUSED, "refused: " + r.sentence()
                            + "; a replayed program may reach nothing but kerf.Sys" + guestNote()));
                }
                case ReplayProtocol.ERROR -> throw new JvmReplayException(JvmReplayResult.oneLine(ReplayProtocol.readText(in)));
                case ReplayProtocol.END -> {
                    return end(in, natives, open);
                }
                default -> throw new ReplayProtocol.Broken("message type " + type);
            }
        }
    }

    private static void stop(DataOutputStream reply) {
        try {
            reply.writeByte(ReplayProtocol.STOP);
            reply.flush();
        } catch (IOException e) {
            // the child is gone already
        }
    }

    private static void serveNative(DataInputStream in, DataOutputStream reply, NativeReplay natives) throws IOException {
        NativeKind kind = NativeKind.of(in.readUnsignedByte());
        if (kind == null) throw new ReplayProtocol.Broken("an unknown native");
        NativeReplay.Caller at = new NativeReplay.Caller(ReplayProtocol.readText(in), ReplayProtocol.readText(in),
                ReplayProtocol.readText(in), in.readInt());
        NativeCall c = switch (kind) {
            case READ -> natives.read(at, ReplayProtocol.length(in, Integer.MAX_VALUE));
            case TIME -> natives.time(at);
            case READ_FILE -> natives.readFile(at);
            case WRITE, PRINT -> {
                natives.output(kind, at, ReplayProtocol.length(in, Integer.MAX_VALUE), in);
                yield null;
            }
        };
        reply.writeByte(ReplayProtocol.OK);
        reply.writeLong(c == null ? 0 : c.result());
        reply.writeBoolean(c != null && c.nullResult());
        ReplayProtocol.writeBlob(reply, c == null ? new byte[0] : c.data());
        reply.flush();
    }

    /** The program ended: its uncaught text goes out as minijvm printed it, then how it ended is compared with the log. */
    private JvmReplayResult end(DataInputStream in, NativeReplay natives, boolean open) throws IOException {
        int status = in.readUnsignedByte();
        String type = null, text = null;
        if (in.readBoolean()) {
            type = JvmReplayResult.oneLine(ReplayProtocol.readText(in));
            boolean latin1 = in.readBoolean();
            text = uncaughtText(in, natives, latin1);
        }
        if (status != 0 && status != 1) throw new ReplayProtocol.Broken("exit status " + status);
        compareEnd(natives, text, status, type);
        return new JvmReplayResult(natives.consumed(), natives.outputBytes(), type, status, natives.mismatch(),
                open && natives.mismatch() == null, null);
    }

    /**
     * The uncaught text, emitted as it arrives; kept whole up to one byte more than the log's (enough
     * to compare it and name the first different line). A text with a char beyond Latin-1 cannot
     * equal the log's (every char of which is a byte) even when its low bytes do: a trailing U+FFFF
     * keeps it different.
     */
    private String uncaughtText(DataInputStream in, NativeReplay natives, boolean latin1) throws IOException {
        int n = ReplayProtocol.length(in, Integer.MAX_VALUE);
        String logged = log.outcome().uncaught();
        int keep = Math.min(n, Math.max(logged == null ? 0 : logged.length() + 1, 4096));
        byte[] kept = new byte[keep];
        byte[] buf = new byte[Math.min(n, 64 << 10)];
        for (int done = 0; done < n; ) {
            int k = Math.min(buf.length, n - done);
            in.readFully(buf, 0, k);
            byte[] chunk = k == buf.length ? buf : Arrays.copyOf(buf, k);
            natives.emit(chunk);
            if (done < keep) System.arraycopy(chunk, 0, kept, done, Math.min(k, keep - done));
            done += k;
        }
        return CharBytes.text(kept) + (latin1 ? "" : "\uFFFF");
    }

    /** After the program ended: every logged call made, the same uncaught text, exit status and output. */
    private void compareEnd(NativeReplay natives, String text, int status, String type) {
        int n = natives.consumed();
        if (n < log.natives().size()) {
            natives.note(new JvmMismatch(n, log.natives().get(n).describe(), "the program ended" + (type == null ? "" : " with an uncaught " + type)));
            return;
        }
        JvmOutcome o = log.outcome();
        if (o.exitStatus() < 0) return;
        if (o.uncaught() == null != (text == null)) {
            natives.note(new JvmMismatch(-1, o.uncaught() == null ? "no uncaught exception" : "uncaught " + quote(o.uncaught()),
                    text == null ? "no uncaught exception" : "uncaught " + quote(text)));
        } else if (o.uncaught() != null && !o.uncaught().equals(text)) {
            int line = firstDifferentLine(o.uncaught(), text);
            natives.note(new JvmMismatch(-1, "uncaught text line " + (line + 1) + " " + quote(lineOf(o.uncaught(), line)),
                    "line " + (line + 1) + " " + quote(lineOf(text, line))));
        } else if (o.exitStatus() != status) {
            natives.note(new JvmMismatch(-1, "exit status " + o.exitStatus() + endNote(o), "exit status " + status));
        } else if (o.outputBytes() != natives.outputBytes() || o.outputCrc() != natives.outputCrc()) {
            natives.note(new JvmMismatch(-1, o.outputBytes() + " bytes of output", natives.outputBytes() + " bytes of other output"));
        }
    }

    /** The child's stdout ended without a verdict: the time budget, the heap budget, or a failure of the child itself. */
    private JvmReplayResult ended(ReplayChild child, NativeReplay natives, IOException cause) throws InterruptedException {
        int status = child.exitStatus();
        String last = child.stderrLastLine();
        String done = "; " + natives.consumed() + " native call" + (natives.consumed() == 1 ? "" : "s") + " replayed identically before that"
                + guestNote();
        if (child.timedOut()) {
            return result(natives, null, -1, false, new JvmStop(JvmStop.Kind.TIME_BUDGET, "over the time budget: the program was still running after "
                    + limits.timeText() + " (--timeout)" + done));
        }
        if (status == ReplayChild.OUT_OF_MEMORY_STATUS) {
            Matcher m = OOM.matcher(last);
            String what = m.find() ? " (" + m.group(1) + ")" : "";
            return result(natives, null, -1, false, new JvmStop(JvmStop.Kind.HEAP_BUDGET, "over the heap budget: the program ran out of memory"
                    + what + " within its " + limits.heapText() + " heap (--max-heap)" + done));
        }
        throw new JvmChildException("the replay's JVM ended without a verdict (exit status " + status + (last.isEmpty() ? "" : ": " + last)
                + (cause instanceof EOFException ? "" : "; " + cause.getMessage()) + ")");
    }

    /** For a log whose guest run minijvm stopped with its own error: the host ran on where the guest could not. */
    private String guestNote() {
        return log.outcome().exitStatus() == 2 ? " (in the guest, minijvm stopped this program with its own error, exit status 2)" : "";
    }

    private static JvmReplayResult result(NativeReplay natives, String type, int status, boolean logEnded, JvmStop stop) {
        return new JvmReplayResult(natives.consumed(), natives.outputBytes(), type, status, natives.mismatch(), logEnded, stop);
    }

    private static String quote(String s) {
        return Quote.bytes(CharBytes.of(s));
    }

    private static int firstDifferentLine(String a, String b) {
        String[] x = a.split("\n", -1), y = b.split("\n", -1);
        int i = 0;
        while (i < x.length && i < y.length && x[i].equals(y[i])) i++;
        return i;
    }

    /** Line {@code i} of {@code s} (without its newline), or "" past the end. */
    private static String lineOf(String s, int i) {
        String[] x = s.split("\n", -1);
        return i < x.length ? x[i] : "";
    }
}
