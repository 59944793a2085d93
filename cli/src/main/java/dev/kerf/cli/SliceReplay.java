package dev.kerf.cli;

import dev.kerf.emulator.replay.Divergence;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.formats.slice.Slice;
import dev.kerf.slicer.SliceFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code kerf replay S.kslice} (or {@code -} for stdin): replays a slice of any kind, its window's
 * console output to stdout, a summary on stderr; exit 0 verified, 16 diverged (with the report).
 */
final class SliceReplay {
    private SliceReplay() {}

    static int run(HostIo io, Path file, boolean quiet, long stdinLimit) throws IOException {
        Slice slice = SliceFiles.read(file.toString(), io.in(), stdinLimit);
        if (slice.header().kind() == dev.kerf.formats.slice.SliceKind.PROCESS) return ProcessSliceReplay.replay(slice, io);
        if (slice.header().kind() == dev.kerf.formats.slice.SliceKind.COMPONENT) return ComponentSlicing.replay(slice, io);
        if (slice.header().kind() == dev.kerf.formats.slice.SliceKind.SYSCALLS) throw new KerfException(ExitCode.USAGE, slice.file() + ": a syscall log: replay it with kerf replay-syscalls");
        if (slice.header().kind() == dev.kerf.formats.slice.SliceKind.JVM) throw new KerfException(ExitCode.USAGE, slice.file() + ": a JVM log: replay it with kerf replay-jvm");
        long started = System.nanoTime();
        ReplayResult r;
        try {
            r = SliceFiles.replay(slice, quiet ? null : io.out());
        } finally {
            io.out().flush();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long from = slice.header().longParameter("from", 0);
        io.err().printf("kerf replay: %s of %s: to icount %d, %d instructions in %.2f s, %.1f MIPS%s%n",
                SliceInfo.describe(slice.header()), Printable.escape(slice.header().sourceName()), r.icount(),
                r.icount() - from, seconds, seconds > 0 ? (r.icount() - from) / seconds / 1e6 : 0.0,
                r.outcome() == ReplayResult.Outcome.STOPPED ? "; every state hash in the window and the final registers+RAM hash matched" : "");
        if (r.outcome() == ReplayResult.Outcome.STOPPED) return ExitCode.OK.code();
        Divergence d = r.divergence();
        io.err().println("kerf: registers: " + d.registers());
        throw new KerfException(ExitCode.DIVERGED, d.message());
    }
}
