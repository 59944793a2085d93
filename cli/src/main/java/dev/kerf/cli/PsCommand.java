package dev.kerf.cli;

import dev.kerf.emulator.introspect.ProcessInfo;
import dev.kerf.emulator.introspect.UserFault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kerf ps}: every process of a recording, found by replaying it with OS introspection. */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = {"List every process of a recording: pid, parent, name, first and last icount, user-mode"
                + " instructions, system calls, and how it ended (exit status, signal, the fault that killed it).", "",
                "Replays the recording (it must verify, as with kerf replay: exit 16 on a divergence, 18 after the"
                + " list for a cut-short recording) and follows the guest kernel's processes through its"
                + " introspection export (exit 4 when the kernel has none).", ""})
public final class PsCommand implements Callable<Integer> {
    private final HostIo io;

    @Parameters(index = "0", paramLabel = "REC", description = "Recording directory or packed file.")
    Path recording;

    @Option(names = "--json", description = "One JSON object instead of a table.")
    boolean json;

    @picocli.CommandLine.Mixin
    ProfileOption profile = new ProfileOption();

    public PsCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        IntrospectedReplay replay = IntrospectedReplay.of(recording, profile.choice(), io, null, null);
        List<ProcessInfo> procs = replay.history().processes();
        PrintStream out = new PrintStream(io.out(), false, StandardCharsets.UTF_8);
        out.print(json ? json(procs, replay.result().icount()) : table(procs));
        out.flush();
        replay.endWith(recording);
        return ExitCode.OK.code();
    }

    static String table(List<ProcessInfo> procs) {
        StringBuilder b = new StringBuilder(String.format("%5s %5s %-15s %12s %12s %12s %8s  %s%n",
                "PID", "PPID", "NAME", "FIRST", "LAST", "USER-INSNS", "SYSCALLS", "END"));
        for (ProcessInfo p : procs) {
            b.append(String.format("%5d %5d %-15s %12d %12d %12d %8d  %s%n", p.pid(), p.ppid(), Printable.escape(p.name()),
                    p.firstIcount(), p.lastIcount(), p.userInstructions(), p.syscalls(), Printable.escape(ending(p))));
        }
        return b.toString();
    }

    /** How it ended, with the fault when one killed it: {@code killed by signal 11 (page fault at ..., eip ...)}. */
    static String ending(ProcessInfo p) {
        return p.fault() == null ? p.ending() : p.ending() + " (" + p.fault().describe() + ")";
    }

    static String json(List<ProcessInfo> procs, long instructions) {
        StringBuilder b = new StringBuilder("{\"instructions\":").append(instructions).append(",\"processes\":[");
        for (int i = 0; i < procs.size(); i++) {
            ProcessInfo p = procs.get(i);
            if (i > 0) b.append(',');
            b.append("{\"pid\":").append(p.pid()).append(",\"ppid\":").append(p.ppid())
                    .append(",\"name\":").append(JsonText.str(p.name()))
                    .append(",\"firstIcount\":").append(p.firstIcount()).append(",\"lastIcount\":").append(p.lastIcount())
                    .append(",\"userInstructions\":").append(p.userInstructions()).append(",\"syscalls\":").append(p.syscalls())
                    .append(",\"exitStatus\":").append(p.exitStatus()).append(",\"end\":").append(JsonText.str(p.ending()))
                    .append(",\"fault\":").append(fault(p.fault())).append('}');
        }
        return b.append("]}\n").toString();
    }

    private static String fault(UserFault f) {
        if (f == null) return "null";
        return String.format("{\"icount\":%d,\"vector\":%d,\"errorCode\":%d,\"eip\":%d,\"cr2\":%d,\"text\":%s}",
                f.icount(), f.vector(), f.errorCode(), Integer.toUnsignedLong(f.eip()), Integer.toUnsignedLong(f.cr2()),
                JsonText.str(f.describe()));
    }
}
