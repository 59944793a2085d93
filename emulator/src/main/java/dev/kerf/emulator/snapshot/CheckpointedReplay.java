package dev.kerf.emulator.snapshot;

import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.journal.Position;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A replay that starts from the nearest usable checkpoint at or before a wanted icount, and can
 * leave checkpoints behind as it goes. Checkpoints are a cache (issues 5 and 13): a missing,
 * unreadable, corrupt, foreign or tampered one only costs time — it is skipped with a warning
 * naming the file, the replay starts from an earlier one or from the beginning, and the results
 * are the same.
 *
 * <p>What is checked before a checkpoint is used: the file itself ({@link CheckpointStore}: a
 * regular file, every CRC, every page's SHA-256, the recording id); then, once restored, the state
 * against what the recording pins at its icount ({@link Replayer#checkResumed}): the journal
 * position must follow the StateHash recorded there, the restored registers must hash to it, the
 * replay's counters must fit. The journal pins RAM only in its final hash, so a checkpoint whose
 * RAM was edited (its CRCs and page hashes recomputed) passes these checks; every StateHash
 * after it is still verified, and a replay resumed from a checkpoint that diverges is not
 * believed: {@link #fallBack} ignores that checkpoint and replays again from an earlier one or
 * the beginning, so a divergence is only ever reported from a replay that did not resume from it.
 */
public final class CheckpointedReplay implements AutoCloseable {
    private final ReplayBoot boot;
    private final Path journalDir;
    private final OutputStream console;
    private final List<String> warnings = new ArrayList<>();
    /** Where checkpoints were looked for (its warnings are reported), or null. */
    private final CheckpointStore searched;
    private JournalReader journal;
    private Replayer replayer;
    private long resumedAt;
    /** Times {@link #fallBack} reopened the replay. */
    private int fallbacks;
    /** The checkpoint resumed from, or null. */
    private Path resumedFrom;
    /** The console as the current replayer writes it, or null. */
    private ConsoleGate gate;
    private CheckpointStore store;
    private long every;
    private long written;
    private boolean writing;
    /** Files this replay wrote from a state that came from {@link #resumedFrom}: deleted if that is found wrong. */
    private final List<Path> writtenFiles = new ArrayList<>();

    private CheckpointedReplay(ReplayBoot boot, Path journalDir, CheckpointStore searched, OutputStream console) {
        this.boot = boot;
        this.journalDir = journalDir;
        this.searched = searched;
        this.console = console;
    }

    /**
     * Opens the replay of the journal in {@code journalDir} at the latest checkpoint of
     * {@code store} at or before {@code from} that checks (store null or from 0: at the beginning).
     */
    public static CheckpointedReplay open(ReplayBoot boot, Path journalDir, CheckpointStore store, long from,
                                          OutputStream console) throws IOException {
        CheckpointedReplay r = new CheckpointedReplay(boot, journalDir, store, console);
        r.start(from, null);
        return r;
    }

    /** Opens the replay at the latest good checkpoint at or before {@code limit}, or at the beginning. */
    private void start(long limit, ConsoleGate.Printed printed) throws IOException {
        gate = console == null ? null : new ConsoleGate(console, printed);
        OutputStream out = gate;
        while (searched != null && limit > 0) {
            Optional<Checkpoint> found = searched.nearest(limit);
            if (found.isEmpty()) break;
            Checkpoint c = found.get();
            if (resume(c, out)) return;
            limit = c.icount() - 1; // try an earlier one
        }
        JournalReader j = JournalReader.open(journalDir);
        try {
            replayer = new Replayer(boot, EventSource.of(j), out);
        } catch (RuntimeException e) {
            j.close();
            throw e;
        }
        journal = j;
        resumedAt = 0;
        resumedFrom = null;
    }

    /** Restores {@code c} and checks it against the journal; false (with a warning) when it does not fit. */
    private boolean resume(Checkpoint c, OutputStream out) throws IOException {
        Position at = c.position();
        JournalReader j;
        try {
            j = JournalReader.open(journalDir, at);
        } catch (FormatException e) {
            searched.reject(c.file(), c.icount(), "its journal position does not fit the journal (" + e.getMessage() + ")");
            return false;
        }
        try {
            Event before = j.previous(); // before the replay reads ahead
            Replayer r = new Replayer(boot, EventSource.of(j), at.inBlock(), out);
            if (r.cpu().memory.size() != boot.ramBytes()) throw new IllegalArgumentException("RAM size differs");
            c.restore(r.cpu(), r.cpu().memory);
            r.restoreCheckpointState(c.devices());
            String wrong = r.checkResumed(before);
            if (wrong != null) throw new IllegalArgumentException(wrong);
            journal = j;
            replayer = r;
            resumedAt = c.icount();
            resumedFrom = c.file();
            return true;
        } catch (IllegalArgumentException | FormatException e) {
            j.close();
            searched.reject(c.file(), c.icount(), e.getMessage());
            return false;
        }
    }

    /**
     * After {@code result} of {@link #replayer()}'s run: when it diverged and the replay had resumed
     * from a checkpoint, that checkpoint is not believed — it is ignored with a warning (and the
     * checkpoints this replay wrote since are deleted) and the replay is opened again from an
     * earlier good checkpoint, or (the second time: the recording itself may be what diverges)
     * from the beginning, toward the same {@code from} as {@link #open}. The
     * caller then runs {@link #replayer()} (a new one) again as it did the first time. Console
     * bytes it prints again are not written twice: the new replay's first bytes, as many as were
     * written, are checked against them and dropped.
     *
     * @return true when the replay was reopened; false when {@code result} (null: none) stands
     */
    public boolean fallBack(ReplayResult result) throws IOException {
        if (result == null || result.outcome() != ReplayResult.Outcome.DIVERGED || resumedFrom == null) return false;
        fallbacks++;
        searched.reject(resumedFrom, resumedAt, "the replay resumed from it diverged (" + result.divergence().message()
                + "), so it is not believed and the replay runs again " + (fallbacks < 2 ? "from an earlier checkpoint" : "from the start"));
        for (Path f : writtenFiles) {
            try {
                if (Files.deleteIfExists(f)) written--;
            } catch (IOException e) {
                warnings.add("checkpoint " + f + ": written from that checkpoint's state and cannot be deleted: " + e.getMessage());
            }
        }
        writtenFiles.clear();
        ConsoleGate.Printed printed = gate == null ? null : gate.printed();
        if (gate != null && gate.mismatch() != null) warnings.add(gate.mismatch());
        journal.close();
        start(fallbacks < 2 ? resumedAt - 1 : 0, printed); // twice: the recording itself may diverge, at most 3 runs
        if (writing) listen();
        return true;
    }

    public Replayer replayer() { return replayer; }

    /** The icount the replay started from: a checkpoint's, or 0. */
    public long resumedAt() { return resumedAt; }

    /** Checkpoints written so far by {@link #writeCheckpoints}. */
    public long checkpointsWritten() { return written; }

    /** One line per checkpoint skipped (and, from the store, why), for the user's stderr. */
    public List<String> warnings() {
        List<String> all = new ArrayList<>(warnings);
        if (gate != null && gate.mismatch() != null) all.add(gate.mismatch());
        if (searched != null) all.addAll(searched.warnings());
        if (store != null && store != searched) all.addAll(store.warnings());
        return all;
    }

    /**
     * Leaves a checkpoint in {@code into} at every verified StateHash at a multiple of
     * {@code every} (rounded up to a multiple of the recording's state-hash interval; the
     * effective interval is returned) that has no readable one yet (or only one found wrong), where
     * {@link Replayer#checkpointable()}. A checkpoint that cannot be written ends the writing with a
     * warning; the replay goes on.
     */
    public long writeCheckpoints(CheckpointStore into, long every) throws IOException {
        long step = replayer.stateHashEvery();
        this.every = Math.max(step, (every + step - 1) / step * step);
        this.store = into;
        this.writing = true;
        listen();
        return this.every;
    }

    private void listen() {
        Set<Long> good = new TreeSet<>(); // those that read cleanly; damaged ones are rewritten
        for (var h : store.list()) good.add(h.icount());
        good.removeAll(store.rejected());
        if (searched != null && searched != store) good.removeAll(searched.rejected());
        replayer.onVerifiedMark(every, (r, icount) -> {
            if (!writing || good.contains(icount) || !r.checkpointable()) return;
            try {
                CheckpointStore.Written w = store.write(icount, r.position(), r.cpu(), r.cpu().memory, r.checkpointState());
                written++;
                if (resumedFrom != null) writtenFiles.add(w.file());
            } catch (IOException | RuntimeException e) {
                warnings.add("checkpoints are no longer written: " + (e instanceof FileSystemException f
                        ? f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName()) : e.getMessage()));
                writing = false;
            }
        });
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
