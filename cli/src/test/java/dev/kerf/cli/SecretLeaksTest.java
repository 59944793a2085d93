package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.formats.slice.Section;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceFile;
import dev.kerf.formats.slice.SliceReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, must-show 3: the secrets of {@code scenario=leaks} (examples/guest, docs/guest.md) reach
 * no artifact kerf writes or prints once they are named — not in UTF-8, UTF-16LE or UTF-16BE, not as
 * the escaped text strace and JSON print. The scenario's programs spread them the hard ways: shards
 * (C) and Rebuild (Java, under minijvm) join a secret from pieces that are never adjacent in their
 * input, so it exists only in what the process computes; courier passes one through a pipe to
 * keeper in 5-byte writes; widen reads one as UTF-16BE and writes it as UTF-16BE and UTF-16LE.
 *
 * <p>Every test works in its own directory: every file in it is scanned (raw bytes, and each
 * section decoded when it is a kerf slice or log), and so is everything each kerf command printed
 * on stdout and stderr. The recording, the secret file and the time slice are private by design
 * (they hold the whole machine, or the secrets themselves) and live elsewhere. A derived artifact
 * is either written without the secrets or refused: non-zero exit, no file, and an error that names
 * the secret by number (or says that removing the named secrets stopped it replaying), never by
 * value. The control test shows that without named secrets the same artifacts do carry them, in
 * the forms searched for, so that a scan finding nothing means something.
 */
