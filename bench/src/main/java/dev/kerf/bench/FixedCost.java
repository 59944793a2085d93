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
 * processes (JVM start included, as the {@code kerf} launcher starts them: {@code java} with the
 * flags of {@code cli/target/kerf.jvmflags} on {@code cli/target/kerf.jar}) of a guest that exits
 * at once ({@code examples/bench/build/loop.elf n=0}: 602 instructions), alternated, N of each.
 * Wall time around the process; CPU = user + system time of the process (all its threads) from
 * {@code /usr/bin/time}. Every run must exit 1 (the guest's status 0) and print the guest's line;
 * every recording must open and end with the final state hash and End. The difference columns are
 * medians of the round-by-round differences (each record against the run next to it).
 */
final class FixedCost {
    /** Medians of the rounds, in nanoseconds. */
    record Result(int rounds, long runWall, long runCpu, long recWall, long recCpu, long diffWall, long diffCpu, long versionWall, long versionCpu) {}

    private static final Path TIME = Path.of("/usr/bin/time");

    private FixedCost() {}

    static Result measure(Path root, Path scratch, int rounds) throws IOException, InterruptedException {
        Path jar = root.resolve("cli/target/kerf.jar");
        Path flags = root.resolve("cli/target/kerf.jvmflags");
        Path kernel = root.resolve("examples/bench/build/loop.elf");
        for (Path p : List.of(jar, flags, kernel))
            if (!Files.exists(p)) throw new IllegalStateException(p + " missing: run bench/record.sh (it builds them)");
        List<String> java = new ArrayList<>(List.of("java", "-Xss8m"));
        java.addAll(List.of(Files.readString(flags).trim().split("\\s+")));
        java.addAll(List.of("-jar", jar.toString()));
        List<String> run = new ArrayList<>(java);
        run.addAll(List.of("run", kernel.toString(), "--append", "n=0"));
        List<String> version = new ArrayList<>(java);
        version.add("--version");
        long[] runWall = new long[rounds], runCpu = new long[rounds], recWall = new long[rounds], recCpu = new long[rounds];
        long[] verWall = new long[rounds], verCpu = new long[rounds];
        time(run, scratch, 1); // warm-up: the page cache holds the jar and the JDK's files
        for (int i = 0; i < rounds; i++) {
            Path out = scratch.resolve("fixed-" + i + ".kerf");
            List<String> record = new ArrayList<>(java);
            record.addAll(List.of("record", "-o", out.toString(), kernel.toString(), "--append", "n=0"));
            long[] a, b;
            if (i % 2 == 0) { // alternate the order: neither always follows the other
                a = time(run, scratch, 1);
                b = time(record, scratch, 1);
            } else {
                b = time(record, scratch, 1);
                a = time(run, scratch, 1);
            }
            checkRecording(out);
            LogAnalysis.delete(out);
            long[] v = time(version, scratch, 0);
            runWall[i] = a[0];
            runCpu[i] = a[1];
            recWall[i] = b[0];
            recCpu[i] = b[1];
            verWall[i] = v[0];
            verCpu[i] = v[1];
        }
        long[] diffWall = new long[rounds], diffCpu = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            diffWall[i] = recWall[i] - runWall[i];
            diffCpu[i] = recCpu[i] - runCpu[i];
        }
        return new Result(rounds, RecordBench.median(runWall), RecordBench.median(runCpu), RecordBench.median(recWall),
                RecordBench.median(recCpu), RecordBench.median(diffWall), RecordBench.median(diffCpu),
                RecordBench.median(verWall), RecordBench.median(verCpu));
    }

    /** Runs {@code cmd} under /usr/bin/time; returns {wall, cpu} in ns. */
    private static long[] time(List<String> cmd, Path scratch, int wantExit) throws IOException, InterruptedException {
        Path cpuFile = scratch.resolve("fixed.time");
        List<String> full = new ArrayList<>(List.of(TIME.toString(), "-f", "%U %S", "-o", cpuFile.toString()));
        full.addAll(cmd);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
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

    static void print(Result r) {
        System.out.printf(Locale.ROOT, "%n(e) fixed cost: whole processes, a guest that exits at once (loop.elf n=0, 602 instructions),"
                + " medians of %d, ms%n%n", r.rounds());
        System.out.println("| kerf --version wall | --version CPU | kerf run wall | run CPU | kerf record wall | record CPU"
                + " | record − run wall (median of pairs) | record − run CPU (median of pairs) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %+.0f | %+.0f |%n", ms(r.versionWall()), ms(r.versionCpu()),
                ms(r.runWall()), ms(r.runCpu()), ms(r.recWall()), ms(r.recCpu()), ms(r.diffWall()), ms(r.diffCpu()));
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
