package dev.kerf.bench;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InstructionHook;
import dev.kerf.emulator.hook.MemoryHook;
import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.KerfGuestProfile;
import dev.kerf.emulator.introspect.ProcessHistory;
import dev.kerf.emulator.introspect.ProcessTracker;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.snapshot.CheckpointStore;
import dev.kerf.emulator.snapshot.CheckpointedReplay;
import dev.kerf.formats.recording.Recording;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Replay-time analysis costs (issue 5, must-show 3 and 4), on one recording of a guest scenario
 * (host clock, as a user records), in one JVM:
 * <ul>
 *   <li>replay MIPS with no hooks, with introspection only (the process tracker: interrupt,
 *       privilege and CR3 hooks), with a memory-write hook, with an instruction hook — the
 *       modes interleaved round by round so machine-load drift hits them alike;</li>
 *   <li>seeking, on a longer compute recording ({@code examples/bench/build/pit.elf n=--seek-loops}):
 *       checkpoints every {@code --every} instructions are made by one replay, then for
 *       targets X across the recording the time to reach X through the nearest checkpoint
 *       (open + restore + run to X) next to the time from the start.</li>
 * </ul>
 * {@code ReplayBench --root REPO [--reps N] [--scenario selftest] [--every 16777216] [--seek-loops 20000000]}.
 */
