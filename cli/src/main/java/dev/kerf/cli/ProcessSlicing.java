package dev.kerf.cli;

import dev.kerf.slicer.process.ProcessRedactor;
import dev.kerf.slicer.process.ProcessSelector;
import dev.kerf.slicer.process.ProcessSliceException;
import dev.kerf.slicer.process.ProcessSliceResult;
import dev.kerf.slicer.process.ProcessSlicer;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.slicer.SliceFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code kerf slice REC|TIME.kslice --process NAME|PID [--time FROM..TO] -o OUT}: the process-slice half of
 * {@code SliceCommand}.
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
            r = SliceInput.isSlice(recording) ? ofSlice(recording, selector, from, to, io)
                    : ProcessSlicer.slice(recording, selector, from, to, ProcessRedactor.NONE);
        } catch (ProcessSliceException e) {
            throw new KerfException(ExitCode.BAD_INPUT, e.getMessage());
        }
        long nanos = System.nanoTime() - started;
        if (r.note() != null) io.err().println("kerf: note: " + r.note());
        SliceFiles.publish(r.file(), out, io.out());
        io.err().printf("kerf: process slice of %s (pid %d): %d user instructions, %d exits, verified by replay%s; %,d bytes"
                        + " (%s%,d instructions); sliced in %.1f s%n",
                r.slice().start().name(), r.slice().start().pid(), r.slice().userInstructions(), r.slice().transitions().size(),
                r.complete() ? "" : " (the recording was cut short)", r.file().length, sourceSize(recording), r.recordedIcount(),
                nanos / 1e9);
        io.err().flush();
        return ExitCode.OK.code();
    }

    /** Stages stack: a time slice sliced by process; a process slice cannot be sliced by process again. */
    private static ProcessSliceResult ofSlice(Path source, ProcessSelector selector, long from, long to, HostIo io) throws IOException {
        Slice slice = SliceFiles.read(source.toString(), io.in());
        if (slice.header().kind() == SliceKind.TIME) return ProcessSlicer.slice(slice, selector, from, to, ProcessRedactor.NONE);
        Object pid = slice.header().parameters().get("pid"), name = slice.header().parameters().get("name");
        throw new KerfException(ExitCode.BAD_INPUT, source + ": a " + slice.header().kind().jsonName() + " slice"
                + (pid != null ? " of " + name + " (pid " + pid + ")" : "") + " holds no machine to find process " + selector
                + " in; slice the recording or a time slice");
    }

    /** "source 199,435 bytes, " for a file (a packed recording, a slice); nothing for a directory (its queue files are preallocated). */
    private static String sourceSize(Path p) throws IOException {
        return Files.isRegularFile(p) ? String.format("source %,d bytes, ", Files.size(p)) : "source ";
    }
}
