package dev.kerf.bench;

import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.RunResult;
import dev.kerf.emulator.replay.StateHasher;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalWriter;
import dev.kerf.recorder.EventSink;
import dev.kerf.recorder.Recorder;
import dev.kerf.recorder.RecordingTap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a recording's extra time goes, part by part, on the compute workload of
 * {@link RecordBench} (docs/benchmarks.md, "(a) again, with the block translator"): in one JVM,
 * after 3 warm-up rounds, N rounds of the plain run, the run with the recording tap writing to a
 * list, the run with the tap writing a real journal, then the tap's finish (flush, registers +
 * paged RAM hash of the pages written since the boot, End) and the journal's close, the pages
 * written, for comparison format 2's flat hash, the paged hash of every page without its cache
 * and with every page marked written, and {@link Recorder#run()} whole; medians and minima of the
 * guest thread's CPU time. Not a test; the figures depend on the load.
 * Usage: {@code java -Xss8m $(cat bench/target/kerf-bench.jvmflags) -cp bench/target/kerf-bench.jar
 * dev.kerf.bench.RecordParts [--root DIR] [--rounds N] [--only NAME-PREFIX]} after bench/build.sh
 * (default: the compute workload; {@code --only guest} the guest selftest, and so on).
 */
public final class RecordParts {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private RecordParts() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        int rounds = 30;
        String only = "compute";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                default -> {
                    System.err.println("usage: RecordParts [--root DIR] [--rounds N] [--only NAME-PREFIX]");
                    System.exit(2);
                }
            }
        }
        Path scratch = Files.createTempDirectory("kerf-recparts");
        try {
            String prefix = only;
            RecWorkload w = RecordBench.workloads(root, scratch, 1.0).stream().filter(x -> x.name().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no workload named " + prefix + "..."));
            Map<String, long[]> parts = new LinkedHashMap<>();
            for (int i = -3; i < rounds; i++) round(w, scratch, i, rounds, parts);
            System.out.printf(Locale.ROOT, "%s, %d rounds, guest-thread CPU, ms, load average %s%n%n", w.name(), rounds,
                    Files.readString(Path.of("/proc/loadavg")).trim());
            System.out.println("| part | median | min |");
            System.out.println("|---|---:|---:|");
            for (var e : parts.entrySet())
                System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f |%n", e.getKey(), RecordBench.median(e.getValue()) / 1e6,
                        Arrays.stream(e.getValue()).min().orElse(0) / 1e6);
        } finally {
            LogAnalysis.delete(scratch);
        }
    }

    private static void round(RecWorkload w, Path scratch, int i, int rounds, Map<String, long[]> parts) throws IOException {
        try (Machine m = Machine.boot(w.config(new ByteArrayOutputStream()))) {
            long c0 = cpu();
            check(m.run());
            put(parts, "plain run", i, rounds, cpu() - c0);
        }
        List<Event> events = new ArrayList<>();
        RecordingTap listTap = new RecordingTap(EventSink.of(events), Recorder.DEFAULT_HASH_EVERY);
        try (Machine m = Machine.boot(w.config(new ByteArrayOutputStream()), listTap)) {
            long c0 = cpu();
            check(m.run());
            put(parts, "run with the tap, events to a list", i, rounds, cpu() - c0);
        }
        Path dir = scratch.resolve("journal-" + i);
        try (JournalWriter journal = JournalWriter.create(dir)) {
            RecordingTap tap = new RecordingTap(EventSink.of(journal), Recorder.DEFAULT_HASH_EVERY);
            try (Machine m = Machine.boot(w.config(new ByteArrayOutputStream()), tap)) {
                long c0 = cpu();
                RunResult r = m.run();
                long c1 = cpu();
                check(r);
                int written = m.cpu().memory.pagesWritten();
                tap.finish(r); // its paged hash rehashes the pages written since the boot
                long c2 = cpu();
                journal.close();
                long c3 = cpu();
                StateHasher.fullFlat(m.cpu());
                long c4 = cpu();
                m.cpu().memory.recomputedRamHash();
                long c5 = cpu();
                m.cpu().memory.written(0, m.cpu().memory.size());
                long c6 = cpu();
                StateHasher.full(m.cpu());
                long c7 = cpu();
                put(parts, "run with the tap writing the journal", i, rounds, c1 - c0);
                put(parts, "the tap's finish: flush, registers + paged RAM hash (format 3), End", i, rounds, c2 - c1);
                put(parts, "the journal's close", i, rounds, c3 - c2);
                put(parts, "pages written since the boot (count, not ms: x 1e6)", i, rounds, written * 1_000_000L);
                put(parts, "for comparison: registers + flat RAM hash (format 2) alone", i, rounds, c4 - c3);
                put(parts, "for comparison: paged RAM hash of every page, uncached", i, rounds, c5 - c4);
                put(parts, "for comparison: registers + paged hash with every page marked written", i, rounds, c7 - c6);
            }
        }
        LogAnalysis.delete(dir);
        Path rec = scratch.resolve("rec-" + i);
        try (Recorder recorder = Recorder.start(rec, w.config(new ByteArrayOutputStream()), "bench", Recorder.DEFAULT_HASH_EVERY)) {
            long c0 = cpu();
            Recorder.Outcome o = recorder.run();
            put(parts, "Recorder.run() whole: run, finish, close", i, rounds, cpu() - c0);
            if (o.failure() != null) throw new IllegalStateException("journal write failed: " + o.failure());
            check(o.run());
        }
        LogAnalysis.delete(rec);
    }

    private static void check(RunResult r) {
        if (r.reason() != RunResult.Reason.EXIT) throw new IllegalStateException("the workload ended with " + r + " instead of a guest exit");
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static void put(Map<String, long[]> parts, String name, int i, int rounds, long nanos) {
        if (i >= 0) parts.computeIfAbsent(name, k -> new long[rounds])[i] = nanos;
    }
}
