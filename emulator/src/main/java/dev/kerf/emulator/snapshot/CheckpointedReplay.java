package dev.kerf.emulator.snapshot;

import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.journal.Position;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A replay that starts from the nearest usable checkpoint at or before a wanted icount, and can
 * leave checkpoints behind as it goes. Checkpoints are a cache (issue 5): a missing, corrupt or
 * foreign one only costs time — it is skipped with a warning, the replay starts from an earlier
 * one or from the beginning, and the results are the same. Every replay, resumed or not, still
 * verifies each StateHash after its start.
 */
public final class CheckpointedReplay implements AutoCloseable {
    private final JournalReader journal;
    private final Replayer replayer;
    private final long resumedAt;
    private final List<String> warnings;
    /** Where checkpoints were looked for (its warnings are reported), or null. */
    private final CheckpointStore searched;
    private CheckpointStore store;
    private long written;
    private boolean writing;

    private CheckpointedReplay(JournalReader journal, Replayer replayer, long resumedAt, List<String> warnings,
                               CheckpointStore searched) {
        this.searched = searched;
        this.journal = journal;
        this.replayer = replayer;
        this.resumedAt = resumedAt;
        this.warnings = warnings;
    }

    /**
     * Opens the replay of the journal in {@code journalDir} at the latest checkpoint of
     * {@code store} at or before {@code from} (store null or from 0: at the beginning).
     */
    public static CheckpointedReplay open(ReplayBoot boot, Path journalDir, CheckpointStore store, long from,
                                          OutputStream console) throws IOException {
        List<String> warnings = new ArrayList<>();
        long limit = from;
        while (store != null && limit > 0) {
            Optional<Checkpoint> found = store.nearest(limit);
            if (found.isEmpty()) break;
            Checkpoint c = found.get();
            CheckpointedReplay resumed = resume(boot, journalDir, c, console, warnings, store);
            if (resumed != null) return resumed;
            limit = c.icount() - 1; // try an earlier one
        }
        JournalReader journal = JournalReader.open(journalDir);
        try {
            return new CheckpointedReplay(journal, new Replayer(boot, EventSource.of(journal), console), 0, warnings, store);
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    private static CheckpointedReplay resume(ReplayBoot boot, Path journalDir, Checkpoint c, OutputStream console,
                                             List<String> warnings, CheckpointStore store) throws IOException {
        Position at = c.position();
        JournalReader journal;
        try {
            journal = JournalReader.open(journalDir, at);
        } catch (FormatException e) {
            warnings.add(c.file() + ": skipped, its journal position does not fit the journal: " + e.getMessage());
            return null;
        }
        try {
            Replayer replayer = new Replayer(boot, EventSource.of(journal), at.inBlock(), console);
            if (replayer.cpu().memory.size() != boot.ramBytes()) throw new IllegalArgumentException("RAM size differs");
            c.restore(replayer.cpu(), replayer.cpu().memory);
            replayer.restoreCheckpointState(c.devices());
            return new CheckpointedReplay(journal, replayer, c.icount(), warnings, store);
        } catch (IllegalArgumentException e) {
            journal.close();
            warnings.add(c.file() + ": skipped, " + e.getMessage());
            return null;
        }
    }

    public Replayer replayer() { return replayer; }

    /** The icount the replay started from: a checkpoint's, or 0. */
    public long resumedAt() { return resumedAt; }

    /** Checkpoints written so far by {@link #writeCheckpoints}. */
    public long checkpointsWritten() { return written; }

    /** One line per checkpoint skipped (and, from the store, why), for the user's stderr. */
    public List<String> warnings() {
        List<String> all = new ArrayList<>(warnings);
        if (searched != null) all.addAll(searched.warnings());
        if (store != null && store != searched) all.addAll(store.warnings());
        return all;
    }

    /**
     * Leaves a checkpoint in {@code into} at every verified StateHash at a multiple of
     * {@code every} (rounded up to a multiple of the recording's state-hash interval; the
     * effective interval is returned) that has no readable one yet. A checkpoint that cannot be written ends
     * the writing with a warning; the replay goes on.
     */
    public long writeCheckpoints(CheckpointStore into, long every) throws IOException {
        java.util.Set<Long> good = new java.util.TreeSet<>(); // those that read cleanly; damaged ones are rewritten
        for (var h : into.list()) good.add(h.icount());
        long step = replayer.stateHashEvery();
        long interval = Math.max(step, (every + step - 1) / step * step);
        this.store = into;
        this.writing = true;
        replayer.onVerifiedMark(interval, (r, icount) -> {
            if (!writing || good.contains(icount)) return;
            try {
                store.write(icount, r.position(), r.cpu(), r.cpu().memory, r.checkpointState());
                written++;
            } catch (IOException | RuntimeException e) {
                warnings.add("checkpoints are no longer written: " + e.getMessage());
                writing = false;
            }
        });
        return interval;
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
