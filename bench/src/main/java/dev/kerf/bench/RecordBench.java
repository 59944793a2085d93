package dev.kerf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Record/replay benchmark (issue 4, must-show 5), measured in one run: record overhead against a
 * plain run, log bytes per million instructions, per guest minute, per timer interrupt and per
 * console output byte, replay speed against record speed, and the same workloads under QEMU's
 * {@code -icount rr=record/replay}. Run it through bench/record.sh; docs/benchmarks.md quotes it.
 *
 * <p>kerf runs in this JVM (no JVM start-up in any figure): for every workload, one warm-up
 * round, then {@code --reps} rounds (up to 4x more for short workloads) of run, record, replay in turn; figures are medians, in wall
 * time and in the guest thread's CPU time (steadier on a shared machine). Everything uses the
 * host clock, as {@code kerf run} and {@code kerf record} do by default, so idle time passes in
 * host time while running and recording and is skipped by the replay.
 */
public final class RecordBench {
    private RecordBench() {}

    /** The name {@code --only} selects the fixed-cost table by (whole processes, see {@link FixedCost}). */
    static final String FIXED = "fixed cost";

    /** Medians of one workload's rounds and its last recording's analysis. */
    record Row(RecWorkload w, int rounds, long icount, long lastRecNs, long runNs, long runCpu, long recNs, long recCpu, long repNs, long repCpu, long endHashCpu, long runCpuMin, long recCpuMin,
               long consoleBytes, LogAnalysis.Result log, QemuRr.Sample qemuRec, QemuRr.Sample qemuRep, long qemuLog) {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        int reps = 5;
        double scale = 1.0;
        boolean qemu = true;
        String only = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                case "--no-qemu" -> qemu = false;
                case "--only" -> only = args[++i];
                default -> {
                    System.err.println("usage: RecordBench [--root DIR] [--reps N] [--scale F] [--no-qemu] [--only NAME-PREFIX]");
                    System.exit(2);
                }
            }
        }
        Path scratch = Files.createTempDirectory("kerf-recbench");
        try {
            List<Row> rows = new ArrayList<>();
            boolean fixedOnly = !only.isEmpty() && FIXED.startsWith(only); // needs only the kerf jar and loop.elf
            if (!fixedOnly)
                for (RecWorkload w : workloads(root, scratch, scale)) if (w.name().startsWith(only)) rows.add(measure(w, reps, qemu, root, scratch));
            List<FixedCost.Result> fixed = null;
            if (FIXED.startsWith(only)) {
                System.err.println("== " + FIXED);
                fixed = FixedCost.measure(root, scratch, Math.max(3, 2 * reps)); // 10 pairs per launcher setting at the default --reps 5
            }
            System.out.printf(Locale.ROOT, "java %s, %d cpus, reps=%d, scale=%s, load average %s%n",
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), reps, scale,
                    Files.readString(Path.of("/proc/loadavg")).trim());
            if (!rows.isEmpty()) RecordReport.print(rows, qemu);
            if (fixed != null) FixedCost.print(fixed);
        } finally {
            LogAnalysis.delete(scratch);
        }
    }

    static List<RecWorkload> workloads(Path root, Path scratch, double scale) throws IOException {
        Path guest = root.resolve("examples/guest/build");
        Path kernel = guest.resolve("kernel.elf"), initrd = guest.resolve("initrd.tar");
        Path pcap = guest.resolve("net-sample.pcap");
        Path pit = root.resolve("examples/bench/build/pit.elf");
        for (Path p : List.of(kernel, initrd, pcap, pit)) {
            if (!Files.exists(p)) throw new IllegalStateException(p + " missing: run bench/record.sh (it builds them)");
        }
        Path disk = Files.write(scratch.resolve("disk.img"), diskImage(256 * 1024));
        String console = String.join("\n", "echo hello from the console", "ls /", "uname", "ps",
                "cat /etc/scenarios/smoke", "echo one two three | wc", "exit 0") + "\n";
        return List.of(
                new RecWorkload("compute (loop + PIT 1 kHz)", pit, null, "n=" + Math.round(5e6 * scale), "", null, null),
                new RecWorkload("guest selftest", kernel, initrd, "scenario=selftest", "", null, null),
                new RecWorkload("console (shell, 7 lines typed)", kernel, initrd, "", console, null, null),
                new RecWorkload("disk (wc /dev/hda, 256 KiB)", kernel, initrd, "", "wc /dev/hda\nexit 0\n", disk, null),
                new RecWorkload("network (scenario=net, sample pcap)", kernel, initrd, "scenario=net", "", null, pcap));
    }

    /** A fixed pseudo-random image (xorshift32): incompressible, and the same in every run. */
    private static byte[] diskImage(int size) {
        byte[] b = new byte[size];
        int x = 0x2545F491;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            b[i] = (byte) x;
        }
        return b;
    }

    private static Row measure(RecWorkload w, int reps, boolean qemu, Path root, Path scratch) throws Exception {
        System.err.println("== " + w.name());
        long started = System.nanoTime();
        RecordRun.Sample plain = RecordRun.run(w); // the warm-up round (JIT) is not counted
        LogAnalysis.delete(scratch.resolve("rec-warm"));
        RecordRun.Recorded last = RecordRun.record(w, scratch.resolve("rec-warm"));
        RecordRun.replay(w, last);
        int n = rounds(reps, plain.nanos());
        long[] runNs = new long[n], runCpu = new long[n], recNs = new long[n], recCpu = new long[n];
        long[] repNs = new long[n], repCpu = new long[n], hashCpu = new long[n];
        for (int i = 0; i < n; i++) {
            LogAnalysis.delete(last.dir());
            LogAnalysis.delete(scratch.resolve("rec" + i)); // the previous workload's last one
            if (i % 2 == 0) plain = RecordRun.run(w); // alternate the order: neither always runs on a warmer cache
            last = RecordRun.record(w, scratch.resolve("rec" + i));
            if (i % 2 == 1) plain = RecordRun.run(w);
            RecordRun.Sample replay = RecordRun.replay(w, last);
            runNs[i] = plain.nanos();
            runCpu[i] = plain.cpuNanos();
            hashCpu[i] = plain.endHashCpu();
            recNs[i] = last.sample().nanos();
            recCpu[i] = last.sample().cpuNanos();
            repNs[i] = replay.nanos();
            repCpu[i] = replay.cpuNanos();
        }
        if (!plain.console().equals(last.sample().console()))
            System.err.println("note: " + w.name() + ": run and record printed different output (host-clock timing)");
        LogAnalysis.Result log = LogAnalysis.of(last.dir().resolve("journal"), scratch.resolve("scratch"));
        QemuPair q = qemu ? qemu(w, root, scratch) : new QemuPair(null, null, -1);
        long consoleBytes = last.sample().console().length();
        System.err.printf(Locale.ROOT, "   %.1f s%n", (System.nanoTime() - started) / 1e9);
        return new Row(w, n, last.sample().icount(), last.sample().nanos(), median(runNs), median(runCpu), median(recNs), median(recCpu),
                median(repNs), median(repCpu), median(hashCpu), min(runCpu), min(recCpu), consoleBytes, log, q.record(), q.replay(), q.logBytes());
    }

    /** QEMU's rr record and replay of a workload; null where that run failed. */
    private record QemuPair(QemuRr.Sample record, QemuRr.Sample replay, long logBytes) {}

    /** A QEMU failure costs the workload its QEMU columns (and a note on stderr), not the whole run. */
    private static QemuPair qemu(RecWorkload w, Path root, Path scratch) throws IOException, InterruptedException {
        Path rr = scratch.resolve("qemu.rr");
        Path feeder = root.resolve("examples/guest/pcap-feed.py");
        QemuRr.Sample rec = null;
        long size = -1;
        try {
            rec = QemuRr.run(w, "record", rr, feeder, scratch);
            size = Files.size(rr);
            QemuRr.Sample rep = QemuRr.run(w, "replay", rr, feeder, scratch);
            if (!rep.console().equals(rec.console()))
                System.err.println("note: " + w.name() + ": QEMU replay printed something else than its recording");
            return new QemuPair(rec, rep, size);
        } catch (IllegalStateException e) {
            System.err.println("note: " + w.name() + ": QEMU rr failed: " + e.getMessage());
            return new QemuPair(rec, null, size);
        }
    }

    /**
     * Rounds for a workload whose warm-up run took {@code warmNanos}: at least {@code reps}, more
     * for short workloads (up to 4x) so that each figure rests on about 2.5 s of runs; a median of
     * a few 50 ms runs says little on a shared machine.
     */
    static int rounds(int reps, long warmNanos) {
        long wanted = (long) Math.ceil(2.5e9 / Math.max(1, warmNanos));
        return (int) Math.max(reps, Math.min(4L * reps, wanted));
    }

    static long min(long[] xs) {
        return Arrays.stream(xs).min().orElseThrow();
    }

    static long median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
