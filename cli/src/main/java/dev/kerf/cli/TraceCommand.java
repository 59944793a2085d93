package dev.kerf.cli;

import dev.kerf.emulator.disasm.Disassembler;
import dev.kerf.emulator.introspect.HistoryEntry;
import dev.kerf.emulator.introspect.InstructionTracer;
import dev.kerf.emulator.introspect.ProcessEvent;
import dev.kerf.emulator.introspect.ProcessInfo;
import dev.kerf.emulator.introspect.SyscallFormat;
import dev.kerf.emulator.introspect.SyscallRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code kerf trace}: a strace-style system call trace of a recording, found by replaying it with OS introspection. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Print the system calls of a recording in strace style, one line per call in the order they"
                + " returned (exit when it is made): [ICOUNT] PID NAME call(args) = result. Paths and up to 32"
                + " bytes of read/write buffers are decoded from the process's memory. Lines starting with ---"
                + " or +++ mark process creation, exec, user faults and the end of a process. --insns traces user"
                + " instructions instead (or as well, with --syscalls). On a Linux recording the calls are"
                + " those of the i386 Linux table in strace's spelling (docs/linux.md).", "",
                "Replays the recording (it must verify: exit 16 on a divergence, 18 after the trace for a"
                + " cut-short recording). A pid or name that never existed, or a window outside the recording,"
                + " is exit 2.", ""})
public final class TraceCommand implements Callable<Integer> {
    private final HostIo io;

    @Parameters(index = "0", paramLabel = "REC", description = "Recording directory or packed file.")
    Path recording;

    @Option(names = "--pid", paramLabel = "N", description = "Only this process.")
    Integer pid;

    @Option(names = "--name", paramLabel = "X", description = "Only processes that had this name (before or after an execve).")
    String name;

    @Option(names = "--from", paramLabel = "ICOUNT", converter = CountConverter.class,
            description = "Only calls and events at or after this instruction count (12.5M, 3G, ...).")
    Long from;

    @Option(names = "--to", paramLabel = "ICOUNT", converter = CountConverter.class,
            description = "Only calls and events at or before this instruction count.")
    Long to;

    @Option(names = "--syscalls", description = "Trace system calls and process events (the default without --insns).")
    boolean syscalls;

    @Option(names = "--insns", description = "Trace every user-mode instruction of the selected processes, disassembled"
            + " (capstone), printed as the replay runs; with --syscalls, the system call lines are merged in.")
    boolean insns;

    @Option(names = "--json", description = "JSON lines: one object per call or event.")
    boolean json;

    @picocli.CommandLine.Mixin
    ProfileOption profile = new ProfileOption();

