package dev.kerf.cli;

import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.UserModeException;
import dev.kerf.emulator.usermode.UserReplayResult;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.slicer.process.ProcessSliceCodec;

import java.nio.file.Path;

/**
 * The process-slice branch of {@code kerf replay} (through {@code SliceReplay}): a slice of kind
 * process is replayed on the user-mode CPU with every exit checked. Exit 0 when it verifies, 16
 * (DIVERGED) with the first mismatch otherwise.
 */
final class ProcessSliceReplay {
    private ProcessSliceReplay() {}

    /** Replays a process slice read from {@code file}. */
    static int replay(Slice file, HostIo io) {
        if (file.header().kind() != SliceKind.PROCESS) throw new IllegalArgumentException("not a process slice");
        Path path = file.file();
        ProcessSlice slice = ProcessSliceCodec.read(file);
        long started = System.nanoTime();
        UserReplayResult r;
        try {
            r = new dev.kerf.emulator.usermode.UserModeReplayer(slice).run();
        } catch (UserModeException e) {
            throw new KerfException(ExitCode.BAD_INPUT, path + ": " + e.getMessage());
        }
        if (!r.verified()) throw new KerfException(ExitCode.DIVERGED, path + ": " + r.divergence().message());
        io.err().printf("kerf: process slice of %s (pid %d) verified: %d user instructions, %d exits matched, last: %s (%.2f s)%n",
                Printable.escape(slice.start().name()), slice.start().pid(), r.userInstructions(), r.exitsMatched(),
                r.lastExit() == null ? "none" : Printable.escape(r.lastExit().describe()), (System.nanoTime() - started) / 1e9);
        io.err().flush();
        return ExitCode.OK.code();
    }
}
