package dev.kerf.cli;

import dev.kerf.formats.slice.Slice;
import dev.kerf.retargeter.jvm.JvmChildException;
import dev.kerf.retargeter.jvm.JvmLog;
import dev.kerf.retargeter.jvm.JvmLogCodec;
import dev.kerf.retargeter.jvm.JvmReplayException;
import dev.kerf.retargeter.jvm.JvmReplayResult;
import dev.kerf.retargeter.jvm.JvmReplayer;
import dev.kerf.retargeter.jvm.JvmStop;
import dev.kerf.retargeter.jvm.ReplayLimits;
import dev.kerf.slicer.SliceFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.concurrent.Callable;

/**
 * {@code kerf replay-jvm}: runs a JVM log's program against its logged natives in a sandboxed
 * child JVM (docs/retargeting.md), the program's output on stdout as it goes, the verdict on
 * stderr. With {@code --jdwp PORT} the child waits for a debugger.
 */
@Command(name = "replay-jvm", mixinStandardHelpOptions = true,
        description = {"Run a JVM log's (.kjvm) classes in a sandboxed child JVM with a replaying kerf.Sys: every native call is"
                + " answered from the log and checked (native, bytecode position, bytes written); the program's output goes to"
                + " stdout; the uncaught exception and exit status are compared at the end. The program can reach nothing but"
                + " kerf.Sys (no files, network, processes, properties, exit, reflection, threads). The verdict line goes to stderr.", "",
                "Exit 0: identical; 2: bad command line; 4: a class the program needs is not in the log, or the program tried"
                + " something the sandbox refuses; 10: over --timeout or --max-heap; 12: the log is damaged;"
                + " 16: a mismatch (the first is reported: native index, expected vs actual).", ""})
public final class ReplayJvmCommand implements Callable<Integer> {
    private final HostIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LOG", description = "A JVM log (kerf retarget --to jvm), or - for stdin.")
    String input;

    @Option(names = "--jdwp", paramLabel = "PORT",
            description = "The child JVM listens for a debugger (JDWP) on localhost:PORT and waits until one attaches.")
    Integer jdwpPort;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Wall-clock budget of the replay's JVM, its start included (default 60; with --jdwp: none); 0: none.")
    BigDecimal timeout;

    @Option(names = "--max-heap", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "256M",
            description = "Java heap of the replay's JVM (default ${DEFAULT-VALUE}, at least 16M).")
    long maxHeap;

    public ReplayJvmCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        ReplayLimits limits = limits();
        Slice file = SliceFiles.read(input, io.in(), GlobalOptions.of(spec).stdinLimit());
        String name = SliceFiles.STDIO.equals(input) ? "<stdin>" : input;
        JvmLog log = JvmLogCodec.read(file);
        if (jdwpPort != null) { // a bad file is reported above, not after a debugger attached
            io.err().println("waiting for a debugger on port " + jdwpPort);
            io.err().flush();
        }
        JvmReplayResult r;
        try {
            r = new JvmReplayer(log, name, limits).run(io.out());
        } catch (JvmReplayException e) {
            throw new KerfException(ExitCode.BAD_INPUT, e.getMessage());
        } catch (JvmChildException e) {
            throw new KerfException(ExitCode.INTERNAL, e.getMessage());
        }
        io.out().flush();
        io.err().println(Printable.escape(r.verdict())); // names classes and methods of the log
        io.err().flush();
        if (r.stop() != null) return (r.stop().kind() == JvmStop.Kind.REFUSED ? ExitCode.BAD_INPUT : ExitCode.MAX_INSNS).code();
        return r.identical() ? ExitCode.OK.code() : ExitCode.DIVERGED.code();
    }

    private ReplayLimits limits() {
        if (jdwpPort != null && (jdwpPort < 1 || jdwpPort > 65535)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jdwp " + jdwpPort + ": not a port (1..65535)");
        }
        long millis;
        if (timeout == null) {
            millis = jdwpPort != null ? 0 : ReplayLimits.DEFAULT_TIMEOUT_MILLIS;
        } else {
            if (timeout.signum() < 0 || timeout.compareTo(BigDecimal.valueOf(1_000_000)) > 0 || timeout.scale() > 3) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--timeout " + timeout.toPlainString()
                        + ": not a number of seconds from 0 to 1000000 (at most 3 decimals)");
            }
            millis = timeout.movePointRight(3).longValueExact();
        }
        if (maxHeap < ReplayLimits.MIN_HEAP || maxHeap > ReplayLimits.MAX_HEAP) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-heap " + maxHeap + " bytes: from 16M to 1024G");
        }
        return new ReplayLimits(millis, maxHeap, jdwpPort == null ? 0 : jdwpPort);
    }
}
