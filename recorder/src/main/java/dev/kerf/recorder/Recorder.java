package dev.kerf.recorder;

import dev.kerf.emulator.loader.MultibootLoader;
import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.MachineTap;
import dev.kerf.formats.snapshot.SnapshotData;
import dev.kerf.emulator.machine.RunResult;
import dev.kerf.formats.journal.JournalWriter;
import dev.kerf.formats.recording.Manifest;
import dev.kerf.formats.recording.Recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kerf record}'s engine: creates the recording directory (manifest and images) before the
 * guest starts, boots the live machine with a {@link RecordingTap} writing the journal, and ends
 * the journal with the final state hash and End. An output that cannot be created fails before
 * the guest runs; a journal write that fails later stops the guest ({@link Outcome#failure()}).
 * Usage: {@link #start}, then {@link #machine()} for a Ctrl-C hook, then {@link #run()}, then close.
 */
public final class Recorder implements AutoCloseable {
    /**
     * Instructions between StateHash events: about 10 ms of guest time, a few bytes each. A power
     * of two, so the hashes fall on the journal's aligned icounts (a multiple of 256, whose delta
     * is stored in quanta of 256: 2 bytes instead of 3).
     */
    public static final long DEFAULT_HASH_EVERY = 1L << 20;

    /**
     * How a recording ended.
     *
     * @param run          how the guest's run ended
     * @param events       inputs and meta events logged: each non-sticky port read counts once, though the journal
     *                     stores runs and blocks of reads as fewer events (kerf info counts those)
     * @param journalBytes bytes of journal excerpts written
     * @param failure      the journal write failure that stopped the guest, or null
     */
    public record Outcome(RunResult run, long events, long journalBytes, IOException failure) {}

    private final Recording recording;
    private final JournalWriter journal;
    private final RecordingTap tap;
    private final Machine machine;
    private boolean closed;

    private Recorder(Recording recording, JournalWriter journal, RecordingTap tap, Machine machine) {
        this.recording = recording;
        this.journal = journal;
        this.tap = tap;
        this.machine = machine;
    }

    /**
     * Reads the images, creates the recording at {@code out} and boots the machine (not yet running).
     *
     * @param kerfVersion recorded in the manifest
     */
    public static Recorder start(Path out, MachineConfig config, String kerfVersion, long hashEvery) throws IOException {
        Map<String, byte[]> images = new LinkedHashMap<>();
        Manifest.ImageRef kernel = image(config.kernel(), "kernel", "", config.ramBytes(), images);
        List<Manifest.ImageRef> modules = new ArrayList<>();
        for (MachineConfig.Module m : config.modules()) modules.add(image(m.file(), "module", m.cmdline(), config.ramBytes(), images));
        Manifest manifest = new Manifest(Recording.FORMAT_MAJOR, kerfVersion, config.ramBytes(), kernel,
                config.cmdline() == null ? "" : config.cmdline(), modules, clock(config),
                hashEvery, startedAt(), Manifest.DEFAULT_STICKY_PORTS);
        return open(out, manifest, images, hashEvery, tap -> Machine.boot(config, tap));
    }

    /**
     * Creates the recording at {@code out} starting from a booted snapshot and resumes the machine
     * from it (not yet running). The recording stores the snapshot file ({@code snapshotBytes}, as
     * read from {@code snapshotFile}) as its {@code start} image, so it stays self-sufficient: the
     * replay takes CPU and RAM from it and needs no kernel, module or device model. Instructions are
     * counted from the snapshot.
     */
    public static Recorder startFrom(Path out, MachineConfig config, Path snapshotFile, byte[] snapshotBytes,
                                     SnapshotData snapshot, MachineFactory machine, String kerfVersion, long hashEvery)
            throws IOException {
        Manifest.ImageRef start = Recording.imageRef(snapshotFile.toString(), snapshotBytes, "");
        Map<String, byte[]> images = new LinkedHashMap<>();
        images.put(start.sha256(), snapshotBytes);
        Manifest manifest = new Manifest(Recording.FORMAT_MAJOR, kerfVersion, snapshot.ramBytes(), null,
                snapshot.boot().cmdline(), List.of(), clock(config), hashEvery, startedAt(), Manifest.DEFAULT_STICKY_PORTS, start);
        return open(out, manifest, images, hashEvery, machine);
    }

    /** Builds the machine with the recorder's tap in place (boots it, or resumes it from a snapshot). */
    public interface MachineFactory {
        Machine build(MachineTap tap) throws IOException;
    }

    private static String clock(MachineConfig config) {
        return config.virtualClock() ? "virtual" : "host";
    }

    private static String startedAt() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static Recorder open(Path out, Manifest manifest, Map<String, byte[]> images, long hashEvery,
                                 MachineFactory factory) throws IOException {
        boolean existed = Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        boolean ours = !existed || !Files.isSymbolicLink(out) && isEmptyDir(out); // what we may clean up again
        // The recording directory and its journal are created on a thread of their own while this
        // one boots the machine: the forced writes of the images and the manifest (waiting for the
        // disk) would otherwise come before the boot. The guest starts only once both are in place,
        // so an output that cannot be created still fails before the guest runs.
        JournalOpening opening = new JournalOpening(() -> {
            Recording recording = Recording.create(out, manifest, images);
            return new JournalOpening.Opened(recording, JournalWriter.create(recording.journalDir()));
        });
        RecordingTap tap = new RecordingTap(opening, hashEvery, manifest.stickyPorts());
        Machine machine;
        try {
            machine = factory.build(tap);
        } catch (IOException | RuntimeException e) {
            try {
                opening.await().journal().close();
                removeUnused(out, existed); // a kernel that does not boot leaves no recording behind
            } catch (IOException | RuntimeException notCreated) {
                if (ours) removeUnused(out, existed);
            }
            throw e;
        }
        JournalOpening.Opened opened;
        try {
            opened = opening.await();
        } catch (IOException | RuntimeException e) {
            try {
                machine.close();
            } catch (IOException ignored) {
                // the output's failure is what the caller reports
            }
            if (ours) removeUnused(out, existed);
            if (e instanceof IOException io) throw new RecordingOutputException(out, io);
            throw e;
        }
        return new Recorder(opened.recording(), opened.journal(), tap, machine);
    }

    private static boolean isEmptyDir(Path dir) {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static void removeUnused(Path out, boolean keepDir) {
        try (var walk = Files.walk(out)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!(keepDir && p.equals(out))) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: the boot error is what the user needs to see
        }
    }

    /**
     * The manifest names an image by the path as given (the guest sees it in its command line
     * and module strings, so the replay must pass the same one to the loader). Read as the loader
     * reads it: a regular file no larger than RAM.
     */
    private static Manifest.ImageRef image(Path file, String what, String cmdline, int ramBytes, Map<String, byte[]> images)
            throws IOException {
        byte[] bytes = MultibootLoader.read(file, what, ramBytes);
        Manifest.ImageRef ref = Recording.imageRef(file.toString(), bytes, cmdline == null ? "" : cmdline);
        images.put(ref.sha256(), bytes);
        return ref;
    }

    public Machine machine() {
        return machine;
    }

    public Recording recording() {
        return recording;
    }

    /** Runs the guest to its end and closes the journal with the final hash and End. */
    public Outcome run() throws IOException {
        RunResult result = machine.run();
        tap.finish(result);
        closeJournal();
        return new Outcome(result, tap.events(), journal.bytesWritten(), tap.failure());
    }

    private void closeJournal() {
        if (closed) return;
        closed = true;
        try {
            journal.close();
        } catch (IOException | RuntimeException e) {
            // the tap already holds the first failure, if any; a second one says nothing new
        }
    }

    @Override
    public void close() throws IOException {
        try {
            machine.close();
        } finally {
            closeJournal();
        }
    }
}