class SecretLeaksTest {
    /** shards (C) and Rebuild (Java) join it from the shuffled pieces of /secret/shards. */
    private static final String REBUILT = "Zephyr-Quokka-0451-Lantern";
    /** courier reads it from /secret/courier.key and pipes it to keeper, which prints it. */
    private static final String PIPED = "Marmot-Velvet-2208-Orbit";
    /** widen reads it as UTF-16BE from /secret/wide.be and writes it as UTF-16BE and UTF-16LE. */
    private static final String WIDE = "Orchid\u00e9e-Tundra";
    private static final List<String> SECRETS = List.of(REBUILT, PIPED, WIDE);
    private static final List<Charset> ENCODINGS =
            List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE);
    /** How a refusal names what it refused for: a secret's number, never its value. */
    private static final Pattern REFUSAL = Pattern.compile("secret #\\d+|with the secrets removed");

    @TempDir
    static Path tmp;
    /** Private: the recording holds every secret (it is the machine). */
    private static Path rec;
    /** Private: one secret a line, as {@code --secret-file} reads it. */
    private static Path secretFile;
    private static String ps;

    @BeforeAll
    static void record() throws Exception {
        Path priv = Files.createDirectories(tmp.resolve("private"));
        rec = priv.resolve("leaks.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=leaks"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).as("the scenario spreads its secrets").contains(REBUILT, PIPED);
        secretFile = priv.resolve("secrets.txt");
        Files.write(secretFile, String.join("\n", SECRETS).concat("\n").getBytes(StandardCharsets.UTF_8));
        Cli.Outcome p = Cli.run("", "ps", rec.toString(), "--json");
        assertThat(p.exitCode()).as(p.err()).isZero();
        ps = p.out();
    }

    /** (a) A secret rebuilt from pieces at run time: the slice holds only the pieces, what is made from it nothing more. */
    @Test
    void aSecretRebuiltFromPiecesReachesNoArtifact() throws Exception {
        Artifacts a = new Artifacts("shards");
        processSlices(a, "shards", REBUILT);
        a.assertNothingLeaked();
    }

    /** (b) A secret through a pipe: neither end's slices nor their retargets carry it; nor does keeper's slice with courier excluded. */
    @Test
    void aSecretPassedThroughAPipeReachesNoArtifactOfEitherEnd() throws Exception {
        Artifacts a = new Artifacts("pipe");
        processSlices(a, "courier", PIPED);
        processSlices(a, "keeper", PIPED);
        Path excluded = a.file("keeper-excl.kslice");
        Run s = a.kerf("slice", rec.toString(), "--process", "keeper", "--exclude-process", "courier", "-o", excluded.toString());
        assertSliced(s, excluded);
        retargetToSyscalls(a, excluded, "keeper-excl");
        a.assertNothingLeaked();
    }

    /** (c) A secret held in UTF-16 (read as BE, kept as BE and LE, written as both). */
    @Test
    void aSecretHeldInUtf16ReachesNoArtifact() throws Exception {
        Artifacts a = new Artifacts("wide");
        processSlices(a, "widen", WIDE);
        a.assertNothingLeaked();
    }

    /**
     * The JVM level: Rebuild joins REBUILT under minijvm (its strings are UTF-16 in memory). Its
     * slices, their JVM logs (and replay-jvm, which prints the program's output) and syscall logs.
     */
    @Test
    void aSecretRebuiltByAJavaProgramReachesNoJvmLog() throws Exception {
        Artifacts a = new Artifacts("jvm");
        for (List<String> naming : List.of(List.of("--secret", REBUILT), List.of("--secret-file", secretFile.toString()))) {
            String stem = naming.get(0).equals("--secret") ? "rebuild-secret" : "rebuild";
            Path slice = a.file(stem + ".kslice");
            List<String> args = new ArrayList<>(List.of("slice", rec.toString(), "--process", "minijvm", "-o", slice.toString()));
            args.addAll(naming);
            assertSliced(a.kerf(args.toArray(String[]::new)), slice);
            a.kerf("info", slice.toString(), "--json");
            Path log = a.file(stem + ".kjvm");
            Run r = a.kerf("retarget", slice.toString(), "--to", "jvm", "-o", log.toString());
            if (writtenOrRefused(r, log)) {
                a.kerf("info", log.toString());
                a.kerf("info", log.toString(), "--json");
                Run replay = a.kerf("replay-jvm", log.toString());
                assertThat(replay.code()).as(replay.err()).isZero();
            }
            writtenOrRefusedToStdout(a.kerf("retarget", slice.toString(), "--to", "jvm", "-o", "-"));
            retargetToSyscalls(a, slice, stem);
        }
        a.assertNothingLeaked();
    }

    /** Stages stack: a time slice over the four programs (private: it is the machine), then process slices of it, then their syscall logs. */
    @Test
    void processSlicesOfATimeSliceReachNoArtifact() throws Exception {
        Artifacts a = new Artifacts("time");
        long from = life("shards")[0] - 1000, to = life("widen")[1] + 1000;
        Path window = tmp.resolve("private/window.kslice");
        Run t = run("slice", rec.toString(), "--time", from + ".." + to, "-o", window.toString());
        assertThat(t.code()).as(t.err()).isZero();
        for (String process : List.of("shards", "keeper", "widen")) {
            Path slice = a.file(process + ".kslice");
            assertSliced(a.kerf("slice", window.toString(), "--process", process, "--secret-file", secretFile.toString(),
                    "-o", slice.toString()), slice);
            a.kerf("info", slice.toString(), "--json");
            retargetToSyscalls(a, slice, process);
        }
        a.assertNothingLeaked();
    }

    /**
     * Component slices of the functions that make the secrets: join_pieces writes the rebuilt secret,
     * swap_units reads UTF-16BE and writes UTF-16LE. Written without them, or refused.
     */
    @Test
    void componentSlicesOfTheFunctionsThatBuildTheSecretsReachNoArtifact() throws Exception {
        Artifacts a = new Artifacts("component");
        for (String spec : List.of("shards:join_pieces", "widen:swap_units")) {
            String stem = spec.substring(0, spec.indexOf(':'));
            for (List<String> naming : List.of(List.of("--secret-file", secretFile.toString()),
                    List.of("--secret", stem.equals("shards") ? REBUILT : WIDE))) {
                Path out = a.file(stem + (naming.get(0).equals("--secret") ? "-secret" : "") + ".kslice");
                List<String> args = new ArrayList<>(List.of("slice", rec.toString(), "--component", spec, "-o", out.toString()));
                args.addAll(naming);
                if (writtenOrRefused(a.kerf(args.toArray(String[]::new)), out)) {
                    a.kerf("info", out.toString(), "--json");
                    Run replay = a.kerf("replay", out.toString());
                    assertThat(replay.code()).as(replay.err()).isZero();
                }
            }
        }
        a.assertNothingLeaked();
    }

    /** The timeline shows console lines and system calls as text: with the secrets named, not theirs. */
    @Test
    void theTimelineWithTheSecretsNamedShowsNone() throws Exception {
        Artifacts a = new Artifacts("timeline");
        Path html = a.file("leaks.html");
        Run r = a.kerf("timeline", rec.toString(), "--secret-file", secretFile.toString(), "-o", html.toString());
        writtenOrRefused(r, html);
        a.assertNothingLeaked();
    }

    /**
     * Control: with no secret named, the same artifacts do carry the secrets, in the very forms the
     * other tests search for — so their finding nothing is not the scan's blindness.
     */
    @Test
    void withoutNamedSecretsTheArtifactsDoCarryThem() throws Exception {
        Artifacts a = new Artifacts("control");
        Map<String, Run> out = new LinkedHashMap<>();
        for (String process : List.of("shards", "keeper", "widen")) {
            Path slice = a.file(process + ".kslice");
            assertSliced(a.kerf("slice", rec.toString(), "--process", process, "-o", slice.toString()), slice);
            Path log = a.file(process + ".ksys");
            Run r = a.kerf("retarget", slice.toString(), "--to", "syscalls", "-o", log.toString());
            assertThat(r.code()).as(r.err()).isZero();
            out.put(process, a.kerf("strace", log.toString()));
            out.put(process + " json", a.kerf("strace", log.toString(), "--json"));
        }
        Path jvmSlice = a.file("rebuild.kslice");
        assertSliced(a.kerf("slice", rec.toString(), "--process", "minijvm", "-o", jvmSlice.toString()), jvmSlice);
        Run j = a.kerf("retarget", jvmSlice.toString(), "--to", "jvm", "-o", a.file("rebuild.kjvm").toString());
        assertThat(j.code()).as(j.err()).isZero();
        Path join = a.file("join.kslice"), swap = a.file("swap.kslice");
        assertThat(a.kerf("slice", rec.toString(), "--component", "shards:join_pieces", "-o", join.toString()).code()).isZero();
        assertThat(a.kerf("slice", rec.toString(), "--component", "widen:swap_units", "-o", swap.toString()).code()).isZero();

        assertThat(scanFile(a.file("widen.kslice"))).as("the UTF-16BE input, in widen's slice")
                .anyMatch(h -> h.contains("secret #2 in UTF-16BE"));
        assertThat(scanFile(a.file("widen.ksys"))).as("widen's writes, in its log")
                .anyMatch(h -> h.contains("secret #2 in UTF-16BE")).anyMatch(h -> h.contains("secret #2 in UTF-16LE"));
        assertThat(scan("strace", out.get("widen").rawOut())).as("widen's writes as strace prints them")
                .anyMatch(h -> h.contains("secret #2 in UTF-16LE as escaped text"))
                .anyMatch(h -> h.contains("secret #2 in UTF-16BE as escaped text"));
        assertThat(scan("strace --json", out.get("widen json").rawOut())).anyMatch(h -> h.contains("secret #2 in UTF-16LE as JSON"));
        assertThat(scanFile(a.file("shards.kslice"))).as("shards' slice holds only the pieces").isEmpty();
        assertThat(scanFile(a.file("shards.ksys"))).as("the rebuilt secret, in shards' log")
                .anyMatch(h -> h.contains("secret #0 in UTF-8"));
        assertThat(scan("strace", out.get("shards").rawOut())).anyMatch(h -> h.contains("secret #0 in UTF-8"));
        assertThat(scan("strace --json", out.get("shards json").rawOut())).anyMatch(h -> h.contains("secret #0 in UTF-8"));
        assertThat(scanFile(a.file("keeper.ksys"))).as("what keeper prints, in its log").anyMatch(h -> h.contains("secret #1 in UTF-8"));
        assertThat(scanFile(a.file("rebuild.kjvm"))).as("Rebuild's output, in its JVM log").anyMatch(h -> h.contains("secret #0 in UTF-8"));
        assertThat(scanFile(join)).anyMatch(h -> h.contains("secret #0 in UTF-8"));
        assertThat(scanFile(swap)).anyMatch(h -> h.contains("secret #2 in UTF-16BE")).anyMatch(h -> h.contains("secret #2 in UTF-16LE"));
    }

    // ---- the chain every program goes through ----

    /** Process slices of PROCESS naming its secret with --secret and all of them with --secret-file; then everything made from them. */
    private static void processSlices(Artifacts a, String process, String secret) throws IOException {
        Path bySecret = a.file(process + "-secret.kslice");
        assertSliced(a.kerf("slice", rec.toString(), "--process", process, "--secret", secret, "-o", bySecret.toString()), bySecret);
        Path byFile = a.file(process + ".kslice");
        assertSliced(a.kerf("slice", rec.toString(), "--process", process, "--secret-file", secretFile.toString(),
                "-o", byFile.toString()), byFile);
        a.kerf("info", byFile.toString());
        a.kerf("info", byFile.toString(), "--json");
        Run replay = a.kerf("replay", byFile.toString());
        assertThat(replay.code()).as(replay.err()).isZero();
        retargetToSyscalls(a, byFile, process);
        retargetToSyscalls(a, bySecret, process + "-secret");
        writtenOrRefusedToStdout(a.kerf("retarget", bySecret.toString(), "--to", "syscalls", "-o", "-"));
        // naming the secret again to retarget has the finished log scanned for it (the gate that exists before fingerprints)
        Path named = a.file(process + "-named.ksys");
        writtenOrRefused(a.kerf("retarget", byFile.toString(), "--to", "syscalls", "--secret", secret, "-o", named.toString()), named);
    }

    /** The syscall log of a slice (written or refused), and when written: strace as text and JSON, info, and its replay. */
    private static void retargetToSyscalls(Artifacts a, Path slice, String stem) throws IOException {
        Path log = a.file(stem + ".ksys");
        if (!writtenOrRefused(a.kerf("retarget", slice.toString(), "--to", "syscalls", "-o", log.toString()), log)) return;
        a.kerf("strace", log.toString());
        a.kerf("strace", log.toString(), "--json");
        a.kerf("info", log.toString(), "--json");
        Run replay = a.kerf("replay-syscalls", log.toString());
        assertThat(replay.code()).as(replay.err()).isZero();
    }

    /** A process slice with secrets named is written (it replays: the programs do not branch on the secrets' values). */
    private static void assertSliced(Run r, Path out) {
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out).exists();
    }

    /** True when the artifact was written; else it was refused as a refusal must be: non-zero, no file, the secret named by number. */
    private static boolean writtenOrRefused(Run r, Path out) {
        if (r.code() == 0) {
            assertThat(out).as("exit 0 but no file").exists();
            return true;
        }
        assertThat(r.code()).as("not a usage error or a bug: %s", r.err()).isNotIn(2, 70);
        assertThat(out).as("a refused artifact leaves no file: %s", r.err()).doesNotExist();
        assertThat(r.err()).as("the refusal says which secret, by number").containsPattern(REFUSAL);
        return false;
    }

    /** As {@link #writtenOrRefused} for {@code -o -}: refused means nothing reached stdout. */
    private static void writtenOrRefusedToStdout(Run r) {
        if (r.code() == 0) {
            assertThat(r.out()).as("exit 0 but nothing on stdout").isNotEmpty();
            return;
        }
        assertThat(r.code()).as("not a usage error or a bug: %s", r.err()).isNotIn(2, 70);
        assertThat(r.out()).as("a refused artifact sends nothing to stdout").isEmpty();
        assertThat(r.err()).containsPattern(REFUSAL);
    }

    /** firstIcount and lastIcount of the first process named NAME, from kerf ps --json. */
    private static long[] life(String name) {
        Matcher m = Pattern.compile("\"name\":\"" + name + "\",\"firstIcount\":(\\d+),\"lastIcount\":(\\d+),").matcher(ps);
        assertThat(m.find()).as("%s in %s", name, ps).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    // ---- scanning ----

    /** The files of one test's directory and what kerf printed for it. */
    private static final class Artifacts {
        private final Path dir;
        private final Map<String, byte[]> printed = new LinkedHashMap<>();

        Artifacts(String name) throws IOException {
            dir = Files.createDirectories(tmp.resolve(name));
        }

        Path file(String name) {
            return dir.resolve(name);
        }

        /** Runs kerf; its stdout and stderr join what is scanned. */
        Run kerf(String... args) {
            Run r = run(args);
            String label = "kerf " + Arrays.stream(args).map(s -> s.startsWith(tmp.toString()) ? Path.of(s).getFileName().toString() : s)
                    .reduce((x, y) -> x + " " + y).orElse("");
            printed.put(label + " (stdout)", r.rawOut());
            printed.put(label + " (stderr)", r.err().getBytes(StandardCharsets.UTF_8));
            return r;
        }

        /** Every file in the directory and every output printed: no secret in any form. */
        void assertNothingLeaked() throws IOException {
            List<String> hits = new ArrayList<>();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) hits.addAll(scanFile(f));
            }
            printed.forEach((label, bytes) -> hits.addAll(scan(label, bytes)));
            assertThat(hits).as("secrets found in what kerf wrote and printed (%d files, %d outputs scanned)",
                    fileCount(), printed.size()).isEmpty();
        }

        private long fileCount() throws IOException {
            try (Stream<Path> files = Files.walk(dir)) {
                return files.filter(Files::isRegularFile).count();
            }
        }
    }

    /** Hits in a file's raw bytes and, for a kerf slice or log, in each section as a reader decodes it. */
    private static List<String> scanFile(Path f) throws IOException {
        byte[] bytes = Files.readAllBytes(f);
        List<String> hits = new ArrayList<>(scan(f.getFileName().toString(), bytes));
        if (bytes.length >= 8 && SliceFile.hasMagic(Arrays.copyOf(bytes, 8))) {
            Slice slice = SliceReader.read(bytes, f);
            for (Section s : slice.sections()) hits.addAll(scan(f.getFileName() + " section " + s.type(), s.data()));
        }
        return hits;
    }

    /**
     * Every secret in every encoding, as raw bytes, as strace quotes bytes ({@code \x00O\x00r...})
     * and as that text inside a JSON string; one line per form found, naming the secret by number.
     */
    private static List<String> scan(String where, byte[] data) {
        String hay = new String(data, StandardCharsets.ISO_8859_1);
        List<String> hits = new ArrayList<>();
        for (int i = 0; i < SECRETS.size(); i++) {
            for (Charset cs : ENCODINGS) {
                byte[] form = SECRETS.get(i).getBytes(cs);
                String raw = new String(form, StandardCharsets.ISO_8859_1);
                String quoted = quoted(form);
                String json = quoted.replace("\\", "\\\\").replace("\"", "\\\"");
                String name = cs.name().replace("_", "-");
                if (hay.contains(raw)) hits.add(where + ": secret #" + i + " in " + name);
                if (!quoted.equals(raw) && hay.contains(quoted)) hits.add(where + ": secret #" + i + " in " + name + " as escaped text");
                if (!json.equals(quoted) && hay.contains(json)) hits.add(where + ": secret #" + i + " in " + name + " as JSON");
            }
        }
        return hits;
    }

    /** Bytes as kerf quotes them in strace lines and timeline titles (C escapes, {@code \xHH} for the rest). */
    private static String quoted(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            int c = x & 0xFF;
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> b.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
            }
        }
        return b.toString();
    }

    // ---- running kerf ----

    /** One kerf run, stdout kept as bytes (a log sent to stdout is binary). */
    private record Run(int code, byte[] rawOut, String err) {
        String out() {
            return new String(rawOut, StandardCharsets.UTF_8);
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        HostIo io = new HostIo(new ByteArrayInputStream(new byte[0]), out, new PrintWriter(err, true), false);
        int code = Kerf.commandLine(io).execute(args);
        return new Run(code, out.toByteArray(), err.toString());
    }
}
