package dev.kerf.cli;

import dev.kerf.emulator.introspect.ProfileSource;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.slicer.privacy.CleanFile;
import dev.kerf.slicer.privacy.FinalScan;
import dev.kerf.slicer.privacy.SecretLeakException;
import dev.kerf.slicer.privacy.SecretSet;
import dev.kerf.slicer.process.SecretRedactor;
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

    static int run(Path recording, String process, long from, long to, String out, SecretOptions options, ProfileOption profileOption,
                   HostIo io, long stdinLimit)
            throws IOException {
        ProcessSelector selector;
        try {
            selector = ProcessSelector.parse(process);
        } catch (IllegalArgumentException e) {
            throw new KerfException(ExitCode.USAGE, e.getMessage());
        }
        long started = System.nanoTime();
        SecretSet secrets = options.secrets();
        Slice sourceSlice = SliceInput.isSlice(recording) ? SliceFiles.read(recording.toString(), io.in(), stdinLimit) : null;
        ProfileSource profile = sourceSlice != null ? profileOption.sourceForSlice(recording) : profileOption.source(recording);
        FinalScan.Inherited inherited = sourceSlice == null ? FinalScan.Inherited.NONE : FinalScan.Inherited.of(sourceSlice);
        excludeProcesses(secrets, recording, profile, sourceSlice, from, to, io);
        SecretRedactor redactor = new SecretRedactor(secrets, options.allowDivergence(), inherited);
        ProcessSliceResult r;
        try {
            r = sourceSlice != null ? ofSlice(sourceSlice, profile, selector, from, to, redactor)
                    : ProcessSlicer.slice(recording, profile, selector, from, to, redactor);
        } catch (ProcessSliceException e) {
            if (redactor.redaction() != null && redactor.redaction().occurrences() > 0) {
                throw new KerfException(ExitCode.DIVERGED, "refused: with the secrets removed " + e.getMessage()
                        + "; nothing written (--allow-divergence writes it, its privacy manifest saying where it diverges)");
            }
            throw new KerfException(ExitCode.BAD_INPUT, e.getMessage());
        }
        long nanos = System.nanoTime() - started;
        if (r.note() != null) io.err().println("kerf: note: " + Printable.escape(r.note()));
        CleanFile clean = finalScan(r.file(), secrets, inherited);
        SliceFiles.publish(clean, out, io.out());
        io.err().printf("kerf: process slice of %s (pid %d): %d user instructions, %d exits, %s%s; %,d bytes"
                        + " (%s%,d instructions); sliced in %.1f s%n",
                Printable.escape(r.slice().start().name()), r.slice().start().pid(), r.slice().userInstructions(), r.slice().transitions().size(),
                r.verification() != null && r.verification().verified() ? "verified by replay" : "DIVERGES (written by --allow-divergence)",
                r.complete() ? "" : " (the recording was cut short)", r.file().length, sourceSize(recording), r.recordedIcount(),
                nanos / 1e9);
        if (!secrets.isEmpty() || !secrets.excludedProcesses().isEmpty()) {
            io.err().printf("kerf: privacy: %d secrets named, %d occurrences (%d bytes) removed; final scan of the file: 0 hits%n",
                    secrets.size(), redactor.redaction().occurrences(), redactor.redaction().bytesRemoved());
        }
        if (inherited.entries() > 0) {
            io.err().printf("kerf: privacy: %d occurrences of the source slice's secrets removed by their %d fingerprints; carried on%n",
                    redactor.inheritedRemoved(), inherited.entries());
        }
        io.err().flush();
        return ExitCode.OK.code();
    }

    /**
     * --exclude-process NAME: what NAME received from the rest of the system (file contents,
     * console input: the bytes the kernel wrote into it, {@link ProcessSliceResult#received}) becomes
     * secret, each printable run of 4 or more bytes. Its own code and constant data are not (nor the
     * pages that bring them in on Linux): the same library code is in every program.
     */
    private static void excludeProcesses(SecretSet secrets, Path recording, ProfileSource profile, Slice sourceSlice, long from, long to,
                                         HostIo io)
            throws IOException {
        for (String name : secrets.excludedProcesses()) {
            ProcessSliceResult held;
            try {
                ProcessSelector who = ProcessSelector.parse(name);
                held = sourceSlice != null ? ofSlice(sourceSlice, profile, who, from, to, ProcessRedactor.NONE)
                        : ProcessSlicer.slice(recording, profile, who, from, to, ProcessRedactor.NONE);
            } catch (ProcessSliceException | IllegalArgumentException e) {
                throw new KerfException(ExitCode.USAGE, "--exclude-process " + name + ": " + e.getMessage());
            }
            secrets.addProcessBytes(name, held.received());
        }
        for (String name : secrets.exclusionsWithoutBytes()) {
            io.err().println("kerf: warning: --exclude-process " + Printable.escape(name) + ": it received no data of 4 or more printable bytes");
        }
    }

    /** The last gate: the finished bytes, raw and section by section, hold no secret; else nothing is written. */
    private static CleanFile finalScan(byte[] file, SecretSet secrets, FinalScan.Inherited inherited) throws IOException {
        try {
            return FinalScan.check(file, SliceReader.read(file, Path.of("slice")), secrets, inherited);
        } catch (SecretLeakException e) {
            throw new KerfException(ExitCode.INTERNAL, e.getMessage()); // the message ends "; no file written"
        }
    }

    /** Stages stack: a time slice sliced by process; a process slice cannot be sliced by process again. */
    private static ProcessSliceResult ofSlice(Slice slice, ProfileSource profile, ProcessSelector selector, long from, long to,
                                              ProcessRedactor redactor) throws IOException {
        if (slice.header().kind() == SliceKind.TIME) return ProcessSlicer.slice(slice, profile, selector, from, to, redactor);
        Object pid = slice.header().parameters().get("pid"), name = slice.header().parameters().get("name");
        throw new KerfException(ExitCode.BAD_INPUT, slice.file() + ": a " + slice.header().kind().jsonName() + " slice"
                + (pid != null ? " of " + name + " (pid " + pid + ")" : "") + " holds no machine to find process " + selector
                + " in; slice the recording or a time slice");
    }

    /** "source 199,435 bytes, " for a file (a packed recording, a slice); nothing for a directory (its queue files are preallocated). */
    private static String sourceSize(Path p) throws IOException {
        return Files.isRegularFile(p) ? String.format("source %,d bytes, ", Files.size(p)) : "source ";
    }
}
