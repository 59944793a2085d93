package dev.kerf.cli;

import dev.kerf.formats.recording.Recording;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kerf unpack}: a packed recording back into a directory. */
@Command(name = "unpack", mixinStandardHelpOptions = true,
        description = {"Unpack a packed recording into a directory (checked before it appears).", ""})
public final class UnpackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "Packed recording.")
    Path packed;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", required = true, description = "The directory to create (must not exist).")
    Path output;

    @Override
    public Integer call() throws IOException {
        Recording.unpack(packed, output);
        return ExitCode.OK.code();
    }
}
