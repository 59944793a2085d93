package dev.kerf.cli.fuzz;

import dev.kerf.cli.HostIo;
import dev.kerf.cli.Kerf;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fuzz campaign over every reader kerf has: a recording directory (manifest, journal,
 * checkpoints and their page pack), a packed recording, time, process and component slices, a
 * syscall log, a JVM log, a pcap capture, a kernel ELF and a {@code --binary} ELF. It makes valid
 * seed files with the real CLI (record the example guest's scenarios, replay with checkpoints,
 * slice, retarget, pack), then runs the real CLI entry ({@link Kerf#commandLine}) in this process
 * on mutated copies ({@link Mutator}), one case at a time, and checks each case:
 * <ul>
 * <li>no exit 70 (internal error) and no stack trace on stderr, no Throwable out of the command line;</li>
 * <li>no hang: each case within {@code --timeout} seconds;</li>
 * <li>peak heap (the sum of the heap pools' peaks during the case) under {@code --heap-bound} MiB;</li>
 * <li>no file left behind: the case directory holds only its inputs (plus the output on exit 0,
 *     and checkpoints a replay may keep), and {@code java.io.tmpdir} (run it with a private one) is empty;</li>
 * <li>no terminal control byte (ESC, other C0 but newline and tab, DEL, C1) on stderr, nor on stdout of commands
 *     whose stdout is kerf's own text (not a guest's console).</li>
 * </ul>
 * Every case's bytes follow from (seed, target, case index), so any case is reproduced by
 * {@code --only TARGET --from K --cases 1}; failing inputs are also saved under WORK/failures.
 *
 * <pre>
 * FuzzCampaign --work DIR [--seed N] [--cases N | --scale X | --seconds T] [--only a,b] [--from K]
 *              [--timeout S] [--heap-bound MIB] [--report FILE]
 * </pre>
 * Prints one line per target and a summary; exits 0 when no case failed, 1 otherwise.
 */
public final class FuzzCampaign {
    /** A command on the case's input: args with {@code IN} for the input path, {@code OUT} for an output path. */
    record Command(List<String> args, boolean consoleOut, byte[] stdinOf) {
        static Command of(boolean consoleOut, String... args) {
            return new Command(List.of(args), consoleOut, null);
        }
    }

    /**
     * One reader under fuzz.
     *
     * @param base     the seed directory or file copied into each case (relative to the seeds directory)
     * @param mutated  the file mutated, relative to the case's copy of base ("" when base is the file)
     * @param weight   cases per unit of --scale (the default run's share)
     */
    record Target(String name, Layout layout, String base, String mutated, int weight, List<Command> commands) {}

    /** What one case did. */
    record Case(String target, int index, String mutation, String command, int exit, long millis, long heapBytes, String problem) {}

    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at [\\w$.]+\\([^)]*\\)\\s*$|Exception in thread|^Caused by: ");
    private static final long MIB = 1 << 20;

    private final Path work;
    private final Path seeds;
    private final Path tmp;
    private final long seed;
    private final long timeoutSeconds;
    private final long heapBound;
    private final PrintStream log;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(null, r, "fuzz-case", 64L << 20); // kerf runs with -Xss8m; the interpreter recurses
        t.setDaemon(true);
        return t;
    });
    private final List<Case> cases = new ArrayList<>();
    private final List<Case> failures = new ArrayList<>();

    FuzzCampaign(Path work, long seed, long timeoutSeconds, long heapBoundMiB, PrintStream log) {
        this.work = work;
        this.seeds = work.resolve("seeds");
        this.tmp = Path.of(System.getProperty("java.io.tmpdir"));
        this.seed = seed;
        this.timeoutSeconds = timeoutSeconds;
        this.heapBound = heapBoundMiB * MIB;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --option value, got " + args[i]);
            a.put(args[i].substring(2), args[i + 1]);
        }
        Path work = Path.of(a.getOrDefault("work", "target/fuzz")).toAbsolutePath();
        FuzzCampaign c = new FuzzCampaign(work, Long.decode(a.getOrDefault("seed", "20261207")),
                Long.parseLong(a.getOrDefault("timeout", "60")), Long.parseLong(a.getOrDefault("heap-bound", "512")), System.out);
        List<String> only = a.containsKey("only") ? List.of(a.get("only").split(",")) : null;
        int from = Integer.parseInt(a.getOrDefault("from", "0"));
        boolean ok = c.run(only, from, a.containsKey("cases") ? Integer.parseInt(a.get("cases")) : -1,
                Double.parseDouble(a.getOrDefault("scale", "1")), Double.parseDouble(a.getOrDefault("seconds", "0")),
                a.containsKey("report") ? Path.of(a.get("report")) : null);
        System.out.flush();
        Runtime.getRuntime().halt(ok ? 0 : 1); // a hung case's thread must not keep the JVM alive
    }

    /** Runs the campaign: fixed case counts (cases per target, or weight × scale), or as many rounds as fit in {@code seconds}. */
    boolean run(List<String> only, int from, int casesPerTarget, double scale, double seconds, Path report) throws Exception {
        long t0 = System.nanoTime();
        makeSeeds();
        log.printf("fuzz: seeds ready in %.1f s (%s); seed %d, per-case timeout %d s, heap bound %d MiB, max heap %d MiB%n",
                (System.nanoTime() - t0) / 1e9, seeds, seed, timeoutSeconds, heapBound / MIB, Runtime.getRuntime().maxMemory() / MIB);
        List<Target> targets = targets().stream().filter(t -> only == null || only.contains(t.name())).toList();
        long started = System.nanoTime();
        boolean hung = false;
        if (seconds > 0) { // rounds of one case per target until the time is up: same cases as a count-based run of that length
            for (int k = from; !hung && (System.nanoTime() - started) / 1e9 < seconds; k++) {
                for (Target t : targets) if (!hung) hung = runCase(targets.indexOf(t), t, k);
            }
        } else {
            for (Target t : targets) {
                int n = casesPerTarget >= 0 ? casesPerTarget : (int) Math.max(1, Math.round(t.weight() * scale));
                for (int k = from; k < from + n && !hung; k++) hung = runCase(targets.indexOf(t), t, k);
                if (hung) break;
            }
        }
        summary(targets, (System.nanoTime() - started) / 1e9, report);
        return failures.isEmpty();
    }

    // ---------------------------------------------------------------- seeds

    /** Valid inputs made by the real CLI; kept across runs in WORK/seeds (delete it to remake them). */
    private void makeSeeds() throws Exception {
        if (Files.exists(seeds.resolve(".complete"))) return;
        deleteTree(seeds);
        Files.createDirectories(seeds);
        Path root = Path.of(System.getProperty("kerf.root", "."));
        Path guest = root.resolve("examples/guest");
        make(guest, "all");
        make(guest, "pcap");
        Path build = guest.resolve("build");
        Path kernel = build.resolve("kernel.elf"), initrd = build.resolve("initrd.tar");
        Files.copy(kernel, seeds.resolve("kernel.elf"));
        Files.copy(build.resolve("variants/buggy-O0"), seeds.resolve("buggy-O0"));
        Files.copy(build.resolve("net-sample.pcap"), seeds.resolve("net.pcap"));
        Files.copy(initrd, seeds.resolve("initrd.tar"));

        Path rec = seeds.resolve("rec.kerf");
        Result r = cli(null, "record", "-o", rec.toString(), kernel.toString(), "--module", initrd.toString(), "--mem", "32M",
                "--clock", "virtual", "--append", "scenario=bugreport");
        Matcher buggy = Pattern.compile("buggy\\[(\\d+)\\]: page fault").matcher(r.out());
        if (r.exit() != 1 || !buggy.find()) throw new IllegalStateException("recording the bugreport scenario: " + r);
        expect(cli(null, "replay", "-q", rec.toString(), "--checkpoint-every", "1M"), "replay with checkpoints");
        compactJournal(rec.resolve("journal"));
        // cut with a secret (in every form) so the slice and the syscall log derived from it carry a
        // FINGERPRINTS section for the readers to be fuzzed on; the secret occurs nowhere, so both verify
        expect(cli(null, "slice", rec.toString(), "--process", buggy.group(1), "--secret", "fuzz-seed-secret-7f3a9c",
                "--secret-forms", "-o", seeds.resolve("process.kslice").toString()), "process slice");
        expect(cli(null, "slice", rec.toString(), "--time", "1900K..2M", "-o", seeds.resolve("time.kslice").toString()), "time slice");
        expect(cli(null, "slice", rec.toString(), "--component", "buggy:parse_*", "-o", seeds.resolve("component.kslice").toString()),
                "component slice");
        expect(cli(null, "retarget", seeds.resolve("process.kslice").toString(), "--to", "syscalls", "-o", seeds.resolve("buggy.ksys").toString()),
                "syscall log");
        for (String carrier : List.of("process.kslice", "buggy.ksys")) {
            if (dev.kerf.formats.slice.SliceReader.read(seeds.resolve(carrier))
                    .all(dev.kerf.formats.slice.SectionType.FINGERPRINTS).isEmpty()) {
                throw new IllegalStateException("seed " + carrier + " carries no FINGERPRINTS section");
            }
        }
        expect(cli(null, "pack", rec.toString(), "-o", seeds.resolve("rec.kpack").toString()), "pack");

        Path jrec = work.resolve("jvm.kerf");
        deleteTree(jrec);
        Result j = cli(null, "record", "-o", jrec.toString(), kernel.toString(), "--module", initrd.toString(), "--mem", "32M",
                "--clock", "virtual", "--append", "scenario=jvm");
        if (j.exit() != 1) throw new IllegalStateException("recording the jvm scenario: " + j);
        Result ps = expect(cli(null, "ps", jrec.toString()), "ps of the jvm recording");
        Matcher minijvm = Pattern.compile("(?m)^\\s*(\\d+)\\s+\\d+\\s+minijvm\\b").matcher(ps.out());
        if (!minijvm.find()) throw new IllegalStateException("no minijvm process in: " + ps.out());
        Path jslice = work.resolve("jvm.kslice");
        expect(cli(null, "slice", jrec.toString(), "--process", minijvm.group(1), "-o", jslice.toString()), "jvm process slice");
        expect(cli(null, "retarget", jslice.toString(), "--to", "jvm", "-o", seeds.resolve("inventory.kjvm").toString()), "JVM log");
        deleteTree(jrec);
        Files.deleteIfExists(jslice);
        Files.writeString(seeds.resolve(".complete"), "seeds made by FuzzCampaign\n");
    }

    /** The queue file is sparse and tens of MiB long: keep its written part (the reader stops at the end of the file). */
    private static void compactJournal(Path journal) throws IOException {
        Files.deleteIfExists(journal.resolve("metadata.cq4t")); // Chronicle's own table store: kerf's reader ignores it
        Path q = journal.resolve("19700101H.cq4");
        byte[] b = Files.readAllBytes(q);
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) end--;
        end = Math.min(b.length, (end + 3) & ~3);
        Files.write(q, Arrays.copyOf(b, end));
    }

    private static void make(Path dir, String goal) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("make", "-s", "-C", dir.toString(), goal).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) throw new IllegalStateException("make -C " + dir + " " + goal + " failed");
    }

    private static Result expect(Result r, String what) {
        if (r.exit() != 0) throw new IllegalStateException(what + ": " + r);
        return r;
    }

    // ---------------------------------------------------------------- targets

    static List<Target> targets() {
        String insns = "--max-insns";
        return List.of(
                new Target("manifest", Layout.RAW, "rec.kerf", "manifest.json", 20, List.of(
                        Command.of(false, "info", "IN"), Command.of(false, "info", "IN", "--json"),
                        Command.of(true, "replay", "-q", "IN", "--to", "300K"))),
                new Target("journal", Layout.JOURNAL, "rec.kerf", "journal/19700101H.cq4", 25, List.of(
                        Command.of(false, "info", "IN"), Command.of(true, "replay", "-q", "IN"), Command.of(false, "ps", "IN"),
                        Command.of(false, "slice", "IN", "--time", "1900K..2M", "-o", "OUT.kslice"),
                        Command.of(false, "timeline", "IN", "-o", "OUT.html"))),
                // --from past the checkpoint at 2097152 and on to the end: a restored state that differs is seen at the final hash
                new Target("checkpoint", Layout.CHECKPOINT, "rec.kerf", "checkpoints/00000000000002097152.kcp", 10, List.of(
                        Command.of(true, "replay", "-q", "IN", "--from", "2100000"))),
                new Target("pagepack", Layout.RAW, "rec.kerf", "checkpoints/pages.kpp", 4, List.of(
                        Command.of(true, "replay", "-q", "IN", "--from", "2100000"))),
                new Target("pack", Layout.PACK, "rec.kpack", "", 24, List.of(
                        Command.of(false, "unpack", "IN", "-o", "OUT.kerf"), Command.of(false, "info", "IN"))),
                new Target("time-slice", Layout.SLICE, "time.kslice", "", 12, List.of(
                        Command.of(false, "info", "IN"), Command.of(true, "replay", "-q", "IN"))),
                new Target("process-slice", Layout.SLICE, "process.kslice", "", 28, List.of(
                        Command.of(false, "info", "IN"), Command.of(true, "replay", "IN"), new Command(List.of("info", "-"), false, new byte[0]),
                        Command.of(false, "retarget", "IN", "--to", "syscalls", "-o", "OUT.ksys"))),
                new Target("component-slice", Layout.SLICE, "component.kslice", "", 24, List.of(
                        Command.of(false, "info", "IN"), Command.of(true, "replay", "IN"))),
                new Target("ksys", Layout.SLICE, "buggy.ksys", "", 24, List.of(
                        Command.of(false, "strace", "IN"), Command.of(false, "replay-syscalls", "IN"), Command.of(false, "info", "IN"))),
                new Target("kjvm", Layout.SLICE, "inventory.kjvm", "", 16, List.of(
                        Command.of(true, "replay-jvm", "IN"), Command.of(false, "info", "IN"))),
                new Target("pcap", Layout.PCAP, "net.pcap", "", 4, List.of(
                        Command.of(true, "run", "SEEDS/kernel.elf", "--module", "SEEDS/initrd.tar", "--mem", "32M", "--clock", "virtual",
                                "--append", "scenario=net", "--net-in", "IN", insns, "1500K"))),
                new Target("kernel-elf", Layout.ELF, "kernel.elf", "", 12, List.of(
                        Command.of(true, "run", "IN", "--module", "SEEDS/initrd.tar", "--mem", "32M", "--clock", "virtual",
                                "--append", "scenario=smoke", insns, "200K"))),
                new Target("binary-elf", Layout.ELF, "buggy-O0", "", 16, List.of(
                        Command.of(false, "replay-syscalls", "SEEDS/buggy.ksys", "--binary", "IN"))));
    }

    // ---------------------------------------------------------------- cases

    /** Runs case {@code k} of {@code t}; true when it hung (the campaign then stops: its thread cannot be stopped). */
    private boolean runCase(int targetIndex, Target t, int k) throws IOException {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + targetIndex * 1_000_003L + k);
        Path dir = work.resolve("case");
        deleteTree(dir);
        cleanTmp(); // what the seeds' making or a hung case left is not this case's
        Files.createDirectories(dir);
        Path base = seeds.resolve(t.base());
        Path copy = dir.resolve(base.getFileName());
        copyTree(base, copy, t.name().equals("checkpoint") || t.name().equals("pagepack"));
        Path in = t.mutated().isEmpty() ? copy : copy.resolve(t.mutated());
        byte[] seedBytes = Files.readAllBytes(in);
        Mutator.Mutation m = Mutator.mutate(seedBytes, t.layout(), r);
        Files.write(in, m.bytes());
        Command c = t.commands().get(k % t.commands().size());
        String outArg = c.args().stream().filter(s -> s.startsWith("OUT")).findFirst().orElse("OUT.bin");
        Path out = dir.resolve("out" + outArg.substring(3)); // OUT.kerf, OUT.html, ...: the extension the command wants
        List<String> args = new ArrayList<>();
        for (String s : c.args()) args.add(s.equals("IN") ? copy.toString() : s.startsWith("OUT") ? out.toString()
                : s.startsWith("SEEDS/") ? seeds.resolve(s.substring(6)).toString() : s);
        byte[] stdin = c.stdinOf() != null ? m.bytes() : new byte[0];
        TreeSet<String> before = listing(dir);

        System.gc(); // the peak measured is this case's, not the garbage of the one before
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
        long t0 = System.nanoTime();
        Future<Result> f = runner.submit(() -> cli(stdin, args.toArray(String[]::new)));
        Result res;
        String problem = null;
        boolean hung = false;
        try {
            res = f.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            res = new Result(-1, "", "", null);
            problem = "hang: no exit within " + timeoutSeconds + " s";
            hung = true;
        } catch (InterruptedException | ExecutionException e) {
            res = new Result(-1, "", "", e);
            problem = "harness: " + e;
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        long heap = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) heap += p.getPeakUsage().getUsed();

        if (problem == null) problem = check(res, c, heap, dir, before, out);
        Case cs = new Case(t.name(), k, m.what(), String.join(" ", c.args()), res.exit(), millis, heap, problem);
        cases.add(cs);
        if (problem != null) {
            failures.add(cs);
            Path saved = work.resolve("failures").resolve(t.name() + "-" + k + "-" + in.getFileName());
            Files.createDirectories(saved.getParent());
            Files.write(saved, m.bytes());
            log.printf("fuzz: FAIL %s case %d [%s] kerf %s: %s (input saved as %s)%n", t.name(), k, m.what(), String.join(" ", args),
                    problem, saved);
            if (res.thrown() != null) res.thrown().printStackTrace(log);
            else if (!res.err().isEmpty()) log.print(indent(res.err()));
        }
        if (!hung) {
            deleteTree(dir);
            cleanTmp();
        }
        return hung;
    }

    /** The first problem with a finished case, or null. */
    private String check(Result res, Command c, long heap, Path dir, TreeSet<String> before, Path out) throws IOException {
        if (res.thrown() != null) return "threw " + res.thrown();
        if (res.exit() == 70) return "exit 70 (internal error): " + firstLine(res.err());
        if (STACK_FRAME.matcher(res.err()).find()) return "stack trace on stderr";
        if (controlByte(res.err()) >= 0) return "control byte 0x" + Integer.toHexString(controlByte(res.err())) + " on stderr";
        if (!c.consoleOut() && controlByte(res.out()) >= 0)
            return "control byte 0x" + Integer.toHexString(controlByte(res.out())) + " on stdout";
        if (heap > heapBound) return "peak heap " + heap / MIB + " MiB over the bound of " + heapBound / MIB + " MiB";
        List<String> left = new ArrayList<>();
        String outName = dir.relativize(out).toString();
        for (String p : listing(dir)) {
            if (before.contains(p)) continue;
            if (wrote(res.exit()) && (p.equals(outName) || p.startsWith(outName + "/"))) continue; // the output of a success
            if (p.matches(".*/checkpoints(/(\\d{20}\\.kcp|pages\\.kpp))?")) continue; // a replay's checkpoint cache
            left.add(p);
        }
        if (!wrote(res.exit()) && Files.exists(out)) left.add(outName + " (output of a failed command)");
        try (Stream<Path> s = Files.list(tmp)) {
            s.forEach(p -> left.add(p.toString()));
        }
        return left.isEmpty() ? null : "left behind: " + left;
    }

    /** Exit statuses that come with an output: success, and a cut-short recording (output up to its last batch, exit 18). */
    private static boolean wrote(int exit) {
        return exit == 0 || exit == 18;
    }

    /** A byte a terminal may obey: C0 but newline, tab and CR, DEL, C1 (as UTF-8 U+0080..U+009F). */
    static int controlByte(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if ((ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') || (ch >= 0x7F && ch <= 0x9F)) return ch;
        }
        return -1;
    }

    // ---------------------------------------------------------------- report

    private void summary(List<Target> targets, double seconds, Path report) throws IOException {
        StringBuilder b = new StringBuilder();
        Map<Integer, Integer> all = new TreeMap<>();
        for (Target t : targets) {
            List<Case> mine = cases.stream().filter(c -> c.target().equals(t.name())).toList();
            if (mine.isEmpty()) continue;
            Map<Integer, Integer> hist = new TreeMap<>();
            for (Case c : mine) {
                hist.merge(c.exit(), 1, Integer::sum);
                all.merge(c.exit(), 1, Integer::sum);
            }
            Case slow = mine.stream().max(Comparator.comparingLong(Case::millis)).orElseThrow();
            Case big = mine.stream().max(Comparator.comparingLong(Case::heapBytes)).orElseThrow();
            long failed = mine.stream().filter(c -> c.problem() != null).count();
            b.append(String.format("fuzz: %-16s %5d cases, %d failed; exits %s; slowest %d ms (case %d: %s); peak heap %d MiB (case %d)%n",
                    t.name(), mine.size(), failed, hist, slow.millis(), slow.index(), slow.command(), big.heapBytes() / MIB, big.index()));
        }
        Case slow = cases.stream().max(Comparator.comparingLong(Case::millis)).orElse(null);
        Case big = cases.stream().max(Comparator.comparingLong(Case::heapBytes)).orElse(null);
        b.append(String.format("fuzz: %d cases in %.1f s, %d failed; exits %s", cases.size(), seconds, failures.size(), all));
        if (slow != null) b.append(String.format("; slowest %d ms (%s case %d: %s, %s); largest peak heap %d MiB (%s case %d)",
                slow.millis(), slow.target(), slow.index(), slow.command(), slow.mutation(), big.heapBytes() / MIB, big.target(), big.index()));
        b.append('\n');
        log.print(b);
        if (report != null) {
            StringBuilder tsv = new StringBuilder("target\tcase\texit\tmillis\theapMiB\tcommand\tmutation\tproblem\n");
            for (Case c : cases) tsv.append(String.join("\t", c.target(), String.valueOf(c.index()), String.valueOf(c.exit()),
                    String.valueOf(c.millis()), String.valueOf(c.heapBytes() / MIB), c.command(), c.mutation(),
                    c.problem() == null ? "" : c.problem())).append('\n');
            Files.writeString(report, tsv + "\n" + b);
        }
    }

    // ---------------------------------------------------------------- plumbing

    record Result(int exit, String out, String err, Throwable thrown) {
        @Override
        public String toString() {
            return "exit " + exit + (thrown != null ? ", threw " + thrown : "") + "\n" + err;
        }
    }

    /** The real entry, in this process, with captured streams. */
    static Result cli(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        HostIo io = new HostIo(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin), out, new PrintWriter(err, true), false);
        try {
            int code = Kerf.commandLine(io).execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(), null);
        } catch (Throwable t) { // an Error (OutOfMemoryError, StackOverflowError) is a finding, not the harness's end
            return new Result(-1, out.toString(StandardCharsets.UTF_8), err.toString(), t);
        }
    }

    private static TreeSet<String> listing(Path dir) throws IOException {
        TreeSet<String> s = new TreeSet<>();
        try (Stream<Path> w = Files.walk(dir)) {
            w.filter(p -> !p.equals(dir)).forEach(p -> s.add(dir.relativize(p).toString()));
        }
        return s;
    }

    private static void copyTree(Path from, Path to, boolean withCheckpoints) throws IOException {
        try (Stream<Path> w = Files.walk(from)) {
            for (Path p : w.toList()) {
                Path rel = from.relativize(p);
                if (!withCheckpoints && rel.startsWith("checkpoints")) continue;
                Path d = to.resolve(rel.toString());
                if (Files.isDirectory(p)) Files.createDirectories(d);
                else Files.copy(p, d, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private void cleanTmp() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            for (Path p : s.toList()) deleteTree(p);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> w = Files.walk(p)) {
            for (Path q : w.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(q);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String indent(String s) {
        StringBuilder b = new StringBuilder();
        for (String l : s.split("\n", 20)) b.append("    | ").append(l.length() > 300 ? l.substring(0, 300) + "..." : l).append('\n');
        return b.toString();
    }
}
