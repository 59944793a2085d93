package dev.kerf.cli;

import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.EventKind;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Manifest;
import dev.kerf.formats.recording.Recording;
import dev.kerf.formats.snapshot.SnapshotFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code kerf info} says about a recording, gathered by reading its journal once for the
 * events and once for the excerpts' sizes. Opening the recording already checked every image's
 * SHA-256 and every excerpt's CRC, so a summary exists only for an intact recording.
 *
 * @param icount       instructions recorded (a cut-short recording: the last icount its events name)
 * @param end          the End event, or null when cut short
 * @param counts       events by kind (every kind present, zero included)
 * @param bytes        payload bytes by kind (a run of equal port reads counts in full for its first event;
 *                     excerpt framing is in {@code journalBytes} only)
 * @param excerpts     journal excerpts (batches)
 * @param journalBytes bytes of the excerpts (real data, not the queue file's sparse size)
 * @param portReads    IN instructions the journal answers: port reads, each read of a port block, port changes
 *                     (reads of a sticky port that repeat its value are in no event)
 * @param hostDuration the End event's host duration; for a cut-short recording, from the manifest's start time
 *                     to the journal file's last modification ({@link #hostFromMtime}); null if unknown
 * @param hostFromMtime true when {@code hostDuration} comes from the file's modification time
 */
record RecordingSummary(Path path, Manifest manifest, long icount, Event.End end, Map<EventKind, Long> counts,
                        Map<EventKind, Long> bytes, long portReads, long excerpts, long journalBytes, Duration hostDuration,
                        boolean hostFromMtime, SnapshotFile.Summary start) {

    static RecordingSummary of(Path path, Recording rec) throws IOException {
        Map<EventKind, Long> counts = new EnumMap<>(EventKind.class);
        Map<EventKind, Long> bytes = new EnumMap<>(EventKind.class);
        for (EventKind k : EventKind.values()) {
            counts.put(k, 0L);
            bytes.put(k, 0L);
        }
        long portReads = 0;
        Event.End end = null;
        try (JournalReader j = JournalReader.open(rec.journalDir())) {
            for (Event e; (e = j.next()) != null; ) {
                counts.merge(e.kind(), 1L, Long::sum);
                bytes.merge(e.kind(), (long) j.lastEventBytes(), Long::sum);
                if (e instanceof Event.PortBlock b) portReads += b.count();
                if (e instanceof Event.PortIn || e instanceof Event.PortChange) portReads++;
                if (e instanceof Event.End x) end = x;
            }
        }
        long excerpts = 0;
        long journalBytes = 0;
        try (JournalReader j = JournalReader.open(rec.journalDir())) {
            for (byte[] x; (x = j.nextExcerpt()) != null; ) {
                excerpts++;
                journalBytes += x.length;
            }
        }
        Duration host = end != null ? Duration.ofMillis(end.hostMillis()) : mtimeDuration(rec.manifest(), rec.journalDir());
        SnapshotFile.Summary start = rec.manifest().start() == null ? null
                : SnapshotFile.summary(rec.dir().resolve(Recording.IMAGES).resolve(rec.manifest().start().sha256()));
        return new RecordingSummary(path, rec.manifest(), rec.lastIcount(), end, counts, bytes, portReads, excerpts, journalBytes,
                host, end == null, start);
    }

    /** A cut-short recording has no End: its host time is guessed from the journal's last write. */
    private static Duration mtimeDuration(Manifest m, Path journal) throws IOException {
        Instant last = null;
        try (var files = Files.list(journal)) {
            for (Path p : files.toList()) {
                Instant t = Files.getLastModifiedTime(p).toInstant();
                if (last == null || t.isAfter(last)) last = t;
            }
        }
        try {
            Instant start = Instant.parse(m.startedAt());
            return last == null || last.isBefore(start) ? null : Duration.between(start, last);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    boolean cutShort() {
        return end == null;
    }

    long events() {
        long n = 0;
        for (long c : counts.values()) n += c;
        return n;
    }

    /** Guest time: with the host clock it followed host time; with the virtual clock 1 ns per instruction (plus idle skips, not recorded). */
    String guestDuration() {
        if ("virtual".equals(manifest.clock())) return String.format("%.3f s plus idle time (virtual clock: 1 ns per instruction)", icount / 1e9);
        return hostDuration == null ? "unknown" : String.format("%.3f s (host clock: as host time%s)", hostDuration.toMillis() / 1e3,
                hostFromMtime ? ", at least" : "");
    }

    List<Manifest.ImageRef> images() {
        List<Manifest.ImageRef> l = new ArrayList<>();
        if (manifest.kernel() != null) l.add(manifest.kernel());
        l.addAll(manifest.modules());
        if (manifest.start() != null) l.add(manifest.start());
        return l;
    }

    String endText() {
        if (end == null) return "none: cut short (the recorder was stopped abruptly; replay goes to the last complete batch)";
        return end.reason() + (end.reason() == EndReason.GUEST_EXIT ? " status " + end.status() : "");
    }
}
