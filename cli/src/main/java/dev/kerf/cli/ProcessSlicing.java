package dev.kerf.cli;

import dev.kerf.slicer.process.ProcessSelector;
import dev.kerf.slicer.process.ProcessSliceException;
import dev.kerf.slicer.process.ProcessSliceResult;
import dev.kerf.slicer.process.ProcessSlicer;
import dev.kerf.slicer.SliceFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code kerf slice REC --process NAME|PID -o OUT}: the process-slice half of {@code SliceCommand}.
 * The slice is written only after it was read back from its own bytes and replayed; any failure is
 * one line and leaves no output file. {@code -o -} writes to stdout (still only after verification).
 */
final class ProcessSlicing {
    private ProcessSlicing() {}

    static int run(Path recording, String process, long from, long to, String out, HostIo io) throws IOException {
        ProcessSelector selector;
        try {
            selector = ProcessSelector.parse(process);
        } catch (IllegalArgumentException e) {
            throw new KerfException(ExitCode.USAGE, e.getMessage());
        }
        long started = System.nanoTime();
        ProcessSliceResult r;
        try {
            r = ProcessSlicer.slice(recording, selector, from, to, slice -> {});
        } catch (ProcessSliceException e) {
            throw new KerfException(ExitCode.BAD_INPUT, e.getMessage());
        }
        long nanos = System.nanoTime() - started;
        if (r.note() != null) io.err().println("kerf: note: " + r.note());
        SliceFiles.publish(r.file(), out, io.out());
        io.err().printf("kerf: process slice of %s (pid %d): %d user instructions, %d exits, verified by replay%s; %,d bytes"
                        + " (recording %,d bytes, %d instructions); sliced in %.1f s%n",
                r.slice().start().name(), r.slice().start().pid(), r.slice().userInstructions(), r.slice().transitions().size(),
                r.complete() ? "" : " (the recording was cut short)", r.file().length, sizeOf(recording), r.recordedIcount(),
                nanos / 1e9);
        io.err().flush();
        return ExitCode.OK.code();
    }

    private static long sizeOf(Path p) throws IOException {
        if (Files.isRegularFile(p)) return Files.size(p);
        try (var files = Files.walk(p)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
