package dev.kerf.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * {@code kerf retarget}: moves a process slice up to the level a developer's tools speak (design
 * §8, docs/retargeting.md). Each level is one branch to its helper ({@link JvmRetarget} for
 * {@code --to jvm}).
 */
@Command(name = "retarget", mixinStandardHelpOptions = true,
        description = {"Turn a process slice into a log at a developer's level (docs/retargeting.md).", "",
                "--to jvm: the slice must be of a minijvm process. Its class files, its arguments and every kerf.Sys native call"
                + " with its result at its bytecode position, and how it ended; nothing else. Replay it on the host JVM with"
                + " kerf replay-jvm. Exit 0: written; 2: bad command line; 4: not a process slice, not a minijvm process, or the"
                + " output cannot be written; 12: the slice is damaged; 16: the slice does not replay (nothing written).", ""})
public final class RetargetCommand implements Callable<Integer> {
    private final HostIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SLICE", description = "A process slice (kerf slice --process), or - for stdin.")
    String input;

    @Option(names = "--to", required = true, paramLabel = "LEVEL", description = "jvm: a JVM log (.kjvm) of a minijvm process.")
    String to;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Where the log goes, or - for stdout.")
    String output;

    public RetargetCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        switch (to) {
            case "jvm":
                return JvmRetarget.run(input, output, io);
            default:
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown level '" + to + "' for --to (jvm)");
        }
    }
}
