package dev.kerf.cli;

import dev.kerf.formats.recording.Recording;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kerf pack}: a recording directory as one portable file. */
@Command(name = "pack", mixinStandardHelpOptions = true,
        description = {"Pack a recording directory into one portable file (checked first; written atomically).", ""})
public final class PackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "REC", description = "Recording directory.")
    Path recording;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "The packed file to write.")
    Path output;

    @Override
    public Integer call() throws IOException {
        Recording.pack(recording, output);
        return ExitCode.OK.code();
    }
}