public final class ReplayBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ReplayBench() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        int reps = 5;
        String scenario = "selftest";
        long every = 16 << 20;
        long seekLoops = 20_000_000;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[i + 1]);
                case "--reps" -> reps = Integer.parseInt(args[i + 1]);
                case "--scenario" -> scenario = args[i + 1];
                case "--every" -> every = Long.parseLong(args[i + 1]);
                case "--seek-loops" -> seekLoops = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("usage: ReplayBench --root REPO [--reps N] [--scenario S]"
                        + " [--every N] [--seek-loops N]");
            }
        }
        Path guest = root.resolve("examples/guest/build");
        RecWorkload w = new RecWorkload("guest " + scenario, guest.resolve("kernel.elf"), guest.resolve("initrd.tar"),
                "scenario=" + scenario, "", null, null);
        Path tmp = Files.createTempDirectory("kerf-replaybench-");
        try {
            RecordRun.Recorded rec = RecordRun.record(w, tmp.resolve("rec"));
            System.out.printf(Locale.ROOT, "java %s, %d cpus, %s: %,d instructions recorded, reps=%d, %s%n",
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), w.name(),
                    rec.sample().icount(), reps, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES));
            hooks(rec.dir(), reps);
            RecWorkload compute = new RecWorkload("compute (loop + PIT 1 kHz)", root.resolve("examples/bench/build/pit.elf"),
                    null, "n=" + seekLoops, "", null, null);
            RecordRun.Recorded long_ = RecordRun.record(compute, tmp.resolve("compute"));
            System.out.printf(Locale.ROOT, "%nseek workload: %s, %,d instructions recorded%n", compute.name(), long_.sample().icount());
            seek(long_.dir(), reps, every);
        } finally {
            try (var s = Files.walk(tmp)) {
                for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private record Mode(String name, Consumer<Cpu> attach) {}

    private static void hooks(Path rec, int reps) throws IOException {
        long[] counter = new long[1];
        List<Mode> modes = List.of(
                new Mode("no hooks", cpu -> { }),
                new Mode("introspection (process tracker)", cpu -> {
                    KerfGuestProfile profile = KerfGuestProfile.read(cpu.memory);
                    new ProcessTracker(profile, new GuestMemory(cpu.memory), new ProcessHistory(profile)).attach(cpu.hooks);
                }),
                new Mode("memory-write hook (counting)", cpu -> cpu.hooks.add(new MemoryHook() {
                    @Override public void written(Cpu c, int linear, int physical, int size, int value) { counter[0]++; }
                })),
                new Mode("instruction hook (counting)", cpu -> cpu.hooks.add((InstructionHook) c -> counter[0]++)));
        long[][] cpuNanos = new long[modes.size()][reps];
        long icount = 0;
        for (Mode m : modes) replayOnce(rec, m, null); // warm-up: JIT for every path
        for (int r = 0; r < reps; r++) {
            for (int i = 0; i < modes.size(); i++) {
                long[] t = new long[1];
                icount = replayOnce(rec, modes.get(i), t);
                cpuNanos[i][r] = t[0];
            }
        }
        System.out.println();
        System.out.println("| replay with | MIPS (CPU, median) | vs no hooks |");
        System.out.println("|---|---:|---:|");
        double base = icount / (median(cpuNanos[0]) / 1e9) / 1e6;
        for (int i = 0; i < modes.size(); i++) {
            double mips = icount / (median(cpuNanos[i]) / 1e9) / 1e6;
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.2f |%n", modes.get(i).name(), mips, mips / base);
        }
    }

    /** One verified replay with {@code mode}'s hooks; the CPU time of the run alone goes to {@code cpuNanos[0]}. */
    private static long replayOnce(Path rec, Mode mode, long[] cpuNanos) throws IOException {
        try (Recording opened = Recording.open(rec);
             CheckpointedReplay replay = CheckpointedReplay.open(ReplayBoot.of(opened), opened.journalDir(), null, 0, null)) {
            Replayer r = replay.replayer();
            mode.attach().accept(r.cpu());
            long c0 = THREADS.getCurrentThreadCpuTime();
            ReplayResult result = r.run();
            if (cpuNanos != null) cpuNanos[0] = THREADS.getCurrentThreadCpuTime() - c0;
            if (result.outcome() != ReplayResult.Outcome.COMPLETE) throw new IllegalStateException(mode.name() + ": " + result);
            return result.icount();
        }
    }

    private static void seek(Path rec, int reps, long every) throws IOException {
        long end;
        try (Recording opened = Recording.open(rec); CheckpointStore store = CheckpointStore.open(rec);
             CheckpointedReplay replay = CheckpointedReplay.open(ReplayBoot.of(opened), opened.journalDir(), null, 0, null)) {
            long interval = replay.writeCheckpoints(store, every);
            end = replay.replayer().run().icount();
            System.out.printf(Locale.ROOT, "%nseek: %d checkpoints every %,d instructions; %s on disk%n",
                    replay.checkpointsWritten(), interval, human(du(rec.resolve(CheckpointStore.DIR))));
        }
        System.out.println();
        System.out.println("| target X | nearest checkpoint | distance | seek via checkpoint (ms, median) | from the start (ms, median) |");
        System.out.println("|---:|---:|---:|---:|---:|");
        List<Long> targets = new ArrayList<>();
        for (double f : new double[] {0.1, 0.3, 0.5, 0.7, 0.9}) {
            long x = (long) (end * f);
            targets.add(x - x % every + 1000);     // just after a checkpoint
            targets.add(x - x % every + every - 1000); // just before the next one
        }
        for (long x : targets) {
            if (x >= end) continue;
            long[] via = new long[reps], cold = new long[reps];
            long nearest = 0;
            for (int r = 0; r < reps; r++) {
                long[] n = new long[1];
                via[r] = seekOnce(rec, x, true, n);
                nearest = n[0];
                cold[r] = seekOnce(rec, x, false, n);
            }
            System.out.printf(Locale.ROOT, "| %,d | %,d | %,d | %.0f | %.0f |%n", x, nearest, x - nearest,
                    median(via) / 1e6, median(cold) / 1e6);
        }
    }

    /** Wall time to stand at {@code x} (recording opened, checkpoint found and restored, replayed to x). */
    private static long seekOnce(Path rec, long x, boolean checkpoints, long[] resumedAt) throws IOException {
        long t0 = System.nanoTime();
        try (Recording opened = Recording.open(rec); CheckpointStore store = checkpoints ? CheckpointStore.open(rec) : null;
             CheckpointedReplay replay = CheckpointedReplay.open(ReplayBoot.of(opened), opened.journalDir(), store, x, null)) {
            replay.replayer().stopAt(x);
            ReplayResult r = replay.replayer().run();
            if (r.outcome() != ReplayResult.Outcome.STOPPED || r.icount() != x) throw new IllegalStateException("seek to " + x + ": " + r);
            resumedAt[0] = replay.resumedAt();
        }
        return System.nanoTime() - t0;
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static long du(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            long total = 0;
            for (Path p : s.filter(Files::isRegularFile).toList()) total += Files.size(p);
            return total;
        }
    }

    private static String human(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }
}
