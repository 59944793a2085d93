package dev.kerf.cli;

import dev.kerf.formats.slice.Slice;
import dev.kerf.slicer.SliceFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kerf retarget SLICE --to jvm -o OUT}: moves a process slice up to the level a developer's
 * tools speak (design §8, docs/retargeting.md). The slice is read once; each level is one method
 * (here only {@code --to jvm}, whose work is in {@link JvmRetarget}; branch sysret adds
 * {@code syscalls} in the same shape).
 */
@Command(name = "retarget", mixinStandardHelpOptions = true,
        description = {"Turn a process slice into a JVM log (--to jvm: .kjvm, see kerf replay-jvm). The slice must be of a minijvm"
                + " process: the log holds its class files, its arguments, every kerf.Sys native call with its result at its"
                + " bytecode position, and how it ended; nothing else. The slice is replayed to its end while the log is read"
                + " from it; nothing reaches OUT (or stdout for -o -) unless it did. Exit 0: written; 2: bad command line;"
                + " 4: not a process slice, not a minijvm process, a --secret found, or OUT cannot be written; 12: the slice is"
                + " damaged; 16: the slice does not replay (nothing written).", ""})
public final class RetargetCommand implements Callable<Integer> {
    /** The levels a slice can be retargeted to. */
    enum Level { jvm }

    private final HostIo io;

    @Parameters(index = "0", paramLabel = "SLICE", description = "A process slice (kerf slice --process), or - for stdin.")
    String slice;

    @Option(names = "--to", required = true, paramLabel = "LEVEL", description = "jvm.")
    Level to;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file, or - for stdout.")
    String out;

    @Option(names = "--secret", paramLabel = "STRING", description = "Check the finished file for this secret (final scan);"
            + " repeat for more. Secrets are removed when slicing; this only guards the output.")
    List<String> secrets = new ArrayList<>();

    public RetargetCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        Slice source = SliceFiles.read(slice, io.in());
        return switch (to) {
            case jvm -> jvm(source);
        };
    }

    // ---- --to jvm ----
    private int jvm(Slice source) throws IOException {
        return JvmRetarget.run(source, out, secrets, io);
    }
}
