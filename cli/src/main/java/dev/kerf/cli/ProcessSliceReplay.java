package dev.kerf.cli;

import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.UserModeException;
import dev.kerf.emulator.usermode.UserReplayResult;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceFile;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.slicer.process.ProcessSliceCodec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process-slice branch of {@code kerf replay} and {@code kerf info}: a slice file (KERFSLCE
 * magic) of kind process is replayed on the user-mode CPU with every exit checked. Exit 0 when it
 * verifies, 16 (DIVERGED) with the first mismatch otherwise.
 */
final class ProcessSliceReplay {
    private ProcessSliceReplay() {}

    /** True when {@code path} is a regular file that starts with the slice magic. */
    static boolean isSliceFile(Path path) throws IOException {
        if (!Files.isRegularFile(path)) return false;
        try (InputStream in = Files.newInputStream(path)) {
            return SliceFile.hasMagic(in.readNBytes(8));
        }
    }

    /** Reads a process slice; another kind is a bad input for this branch. */
    static ProcessSlice read(Path path) throws IOException {
        Slice file = SliceReader.read(path);
        if (file.header().kind() != SliceKind.PROCESS) {
            throw new KerfException(ExitCode.BAD_INPUT, path + ": a " + file.header().kind().jsonName() + " slice, not a process slice");
        }
        return ProcessSliceCodec.read(file);
    }

    static int replay(Path path, HostIo io) throws IOException {
        ProcessSlice slice = read(path);
        long started = System.nanoTime();
        UserReplayResult r;
        try {
            r = new dev.kerf.emulator.usermode.UserModeReplayer(slice).run();
        } catch (UserModeException e) {
            throw new KerfException(ExitCode.BAD_INPUT, path + ": " + e.getMessage());
        }
        if (!r.verified()) throw new KerfException(ExitCode.DIVERGED, path + ": " + r.divergence().message());
        io.err().printf("kerf: process slice of %s (pid %d) verified: %d user instructions, %d exits matched, last: %s (%.2f s)%n",
                slice.start().name(), slice.start().pid(), r.userInstructions(), r.exitsMatched(),
                r.lastExit() == null ? "none" : r.lastExit().describe(), (System.nanoTime() - started) / 1e9);
        io.err().flush();
        return ExitCode.OK.code();
    }

    /** {@code kerf info} for a process slice: who, how much, how it ends. */
    static int info(Path path, HostIo io) throws IOException {
        ProcessSlice slice = read(path);
        long memory = slice.regions().stream().mapToLong(g -> g.bytes().length).sum();
        io.err().flush();
        java.io.PrintStream out = new java.io.PrintStream(io.out(), true, java.nio.charset.StandardCharsets.UTF_8);
        out.printf("process slice: %s (pid %d)%n", slice.start().name(), slice.start().pid());
        out.printf("file size: %d bytes%n", Files.size(path));
        out.printf("user instructions: %d%n", slice.userInstructions());
        out.printf("exits: %d%n", slice.transitions().size());
        out.printf("user pages at start: %d%n", slice.start().pages().size());
        out.printf("bytes carried (memory and registers): %d in %d regions%n", memory, slice.regions().size());
        if (!slice.transitions().isEmpty()) {
            var last = slice.transitions().get(slice.transitions().size() - 1);
            out.printf("last exit: %s at user instruction %d%n", last.exit().describe(), last.userIcount());
        }
        out.flush();
        return ExitCode.OK.code();
    }
}
