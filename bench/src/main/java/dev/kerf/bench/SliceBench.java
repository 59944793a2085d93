package dev.kerf.bench;

import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.replay.StateHasher;
import dev.kerf.emulator.snapshot.CheckpointStore;
import dev.kerf.emulator.snapshot.CheckpointedReplay;
import dev.kerf.formats.recording.Recording;
import dev.kerf.formats.slice.FinalHash;
import dev.kerf.formats.slice.Section;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.slicer.SliceFiles;
import dev.kerf.slicer.time.TimeSliceReplay;
import dev.kerf.slicer.time.TimeSlicer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Time slices (issue 6, must-show 3): on a recording, the time of a full verified replay next to
 * the time to replay a time slice of a 10 % window in its middle, the time to make that slice
 * (seek from the start, or through checkpoints, then the window twice: once to slice, once to
 * verify), its size, and the final registers+RAM hash of the full replay at the window's end
 * next to the slice's. Medians of {@code --reps} runs.
 * {@code SliceBench --root REPO [--reps N] [--loops 20000000] [--scenario selftest]}.
 */
public final class SliceBench {
    private SliceBench() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        int reps = 5;
        long loops = 20_000_000;
        String scenario = "selftest";
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[i + 1]);
                case "--reps" -> reps = Integer.parseInt(args[i + 1]);
                case "--loops" -> loops = Long.parseLong(args[i + 1]);
                case "--scenario" -> scenario = args[i + 1];
                default -> throw new IllegalArgumentException("usage: SliceBench --root REPO [--reps N] [--loops N] [--scenario S]");
            }
        }
        Path tmp = Files.createTempDirectory("kerf-slicebench-");
        try {
            Path guest = root.resolve("examples/guest/build");
            RecWorkload os = new RecWorkload("guest " + scenario, guest.resolve("kernel.elf"), guest.resolve("initrd.tar"),
                    "scenario=" + scenario, "", null, null);
            RecWorkload compute = new RecWorkload("compute (loop + PIT 1 kHz)", root.resolve("examples/bench/build/pit.elf"), null,
                    "n=" + loops, "", null, null);
            System.out.printf(Locale.ROOT, "java %s, %d cpus, reps=%d%n%n", System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), reps);
            System.out.println("| recording | instructions | journal bytes | images bytes | full replay (ms) | window (10 %) | slice bytes"
                    + " | slice replay (ms) | slicing, no checkpoints (ms) | slicing via checkpoints (ms) | hash at TO: full replay | hash in slice |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
            for (RecWorkload w : new RecWorkload[] {os, compute}) {
                RecordRun.Recorded rec = RecordRun.record(w, tmp.resolve(w.name().replaceAll("[^a-z]", "")));
                row(w.name(), rec.dir(), rec.sample().icount(), rec.journalBytes(), reps);
            }
        } finally {
            try (var s = Files.walk(tmp)) {
                for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static void row(String name, Path rec, long icount, long journalBytes, int reps) throws IOException {
        long from = icount * 45 / 100, to = icount * 55 / 100;
        long[] full = new long[reps], replay = new long[reps], cold = new long[reps], warm = new long[reps];
        long[] hashAtTo = new long[1];
        byte[] bytes = null;
        for (int r = 0; r < reps; r++) {
            full[r] = fullReplay(rec, to, hashAtTo);
            long t0 = System.nanoTime();
            bytes = slice(rec, from, to, null);
            SliceFiles.verify(bytes, Path.of("bench.kslice"));
            cold[r] = System.nanoTime() - t0;
        }
        writeCheckpoints(rec);
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            try (CheckpointStore store = CheckpointStore.open(rec)) {
                SliceFiles.verify(slice(rec, from, to, store), Path.of("bench.kslice"));
            }
            warm[r] = System.nanoTime() - t0;
            Slice s = SliceReader.read(bytes, Path.of("bench.kslice"));
            long t1 = System.nanoTime();
            ReplayResult res = TimeSliceReplay.open(s, null).run();
            replay[r] = System.nanoTime() - t1;
            if (res.outcome() != ReplayResult.Outcome.STOPPED) throw new IllegalStateException(name + ": slice diverged: " + res.divergence());
        }
        Slice s = SliceReader.read(bytes, Path.of("bench.kslice"));
        Section fh = s.only(SectionType.FINAL_HASH);
        long inSlice = FinalHash.decode(s, fh).hash();
        long images;
        try (Recording r = Recording.open(rec)) {
            images = r.manifest().kernel().size() + r.manifest().modules().stream().mapToLong(m -> m.size()).sum();
        }
        System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %,d | %.0f | %,d..%,d | %,d | %.0f | %.0f | %.0f | 0x%016x | 0x%016x%s |%n", name, icount,
                journalBytes, images, ms(full), from, to, bytes.length, ms(replay), ms(cold), ms(warm), hashAtTo[0], inSlice,
                hashAtTo[0] == inSlice ? "" : " MISMATCH");
    }

    private static byte[] slice(Path rec, long from, long to, CheckpointStore store) throws IOException {
        try (Recording r = Recording.open(rec)) {
            return TimeSlicer.slice(r, rec.getFileName().toString(), store, from, to);
        }
    }

    /** A full verified replay; records the full hash at {@code to} on the way. */
    private static long fullReplay(Path rec, long to, long[] hashAtTo) throws IOException {
        try (Recording r = Recording.open(rec);
             CheckpointedReplay replay = CheckpointedReplay.open(ReplayBoot.of(r), r.journalDir(), null, 0, null)) {
            Replayer p = replay.replayer();
            long t0 = System.nanoTime();
            p.stopAt(to);
            if (p.run().outcome() != ReplayResult.Outcome.STOPPED) throw new IllegalStateException("replay did not reach " + to);
            long h0 = System.nanoTime();
            hashAtTo[0] = StateHasher.fullFlat(p.cpu()); // what a time slice's FINAL_HASH holds
            long hashing = System.nanoTime() - h0;
            p.stopAt(Long.MAX_VALUE);
            ReplayResult res = p.run();
            if (res.outcome() != ReplayResult.Outcome.COMPLETE) throw new IllegalStateException("full replay: " + res);
            return System.nanoTime() - t0 - hashing;
        }
    }

    private static void writeCheckpoints(Path rec) throws IOException {
        try (Recording r = Recording.open(rec); CheckpointStore store = CheckpointStore.open(rec);
             CheckpointedReplay replay = CheckpointedReplay.open(ReplayBoot.of(r), r.journalDir(), null, 0, null)) {
            replay.writeCheckpoints(store, 16 << 20);
            replay.replayer().run();
        }
    }

    private static double ms(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }
}
