package dev.kerf.bench;

import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The recorder's fixed cost, as a user meets it: whole {@code kerf run} and {@code kerf record}
 * processes started through the {@code kerf} launcher (JVM start included, and the launcher's own
 * work: its staleness check, its class archive) of a guest that exits at once
 * ({@code examples/bench/build/loop.elf n=0}: 602 instructions), alternated, N of each; once with
 * the launcher's class archive (its default) and once with {@code KERF_CDS=0} (without it), the
 * two sets interleaved. Wall time around the process; CPU = user + system time of the process
 * (all its threads, and the launcher's short children) from {@code /usr/bin/time}. Every run must
 * exit 1 (the guest's status 0) and print the guest's line; every recording must open and end with
 * the final state hash and End. The difference columns are medians of the round-by-round
 * differences (each record against the run next to it). The caller has built the jar and the
 * archive ({@code ./kerf --version}) before: nothing here may rebuild them.
 */
final class FixedCost {
    /** Medians of the rounds of one launcher setting, in nanoseconds. */
    record Result(String setting, int rounds, long runWall, long runCpu, long recWall, long recCpu, long diffWall, long diffCpu,
                  long versionWall, long versionCpu) {}

    /** The launcher settings measured: the environment variable KERF_CDS's value, and the label. */
    private static final String[][] SETTINGS = {{"1", "class archive (default)"}, {"0", "KERF_CDS=0"}};

    private static final Path TIME = Path.of("/usr/bin/time");

    private FixedCost() {}

    static List<Result> measure(Path root, Path scratch, int rounds) throws IOException, InterruptedException {
        Path launcher = root.resolve("kerf");
        Path kernel = root.resolve("examples/bench/build/loop.elf");
        for (Path p : List.of(launcher, root.resolve("cli/target/kerf.jar"), kernel))
            if (!Files.exists(p)) throw new IllegalStateException(p + " missing: run bench/record.sh (it builds them)");
        List<String> run = List.of(launcher.toString(), "run", kernel.toString(), "--append", "n=0");
        List<String> version = List.of(launcher.toString(), "--version");
        int n = SETTINGS.length;
        long[][] runWall = new long[n][rounds], runCpu = new long[n][rounds], recWall = new long[n][rounds], recCpu = new long[n][rounds];
        long[][] verWall = new long[n][rounds], verCpu = new long[n][rounds];
        for (String[] setting : SETTINGS) time(run, setting[0], scratch, 1); // warm-up: the page cache holds the jar, the archive and the JDK's files
        for (int i = 0; i < rounds; i++) {
            for (int k = 0; k < n; k++) {
                int s = (k + i) % n; // alternate which setting goes first
                String cds = SETTINGS[s][0];
                Path out = scratch.resolve("fixed-" + i + "-" + s + ".kerf");
                List<String> record = List.of(launcher.toString(), "record", "-o", out.toString(), kernel.toString(), "--append", "n=0");
                long[] a, b;
                if (i % 2 == 0) { // alternate the order: neither always follows the other
                    a = time(run, cds, scratch, 1);
                    b = time(record, cds, scratch, 1);
                } else {
                    b = time(record, cds, scratch, 1);
                    a = time(run, cds, scratch, 1);
                }
                checkRecording(out);
                LogAnalysis.delete(out);
                long[] v = time(version, cds, scratch, 0);
                runWall[s][i] = a[0];
                runCpu[s][i] = a[1];
                recWall[s][i] = b[0];
                recCpu[s][i] = b[1];
                verWall[s][i] = v[0];
                verCpu[s][i] = v[1];
            }
        }
        List<Result> results = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            long[] diffWall = new long[rounds], diffCpu = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                diffWall[i] = recWall[s][i] - runWall[s][i];
                diffCpu[i] = recCpu[s][i] - runCpu[s][i];
            }
            results.add(new Result(SETTINGS[s][1], rounds, RecordBench.median(runWall[s]), RecordBench.median(runCpu[s]),
                    RecordBench.median(recWall[s]), RecordBench.median(recCpu[s]), RecordBench.median(diffWall),
                    RecordBench.median(diffCpu), RecordBench.median(verWall[s]), RecordBench.median(verCpu[s])));
        }
        return results;
    }

    /** Runs {@code cmd} under /usr/bin/time; returns {wall, cpu} in ns. */
    private static long[] time(List<String> cmd, String cds, Path scratch, int wantExit) throws IOException, InterruptedException {
        Path cpuFile = scratch.resolve("fixed.time");
        List<String> full = new ArrayList<>(List.of(TIME.toString(), "-f", "%U %S", "-o", cpuFile.toString()));
        full.addAll(cmd);
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(full);
        pb.environment().put("KERF_CDS", cds);
        Process p = pb.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("did not finish: " + cmd);
        }
        long wall = System.nanoTime() - t0;
        String text = new String(output, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (p.exitValue() != wantExit || wantExit == 1 && !text.contains("loop done"))
            throw new IllegalStateException("exit " + p.exitValue() + " (expected " + wantExit + ") from " + cmd + ": " + text);
        String[] us = Files.readString(cpuFile).trim().split("\\s+");
        long cpu = Math.round((Double.parseDouble(us[us.length - 2]) + Double.parseDouble(us[us.length - 1])) * 1e9);
        return new long[] {wall, cpu};
    }

    /** The recording opens, and its journal ends with the final state hash and End, as every recording must. */
    private static void checkRecording(Path dir) throws IOException {
        try (Recording r = Recording.open(dir); JournalReader j = JournalReader.open(r.journalDir())) {
            Event last = null, beforeLast = null;
            for (Event e; (e = j.next()) != null; ) {
                beforeLast = last;
                last = e;
            }
            if (!(last instanceof Event.End) || !(beforeLast instanceof Event.StateHash) || j.cutShort())
                throw new IllegalStateException(dir + ": the recording does not end with the final state hash and End");
        }
    }

    static void print(List<Result> results) {
        System.out.printf(Locale.ROOT, "%n(e) fixed cost: whole processes through the kerf launcher, a guest that exits at once"
                + " (loop.elf n=0, 602 instructions), medians of %d, ms%n%n", results.get(0).rounds());
        System.out.println("| launcher | kerf --version wall | --version CPU | kerf run wall | run CPU | kerf record wall | record CPU"
                + " | record − run wall (median of pairs) | record − run CPU (median of pairs) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results)
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %+.0f | %+.0f |%n", r.setting(),
                    ms(r.versionWall()), ms(r.versionCpu()), ms(r.runWall()), ms(r.runCpu()), ms(r.recWall()), ms(r.recCpu()),
                    ms(r.diffWall()), ms(r.diffCpu()));
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
