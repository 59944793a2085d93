package dev.kerf.cli;

import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.retargeter.syscall.AsyncEffect;
import dev.kerf.retargeter.syscall.CallWrite;
import dev.kerf.retargeter.syscall.ProcessEnd;
import dev.kerf.retargeter.syscall.SyscallAbi;
import dev.kerf.retargeter.syscall.SyscallCall;
import dev.kerf.retargeter.syscall.SyscallLog;
import dev.kerf.retargeter.syscall.SyscallLogCodec;
import dev.kerf.slicer.SliceFiles;
import picocli.CommandLine;
import dev.kerf.slicer.privacy.DerivedPrivacy;
import dev.kerf.slicer.privacy.SecretSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code kerf strace LOG.ksys [--json]}: a syscall log as strace prints a run, one line per call. */
@Command(name = "strace", mixinStandardHelpOptions = true,
        description = {"Print a syscall log (kerf retarget --to syscalls) in strace style, one line per call in order:"
                + " read(0, \"get alice\\n\", 128) = 10. Paths and up to 32 bytes of read/write buffers are shown, as kerf"
                + " trace shows them. Lines starting with --- mark asynchronous effects; the last line (+++) says how the process ended.", ""})
public final class StraceCommand implements Callable<Integer> {
    private final HostIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;


    @Parameters(index = "0", paramLabel = "LOG", description = "A syscall log (.ksys), or - for stdin.")
    String log;

    @Option(names = "--json", description = "JSON lines: one object per call, asynchronous effect and the ending.")
    boolean json;

    public StraceCommand(HostIo io) {
        this.io = io;
    }

    /** Reads a syscall log; any other kind of slice is exit 4 naming what it is. */
    static SyscallLog read(String name, HostIo io, long stdinLimit) throws IOException {
        return SyscallLogCodec.read(readSlice(name, io, stdinLimit));
    }

    private static Slice readSlice(String name, HostIo io, long stdinLimit) throws IOException {
        Slice s = SliceFiles.read(name, io.in(), stdinLimit);
        if (s.header().kind() != SliceKind.SYSCALLS) {
            throw new KerfException(ExitCode.BAD_INPUT, s.file() + ": a " + s.header().kind().jsonName()
                    + " slice, not a syscall log (make one with kerf retarget --to syscalls)");
        }
        return s;
    }

    @Override
    public Integer call() throws IOException {
        Slice file = readSlice(log, io, GlobalOptions.of(spec).stdinLimit());
        SyscallLog l = SyscallLogCodec.read(file);
        DerivedPrivacy privacy = DerivedPrivacy.of(file, new SecretSet());
        redact(l, privacy);
        PrintStream out = new RedactingStream(io.out(), privacy);
        int nextAsync = 0;
        for (int k = 0; k <= l.calls().size(); k++) {
            while (nextAsync < l.async().size() && l.async().get(nextAsync).beforeCall() == k) {
                AsyncEffect a = l.async().get(nextAsync++);
                out.println(json ? asyncJson(a) : "--- after " + Printable.escape(a.cause()) + ": " + effects(a) + " ---");
            }
            if (k < l.calls().size()) out.println(json ? callJson(l.abi(), k, l.calls().get(k)) : l.abi().line(l.calls().get(k)));
        }
        out.println(json ? endJson(l.end()) : "+++ ended by " + Printable.escape(l.end().describe()) + " +++");
        out.flush();
        return ExitCode.OK.code();
    }

    /**
     * The secrets the log carries as fingerprints, replaced by the filler in every buffer before
     * anything is printed (strace shows 32 bytes of a buffer: a longer secret would show in part),
     * then in every printed line ({@link RedactingStream}). A log written by kerf holds none (its
     * final scan saw to that); this guards logs made otherwise.
     */
    private static void redact(SyscallLog l, DerivedPrivacy privacy) {
        if (privacy.inherited().fingerprints().isEmpty()) return;
        for (SyscallCall c : l.calls()) {
            for (dev.kerf.retargeter.syscall.CallInput in : c.inputs()) privacy.redact(in.bytes());
            for (CallWrite w : c.writes()) privacy.redact(w.bytes());
        }
    }

    /** Lines as printed, each with the log's secrets replaced by the filler. */
    private static final class RedactingStream extends PrintStream {
        private final DerivedPrivacy privacy;

        RedactingStream(java.io.OutputStream out, DerivedPrivacy privacy) {
            super(out, false, StandardCharsets.UTF_8);
            this.privacy = privacy;
        }

        @Override
        public void println(String line) {
            super.println(privacy.inherited().fingerprints().isEmpty() ? line : privacy.clean(line));
        }
    }

    private static String effects(AsyncEffect a) {
        return a.mapped().size() + " pages mapped, " + a.unmapped().size() + " unmapped, "
                + dev.kerf.emulator.usermode.MemoryWrite.totalBytes(a.writes()) + " bytes written"
                + (a.registers() != null ? ", registers changed" : "");
    }

    static String callJson(SyscallAbi abi, int k, SyscallCall c) {
        StringBuilder args = new StringBuilder("["), strings = new StringBuilder("["), writes = new StringBuilder("[");
        String[] s = abi.strings(c);
        for (int i = 0; i < c.args().length; i++) {
            if (i > 0) { args.append(','); strings.append(','); }
            args.append(Integer.toUnsignedLong(c.arg(i)));
            strings.append(JsonText.str(s[i]));
        }
        for (CallWrite w : c.writes()) {
            if (writes.length() > 1) writes.append(',');
            writes.append("{\"where\":").append(JsonText.str(w.where())).append(",\"bytes\":").append(w.bytes().length).append('}');
        }
        return String.format("{\"index\":%d,\"type\":\"syscall\",\"nr\":%d,\"call\":%s,\"args\":%s],\"strings\":%s],\"returned\":%b,"
                        + "\"result\":%s,\"writes\":%s],\"mapped\":%d,\"unmapped\":%d,\"text\":%s}", k, c.nr(), JsonText.str(abi.name(c.nr())),
                args, strings, c.returned(), c.returned() ? Integer.toString(c.result()) : "null", writes, c.mapped().size(),
                c.unmapped().size(), JsonText.str(abi.line(c)));
    }

    private static String asyncJson(AsyncEffect a) {
        return String.format("{\"type\":\"async\",\"beforeCall\":%d,\"after\":%s,\"text\":%s}", a.beforeCall(), JsonText.str(a.cause()),
                JsonText.str(effects(a)));
    }

    private static String endJson(ProcessEnd e) {
        String kind = e.kind().name().toLowerCase(java.util.Locale.ROOT);
        if (e.kind() != ProcessEnd.Kind.FAULT) return String.format("{\"type\":\"end\",\"kind\":%s,\"text\":%s}", JsonText.str(kind), JsonText.str(e.describe()));
        return String.format("{\"type\":\"end\",\"kind\":\"fault\",\"vector\":%d,\"errorCode\":%d,\"eip\":%d,\"cr2\":%d,\"text\":%s}", e.vector(),
                e.errorCode(), Integer.toUnsignedLong(e.eip()), Integer.toUnsignedLong(e.cr2()), JsonText.str(e.describe()));
    }
}
