package dev.kerf.cli;

import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.retargeter.jvm.JdwpChild;
import dev.kerf.retargeter.jvm.JvmLog;
import dev.kerf.retargeter.jvm.JvmLogCodec;
import dev.kerf.retargeter.jvm.JvmReplayException;
import dev.kerf.retargeter.jvm.JvmReplayResult;
import dev.kerf.retargeter.jvm.JvmReplayer;
import dev.kerf.slicer.SliceFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kerf replay-jvm}: runs a JVM log's program on the host JVM against its logged natives
 * (docs/retargeting.md), the program's output on stdout as it goes, the verdict on stderr. With
 * {@code --jdwp PORT} the same replay runs in a child JVM that waits for a debugger.
 */
@Command(name = "replay-jvm", mixinStandardHelpOptions = true,
        description = {"Run a JVM log's (.kjvm) classes on this JVM with a replaying kerf.Sys: every native call is answered from"
                + " the log and checked (native, bytecode position, bytes written); the program's output goes to stdout; the"
                + " uncaught exception and exit status are compared at the end. The verdict line goes to stderr.", "",
                "Exit 0: identical; 2: bad command line; 4: a class the program needs is not in the log; 12: the log is damaged;"
                + " 16: a mismatch (the first is reported: native index, expected vs actual).", ""})
public final class ReplayJvmCommand implements Callable<Integer> {
    private final HostIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LOG", description = "A JVM log (kerf retarget --to jvm), or - for stdin.")
    String input;

    @Option(names = "--jdwp", paramLabel = "PORT",
            description = "Replay in a child JVM listening for a debugger (JDWP) on localhost:PORT; it waits until one attaches.")
    Integer jdwpPort;

    public ReplayJvmCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (jdwpPort != null) return underDebugger();
        Slice file = SliceFiles.read(input, io.in());
        String name = SliceFiles.STDIO.equals(input) ? "<stdin>" : input;
        JvmLog log = JvmLogCodec.read(file);
        JvmReplayResult r;
        try {
            r = new JvmReplayer(log, name).run(io.out());
        } catch (JvmReplayException e) {
            throw new KerfException(ExitCode.BAD_INPUT, e.getMessage());
        }
        io.out().flush();
        io.err().println(Printable.escape(r.verdict())); // names classes and methods of the log
        io.err().flush();
        return r.identical() ? ExitCode.OK.code() : ExitCode.DIVERGED.code();
    }

    private int underDebugger() throws IOException, InterruptedException {
        if (jdwpPort < 1 || jdwpPort > 65535) throw new CommandLine.ParameterException(spec.commandLine(), "--jdwp " + jdwpPort + ": not a port (1..65535)");
        Path spooled = null;
        try {
            Path file;
            if (SliceFiles.STDIO.equals(input)) {
                spooled = Files.createTempFile("kerf-replay-jvm-", ".kjvm");
                Files.copy(io.in(), spooled, StandardCopyOption.REPLACE_EXISTING);
                file = spooled;
                try (var in = Files.newInputStream(spooled)) {
                    JvmLogCodec.read(SliceReader.read(in, Path.of("<stdin>")));
                }
            } else {
                file = Path.of(input);
                JvmLogCodec.read(SliceFiles.read(input, io.in()));
            }
            // a bad file is reported above, not by the child after a debugger attached
            io.err().println("waiting for a debugger on port " + jdwpPort);
            io.err().flush();
            return JdwpChild.run(jdwpPort, Kerf.class.getName(), List.of("replay-jvm", file.toString()), io.out(), io.err());
        } finally {
            if (spooled != null) Files.deleteIfExists(spooled);
        }
    }
}
