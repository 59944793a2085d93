package dev.kerf.cli;

import dev.kerf.formats.journal.EventKind;
import dev.kerf.formats.recording.Manifest;
import dev.kerf.formats.recording.Recording;
import dev.kerf.formats.snapshot.SnapshotData;
import dev.kerf.formats.snapshot.SnapshotFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code kerf info}: what a recording holds, after checking all of it. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Describe a recording (a directory or a packed file) after checking its integrity.", "",
                "Instructions, guest and host duration, events and journal bytes by type, images, and whether the"
                + " recording was cut short. A damaged recording is an error (exit 12) naming the file and offset.", ""})
public final class InfoCommand implements Callable<Integer> {
    private final HostIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;


    @Parameters(index = "0", paramLabel = "REC", description = "Recording directory or packed file, or a slice (FILE.kslice, - for stdin).")
    Path recording;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    public InfoCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        if (SliceInput.isSlice(recording)) return SliceInfo.run(io, recording, json, GlobalOptions.of(spec).stdinLimit());
        if (SliceInput.isSnapshot(recording)) return snapshot();
        RecordingSummary s;
        try (Recording opened = Recording.open(recording)) { // a packed file's temporary copy goes on close
            s = RecordingSummary.of(recording, opened);
        }
        PrintStream out = new PrintStream(io.out(), false, StandardCharsets.UTF_8);
        out.print(json ? InfoJson.of(s) : text(s));
        out.flush();
        return ExitCode.OK.code();
    }

    /** A booted snapshot: checked whole (every page against its hash), then described. */
    private int snapshot() throws IOException {
        SnapshotData d = SnapshotFile.read(recording);
        SnapshotData.Boot boot = d.boot();
        int nonZero = 0;
        for (int p = 0; p < d.ramBytes(); p += 4096) {
            for (int i = p; i < p + 4096; i++) if (d.ram()[i] != 0) { nonZero++; break; }
        }
        StringBuilder b = new StringBuilder();
        line(b, "snapshot", recording + " (format " + SnapshotFile.MAJOR + "." + SnapshotFile.MINOR + ", kerf " + boot.kerfVersion() + ")");
        line(b, "taken", boot.trigger() + ", " + d.icount() + " instructions after the boot");
        line(b, "machine", String.format("%d MiB RAM (%d non-zero pages), %s clock at %.3f s", d.ramBytes() >> 20, nonZero,
                d.virtualClock() ? "virtual" : "host", d.clockNanos() / 1e9));
        line(b, "kernel", String.format("%s (%d bytes, sha256 %s)", boot.kernel().name(), boot.kernel().size(), boot.kernel().sha256()));
        for (SnapshotData.Image i : boot.modules())
            line(b, "module", String.format("%s (%d bytes, sha256 %s)", i.name(), i.size(), i.sha256()));
        line(b, "cmdline", boot.cmdline());
        line(b, "size", java.nio.file.Files.size(recording) + " bytes");
        line(b, "integrity", "ok: header, every section's CRC-32C and every page's SHA-256 checked");
        PrintStream out = new PrintStream(io.out(), false, StandardCharsets.UTF_8);
        out.print(b);
        out.flush();
        return ExitCode.OK.code();
    }

    private static String text(RecordingSummary s) {
        Manifest m = s.manifest();
        StringBuilder b = new StringBuilder();
        line(b, "recording", s.path() + " (format " + m.formatVersion() + ", kerf " + m.kerfVersion() + ")");
        line(b, "started", m.startedAt());
        line(b, "machine", String.format("%d MiB RAM, %s clock, state hash every %d instructions",
                m.ramBytes() >> 20, m.clock(), m.stateHashEvery()));
        line(b, "cmdline", m.cmdline());
        line(b, "instructions", s.icount() + (s.cutShort() ? " (at least: cut short)" : ""));
        line(b, "guest time", s.guestDuration());
        line(b, "host time", s.hostDuration() == null ? "unknown" : String.format(Locale.ROOT, "%.3f s (%s)",
                s.hostDuration().toMillis() / 1e3, s.hostFromMtime()
                        ? "cut short: start to the journal file's last modification" : "as recorded in the End event"));
        line(b, "end", s.endText());
        line(b, "cut short", s.cutShort() ? "yes" : "no");
        line(b, "events", s.events() + " in " + s.excerpts() + " excerpts, " + s.journalBytes() + " journal bytes"
                + (s.icount() > 0 ? String.format(Locale.ROOT, " (%.2f bytes per million instructions)",
                s.journalBytes() * 1e6 / s.icount()) : ""));
        for (EventKind k : EventKind.values()) {
            line(b, "  " + k.name().toLowerCase(Locale.ROOT), String.format("%d (%d bytes)", s.counts().get(k), s.bytes().get(k)));
        }
        line(b, "port reads", s.portReads() + " logged (port_in, each read of a port_block, port_change; repeated reads of"
                + " sticky ports " + m.stickyPorts().stream().map(p -> String.format("0x%x", p)).toList() + " cost nothing)");
        for (Manifest.ImageRef r : s.images()) {
            line(b, r == m.kernel() ? "kernel" : r == m.start() ? "start" : "module", String.format("%s (%d bytes, sha256 %s)%s",
                    r.name(), r.size(), r.sha256(), r.cmdline().isEmpty() ? "" : " cmdline " + r.cmdline()));
        }
        if (s.start() != null) {
            SnapshotFile.Summary st = s.start();
            SnapshotData.Boot boot = st.boot();
            line(b, "started from", String.format("a booted snapshot taken %d instructions after booting %s (%d bytes, sha256 %s)"
                    + " when %s, by kerf %s", st.icount(), boot.kernel().name(), boot.kernel().size(), boot.kernel().sha256(),
                    boot.trigger(), boot.kerfVersion()));
            for (SnapshotData.Image i : boot.modules())
                line(b, "  booted with", String.format("%s (%d bytes, sha256 %s)", i.name(), i.size(), i.sha256()));
        }
        line(b, "integrity", "ok: manifest, every image's SHA-256 and every excerpt's CRC-32C and sequence checked");
        return b.toString();
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format("%-14s %s%n", key + ":", Printable.escape(value))); // every value may quote the file
    }
}
