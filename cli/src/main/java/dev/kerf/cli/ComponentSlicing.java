package dev.kerf.cli;

import dev.kerf.emulator.introspect.ProfileSource;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.slicer.SliceFiles;
import dev.kerf.slicer.component.ComponentSlice;
import dev.kerf.slicer.component.ComponentSliceException;
import dev.kerf.slicer.component.ComponentSliceResult;
import dev.kerf.slicer.component.ComponentSlicer;
import dev.kerf.slicer.component.ComponentSpec;
import dev.kerf.slicer.privacy.CleanFile;
import dev.kerf.slicer.privacy.FinalScan;
import dev.kerf.slicer.privacy.SecretLeakException;
import dev.kerf.slicer.privacy.SecretSet;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code kerf slice REC --component PROG:GLOB -o OUT} (PROG {@code kernel} for kernel code) and the
 * component branch of {@code kerf replay}. The slice is written only after it was read back from its own bytes, every replayable
 * activation replayed, and the final privacy scan found nothing; any failure is one line and no file.
 */
final class ComponentSlicing {
    private ComponentSlicing() {}

    static int run(Path recording, String component, Path program, String out, SecretOptions options, ProfileOption profile, HostIo io)
            throws IOException {
        ComponentSpec spec;
        try {
            spec = ComponentSpec.parse(component);
        } catch (IllegalArgumentException e) {
            throw new KerfException(ExitCode.USAGE, e.getMessage());
        }
        if (SliceInput.isSlice(recording)) {
            throw new KerfException(ExitCode.BAD_INPUT, recording + ": component slices are cut from a recording, not from a slice");
        }
        SecretSet secrets = options.secrets();
        if (options.allowDivergence()) {
            throw new KerfException(ExitCode.USAGE, "--allow-divergence is not supported with --component: a component slice is written only when every call replays");
        }
        if (!secrets.excludedProcesses().isEmpty()) {
            throw new KerfException(ExitCode.USAGE, "--exclude-process is not supported with --component; name the secrets with --secret");
        }
        long started = System.nanoTime();
        ComponentSliceResult r;
        try {
            r = ComponentSlicer.slice(recording, spec.kernel() ? ProfileSource.KERF_EXPORT : profile.source(recording), spec, secrets, program);
        } catch (ComponentSliceException e) {
            throw new KerfException(e.diverged() ? ExitCode.DIVERGED : ExitCode.USAGE, e.getMessage());
        }
        long nanos = System.nanoTime() - started;
        CleanFile clean = finalScan(r.file(), secrets);
        SliceFiles.publish(clean, out, io.out());
        ComponentSlice s = r.slice();
        io.err().printf("kerf: component slice of %s: %d activations (%d verified by replay, %d not replayable), %d bytes loaded,"
                        + " %d bytes written, %d code bytes; %,d bytes; sliced in %.1f s%n",
                Printable.escape(String.valueOf(spec)), s.activations().size(), r.verified(), r.skipped(), s.loadedBytes(), s.writtenBytes(), s.codeBytes(),
                r.file().length, nanos / 1e9);
        if (s.kernel()) {
            io.err().printf("kerf: port accesses: %d (%d bytes of input, %d bytes of output checked on replay); recording %d instructions%n",
                    s.portAccesses(), s.portInputBytes(), s.portOutputBytes(), r.recordingInstructions());
        }
        if (!secrets.isEmpty()) {
            io.err().printf("kerf: privacy: %d secrets named, %d occurrences (%d bytes) removed; final scan of the file: 0 hits%n",
                    secrets.size(), r.redaction().occurrences(), r.redaction().bytesRemoved());
        }
        io.err().flush();
        return ExitCode.OK.code();
    }

    private static CleanFile finalScan(byte[] file, SecretSet secrets) throws IOException {
        try {
            return FinalScan.check(file, SliceReader.read(file, Path.of("slice")), secrets);
        } catch (SecretLeakException e) {
            throw new KerfException(ExitCode.INTERNAL, e.getMessage()); // the message ends "; no file written"
        }
    }

    /** {@code kerf replay C.kslice}: every replayable activation replayed; exit 0 verified, 16 at the first divergence. */
    static int replay(Slice file, HostIo io) {
        if (file.header().kind() != SliceKind.COMPONENT) throw new IllegalArgumentException("not a component slice");
        ComponentSlice slice = ComponentSlicer.read(file);
        long started = System.nanoTime();
        int[] counts;
        try {
            counts = ComponentSlicer.verify(slice);
        } catch (ComponentSliceException e) {
            throw new KerfException(ExitCode.DIVERGED, file.file() + ": " + e.getMessage());
        }
        var last = slice.activations().get(slice.activations().size() - 1);
        io.err().printf("kerf: component slice of %s verified: %d activations replayed with the same writes and %s, %d not replayable;"
                        + " last: %s (%.2f s)%n",
                Printable.escape(String.valueOf(file.header().parameters().get("component"))), counts[0],
                slice.kernel() ? "return values or faults, every port input served and port output checked" : "return values or faults", counts[1],
                last.fault() != null ? last.fault().describe() : last.end().name().toLowerCase(java.util.Locale.ROOT)
                        + (last.end().replayable() ? String.format(" eax=0x%08x", last.eax()) : ""),
                (System.nanoTime() - started) / 1e9);
        io.err().flush();
        return ExitCode.OK.code();
    }
}
