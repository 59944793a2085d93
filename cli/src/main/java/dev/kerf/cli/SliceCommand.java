package dev.kerf.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code kerf slice}: makes a verified slice of a recording. This minimal version carries the
 * process slice only ({@link ProcessSlicing}); the time slice ({@code --time}) is added by its owner.
 */
@Command(name = "slice", mixinStandardHelpOptions = true,
        description = "Make a verified slice of a recording (only --process today).")
final class SliceCommand implements Callable<Integer> {
    private final HostIo io;

    @Parameters(index = "0", paramLabel = "REC", description = "Recording directory or packed file.")
    Path recording;

    @Option(names = "--process", paramLabel = "NAME|PID", description = "Slice one process's user-mode execution.")
    String process;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "The slice file (- for stdout).")
    Path output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    SliceCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        if (process == null) throw new CommandLine.ParameterException(spec.commandLine(), "say what to slice: --process NAME|PID");
        return ProcessSlicing.run(recording, process, output, io);
    }
}