    public TraceCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        if (pid != null && name != null) throw usage("--pid and --name cannot be used together");
        long lo = from == null ? 0 : from, hi = to == null ? Long.MAX_VALUE : to;
        if (lo > hi) throw usage("the window is empty: --from " + lo + " is after --to " + hi);
        PrintStream out = new PrintStream(io.out(), false, StandardCharsets.UTF_8);
        if (insns) return streamed(out, lo, hi);
        LinuxTrace linux = new LinuxTrace();
        IntrospectedReplay replay = IntrospectedReplay.of(recording, profile.choice(), io, linux::attachIfLinux, null);
        checkWindow(replay, lo);
        Set<Integer> pids = selected(replay);
        if (linux.attached()) { // a Linux recording: strace's spelling (docs/linux.md)
            for (LinuxTrace.Line l : linux.lines(replay.history())) {
                if (l.icount() < lo || l.icount() > hi || (pids != null && !pids.contains(l.pid()))) continue;
                out.println(json ? l.json() : LinuxTrace.text(l));
            }
            out.flush();
            replay.endWith(recording);
            return ExitCode.OK.code();
        }
        for (HistoryEntry e : replay.history().timeline()) {
            long at = icount(e);
            if (at < lo || at > hi || (pids != null && !pids.contains(e.pid()))) continue;
            out.println(json ? json(e) : text(e));
        }
        out.flush();
        replay.endWith(recording);
        return ExitCode.OK.code();
    }

    private void checkWindow(IntrospectedReplay replay, long lo) {
        long end = replay.result().icount();
        if (lo > end) {
            throw usage("--from " + lo + " is past the end of " + recording + " (" + end + " instructions)");
        }
    }

    /** --insns: instructions streamed as the replay runs (see {@link StreamedTrace}); the checks come after. */
    private int streamed(PrintStream out, long lo, long hi) throws IOException {
        StreamedTrace trace = new StreamedTrace(out, lo, hi, pid, name, syscalls, json);
        LinuxTrace linux = new LinuxTrace();
        linux.live(trace::linuxLine);
        Disassembler[] disassembler = new Disassembler[1];
        try {
            IntrospectedReplay replay = IntrospectedReplay.of(recording, profile.choice(), io, (cpu, memory, tracker, history) -> {
                disassembler[0] = Disassembler.open();
                if (disassembler[0].unavailable() != null) io.err().println("kerf: warning: " + disassembler[0].unavailable());
                trace.follow(history);
                if (syscalls) {
                    linux.attachIfLinux(cpu, memory, tracker, history);
                    if (linux.attached()) trace.callsFromLinux();
                }
                cpu.hooks.add(new InstructionTracer(tracker, disassembler[0], trace::accepts, trace::instruction));
            }, null);
            if (linux.attached()) linux.callLines(); // calls still open at the end: told to live now
            trace.drain();
            out.flush();
            checkWindow(replay, lo);
            selected(replay);
            replay.endWith(recording);
            return ExitCode.OK.code();
        } finally {
            out.flush();
            if (disassembler[0] != null) disassembler[0].close();
        }
    }

    /** The pids to show (null: all); a --pid or --name that matches nothing is a usage error. */
    private Set<Integer> selected(IntrospectedReplay replay) {
        if (pid == null && name == null) return null;
        Set<Integer> pids = new TreeSet<>();
        List<ProcessInfo> procs = replay.history().processes();
        for (ProcessInfo p : procs) if (pid != null ? p.pid() == pid : p.name().equals(name)) pids.add(p.pid());
        if (name != null) {
            for (HistoryEntry e : replay.history().timeline()) {
                if (e instanceof SyscallRecord s && s.name().equals(name)) pids.add(s.pid());
            }
        }
        if (pids.isEmpty()) {
            String seen = procs.isEmpty() ? "none" : procs.get(0).pid() + "-" + procs.get(procs.size() - 1).pid();
            throw usage((pid != null ? "no process with pid " + pid : "no process named '" + name + "'") + " in "
                    + recording + " (pids seen: " + seen + "; see kerf ps)");
        }
        return pids;
    }

    private KerfException usage(String message) {
        return new KerfException(ExitCode.USAGE, message);
    }

    private static long icount(HistoryEntry e) {
        return e instanceof SyscallRecord s ? s.entryIcount() : ((ProcessEvent) e).icount();
    }

    static String text(HistoryEntry e) {
        if (e instanceof SyscallRecord s) {
            return String.format("[%d] %d %s %s", s.entryIcount(), s.pid(), Printable.escape(s.name()), SyscallFormat.line(s)); // strings quoted C-style
        }
        ProcessEvent p = (ProcessEvent) e;
        String what = switch (p.kind()) {
            case CREATED -> "--- created, parent " + Printable.escape(p.detail()) + " ---";
            case EXEC -> "--- exec: " + Printable.escape(p.detail()) + " -> " + Printable.escape(p.name()) + " ---";
            case FAULT -> "--- " + Printable.escape(p.detail()) + " ---";
            case EXIT -> "+++ " + Printable.escape(p.detail()) + " +++";
        };
        return String.format("[%d] %d %s %s", p.icount(), p.pid(), Printable.escape(p.name()), what);
    }

    static String json(HistoryEntry e) {
        if (e instanceof ProcessEvent p) {
            return String.format("{\"icount\":%d,\"type\":%s,\"pid\":%d,\"name\":%s,\"detail\":%s}", p.icount(),
                    JsonText.str(p.kind().name().toLowerCase(java.util.Locale.ROOT)), p.pid(), JsonText.str(p.name()),
                    JsonText.str(p.detail()));
        }
        SyscallRecord s = (SyscallRecord) e;
        StringBuilder args = new StringBuilder("[");
        StringBuilder strings = new StringBuilder("[");
        for (int i = 0; i < s.args().length; i++) {
            if (i > 0) { args.append(','); strings.append(','); }
            args.append(Integer.toUnsignedLong(s.arg(i)));
            strings.append(JsonText.str(s.string(i)));
        }
        return String.format("{\"icount\":%d,\"type\":\"syscall\",\"pid\":%d,\"name\":%s,\"nr\":%d,\"call\":%s,"
                        + "\"args\":%s],\"strings\":%s],\"returned\":%b,\"result\":%s,\"exitIcount\":%d,\"text\":%s}",
                s.entryIcount(), s.pid(), JsonText.str(s.name()), s.nr(), JsonText.str(SyscallFormat.name(s.nr())),
                args, strings, s.returned(), s.returned() ? Integer.toString(s.result()) : "null", s.exitIcount(),
                JsonText.str(SyscallFormat.line(s)));
    }
}
