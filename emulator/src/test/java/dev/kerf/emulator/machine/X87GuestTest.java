package dev.kerf.emulator.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kerf.emulator.cpu.NativeBuild;
import dev.kerf.testkit.HostPackages;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/x87test (issue 14, must-show 3): one C source of x87 cases built as a Multiboot guest
 * and as a host program. The guest runs on kerf (virtual clock) through the real decoder, ModRM
 * forms, #MF delivery and FNSAVE to memory; the host program runs the same cases on the host's
 * FPU. Everything before the transcendental group must be byte-identical; the transcendental
 * results must match the host's within {@link #MAX_ULPS} with the same flags apart from C1, PE
 * and UE (which follow from the last bit). On a difference both sides run again with "verbose"
 * (every random case printed) and the first differing line is shown.
 */
class X87GuestTest {
    private static final int RAM = 128 << 20;
    private static final long MAX_INSNS = 4_000_000_000L;
    /** The measured bound (docs/cpu.md): kerf's transcendentals against the host's. */
    static final long MAX_ULPS = 1;
    /** Flags that may differ with a one-ulp difference in a transcendental: C1 (round-up), PE, UE. */
    private static final int TRANS_SW_MASK = ~(0x0200 | 0x0020 | 0x0010);

    @TempDir
    Path dir;

    @Test
    void kerfPrintsWhatTheHostFpuPrints() throws Exception {
        Path host = buildHost();
        Path guest = QemuGuest.buildExample("x87test", "x87test.elf");
        String theirs = runHost(host, "");
        String ours = kerf(guest);
        assertThat(theirs).contains("x87test: done");
        String diff = QemuDifferentialTest.firstDifference(exact(theirs), exact(ours));
        if (diff != null) {
            String v = QemuDifferentialTest.firstDifference(exact(runHost(host, "verbose")), exact(runKerf(guest, "verbose")));
            diff = diff + "with every case printed: " + (v == null ? "no difference" : v);
        }
        assertThat(diff).as("kerf's x87test output differs from the host's (qemu> is the host here)").isNull();
        assertThat(ours).endsWith("x87test: done\n");

        Trans t = compareTranscendentals(theirs, ours);
        System.out.printf("x87test: %d exact cases identical; transcendental %d cases, %d identical, max %d ulps%n",
                cases(exact(ours)), t.cases, t.identical, t.maxUlps);
        assertThat(t.cases).isGreaterThan(1000);
        assertThat(t.problems).as("transcendentals outside %d ulps or with other flags", MAX_ULPS).isEmpty();
        assertThat(t.maxUlps).isLessThanOrEqualTo(MAX_ULPS);
    }

    /**
     * QEMU as a second reference for the transcendentals (it is not one for the exact part: see
     * docs/cpu.md): kerf must be at least as close to the host as QEMU is.
     */
    @Test
    void kerfTranscendentalsAreCloserToTheHostThanQemus() throws Exception {
        QemuGuest.requireQemu();
        Path host = buildHost();
        Path guest = QemuGuest.buildExample("x87test", "x87test.elf");
        String theirs = runHost(host, "");
        QemuGuest.Output q = QemuGuest.run(guest, "", 120);
        String qemu = new String(q.console(), StandardCharsets.ISO_8859_1);
        assertThat(qemu).contains("x87test: done");
        String ours = kerf(guest);
        Trans k = compareTranscendentals(theirs, ours), e = compareTranscendentals(theirs, qemu);
        System.out.printf("x87test transcendental vs host: kerf %d/%d identical (max %d ulps, %d flag differences),"
                + " QEMU %d/%d identical (max %s ulps, %d flag differences)%n", k.identical, k.cases, k.maxUlps,
                k.flagDiffs, e.identical, e.cases, e.maxUlps == Long.MAX_VALUE ? "inf" : e.maxUlps, e.flagDiffs);
        assertThat(e.cases).isEqualTo(k.cases);
        assertThat(k.identical).isGreaterThanOrEqualTo(e.identical);
        assertThat(k.maxUlps).isLessThanOrEqualTo(e.maxUlps);
    }

    /** The output before the transcendental group. */
    static String exact(String out) {
        int i = out.indexOf("== trans\n");
        return i < 0 ? out : out.substring(0, i);
    }

    private static long cases(String exact) {
        long n = 0;
        for (String l : exact.split("\n")) {
            int i = l.indexOf(" cases=");
            if (l.startsWith("== ") && i > 0) n += Long.parseLong(l.substring(i + 7, l.indexOf(' ', i + 1)));
        }
        return n;
    }

    record Trans(int cases, int identical, long maxUlps, int flagDiffs, List<String> problems) {}

    /** Compares the transcendental group line by line: same operands, results within ulps, flags. */
    static Trans compareTranscendentals(String reference, String other) {
        List<String> a = transLines(reference), b = transLines(other);
        assertThat(b).as("transcendental case count").hasSameSizeAs(a);
        int identical = 0, flagDiffs = 0;
        long max = 0;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            Map<String, String> x = fields(a.get(i)), y = fields(b.get(i));
            assertThat(y.get("a")).as("operand of case %d", i).isEqualTo(x.get("a"));
            long ulps = 0;
            for (String r : List.of("st0", "st1")) {
                if (x.containsKey(r) != y.containsKey(r)) ulps = Long.MAX_VALUE;
                else if (x.containsKey(r)) ulps = Math.max(ulps, ulps(x.get(r), y.get(r)));
            }
            int swx = hex(x, "sw"), swy = hex(y, "sw");
            // the result registers and the status word; the FNSAVE words' low halves (QEMU writes
            // the reserved high halves as 0 and records no opcode: the exact part covers those for kerf)
            if (ulps == 0 && swx == swy && (hex(x, "tw") & 0xFFFF) == (hex(y, "tw") & 0xFFFF)) {
                identical++;
                continue;
            }
            max = Math.max(max, ulps);
            boolean flags = (swx & TRANS_SW_MASK) != (swy & TRANS_SW_MASK)
                    || (hex(x, "cw") & 0xFFFF) != (hex(y, "cw") & 0xFFFF)
                    || (ulps == 0 && (hex(x, "tw") & 0xFFFF) != (hex(y, "tw") & 0xFFFF));
            if (flags) flagDiffs++;
            if ((flags || ulps > MAX_ULPS) && problems.size() < 40)
                problems.add("ulps=" + (ulps == Long.MAX_VALUE ? "inf" : ulps) + "\n  ref> " + a.get(i) + "\n  got> " + b.get(i));
        }
        return new Trans(a.size(), identical, max, flagDiffs, problems);
    }

    private static int hex(Map<String, String> fields, String key) {
        return (int) Long.parseLong(fields.get(key), 16);
    }

    private static List<String> transLines(String out) {
        int i = out.indexOf("== trans\n");
        assertThat(i).as("the transcendental group is printed").isGreaterThanOrEqualTo(0);
        List<String> lines = new ArrayList<>();
        for (String l : out.substring(i + 9).split("\n")) if (!l.startsWith("==") && !l.startsWith("x87test")) lines.add(l);
        return lines;
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        String[] t = line.split(" ");
        m.put("name", t[0]);
        for (int i = 1; i < t.length; i++) {
            int eq = t[i].indexOf('=');
            if (eq > 0) m.putIfAbsent(t[i].substring(0, eq), t[i].substring(eq + 1));
        }
        return m;
    }

    /** Distance in representable 80-bit values between two 20-hex-digit registers of one sign. */
    static long ulps(String x, String y) {
        if (x.equals(y)) return 0;
        int sx = Integer.parseInt(x.substring(0, 4), 16), sy = Integer.parseInt(y.substring(0, 4), 16);
        if ((sx ^ sy) >= 0x8000 || (sx & 0x7FFF) == 0x7FFF || (sy & 0x7FFF) == 0x7FFF) return Long.MAX_VALUE;
        BigInteger d = key(sx, x.substring(4)).subtract(key(sy, y.substring(4))).abs();
        return d.bitLength() > 62 ? Long.MAX_VALUE : d.longValue();
    }

    private static BigInteger key(int se, String sig) {
        // consecutive values of one exponent differ by 1; across an exponent step the key continues
        BigInteger s = new BigInteger(sig, 16).clearBit(63);
        return BigInteger.valueOf(se & 0x7FFF).shiftLeft(63).add(s);
    }

    /** The default run of the guest on kerf, shared by the two tests (the run is deterministic). */
    private static String kerfDefault;

    private static synchronized String kerf(Path kernel) {
        if (kerfDefault == null) kerfDefault = runKerf(kernel, "");
        return kerfDefault;
    }

    /** The guest on kerf, virtual clock, console captured. */
    private static String runKerf(Path kernel, String cmdline) {
        VirtualRun run = VirtualRun.of(kernel, cmdline, RAM, MAX_INSNS);
        RunResult result = run.result();
        assertThat(result.reason()).as("the guest's run ended by its debug exit: %s", result).isEqualTo(RunResult.Reason.EXIT);
        assertThat(result.exitStatus()).as("exit status (0 written to port 0xF4)").isEqualTo(1);
        return new String(run.console(), StandardCharsets.ISO_8859_1);
    }

    private String runHost(Path exe, String arg) throws IOException, InterruptedException {
        Path out = dir.resolve("host" + arg + ".txt");
        List<String> cmd = new ArrayList<>(List.of(exe.toString()));
        if (!arg.isEmpty()) cmd.add(arg);
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("x87test-host finished").isTrue();
        assertThat(p.exitValue()).as("x87test-host exit status").isZero();
        return Files.readString(out, StandardCharsets.ISO_8859_1);
    }

    /**
     * The host program through the example's Makefile: 32-bit (HOSTFLAGS=-m32) when that builds
     * and runs here, else x86-64. Skipped without gcc, except under CI=true.
     */
    private Path buildHost() throws IOException, InterruptedException {
        boolean x86 = System.getProperty("os.arch").matches("amd64|x86_64|x86|i386");
        if (!x86) assumeTrue("true".equals(System.getenv("CI")), "needs an x86 host");
        HostPackages.require(HostPackages.GCC, HostPackages.BINUTILS);
        Path src = QemuGuest.repoRoot().resolve("examples").resolve("x87test");
        Path log = dir.resolve("build.log");
        Path out32 = dir.resolve("b32"), out64 = dir.resolve("b64");
        if (NativeBuild.exec(List.of("make", "-s", "-C", src.toString(), "host", "OUT=" + out32, "HOSTFLAGS=-m32"), log) == 0
                && NativeBuild.exec(List.of(out32.resolve("x87test-host").toString()), dir.resolve("probe.txt")) == 0) {
            return out32.resolve("x87test-host");
        }
        int rc = NativeBuild.exec(List.of("make", "-s", "-C", src.toString(), "host", "OUT=" + out64), log);
        assertThat(rc).as("building x87test-host: %s", Files.exists(log) ? Files.readString(log) : "").isZero();
        return out64.resolve("x87test-host");
    }

    @Test
    void ulpsCountRepresentableValuesAcrossAnExponentStep() {
        assertThat(ulps("3fff8000000000000000", "3fff8000000000000000")).isZero();
        assertThat(ulps("3fff8000000000000001", "3fff8000000000000000")).isEqualTo(1);
        assertThat(ulps("3ffeffffffffffffffff", "3fff8000000000000000")).isEqualTo(1);
        assertThat(ulps("bfff8000000000000000", "3fff8000000000000000")).isEqualTo(Long.MAX_VALUE);
        assertThat(ulps("7fffc000000000000000", "7fffc000000000000000")).isZero();
    }

    @Test
    void transcendentalComparisonSeparatesLastBitsFromFlags() {
        String head = "x87test: exact checksum=0\n== trans\n";
        String ref = head + "fsin c=37f a=3fff8000000000000000 sw=3a20 cw=ffff037f tw=ffff3fff op=1fe st0=3ffed76aa47848677021\n"
                + "fcos c=37f a=3fff8000000000000000 sw=3820 cw=ffff037f tw=ffff3fff op=1ff st0=3ffe8a51407da8345c92\n";
        String oneUlpAndC1 = ref.replace("sw=3a20 cw=ffff037f tw=ffff3fff op=1fe st0=3ffed76aa47848677021",
                "sw=3820 cw=ffff037f tw=ffff3fff op=1fe st0=3ffed76aa47848677020");
        Trans t = compareTranscendentals(ref, oneUlpAndC1);
        assertThat(t.cases()).isEqualTo(2);
        assertThat(t.identical()).isEqualTo(1);
        assertThat(t.maxUlps()).isEqualTo(1);
        assertThat(t.problems()).isEmpty();
        Trans flags = compareTranscendentals(ref, ref.replace("sw=3820", "sw=3822")); // DE is not a last-bit effect
        assertThat(flags.flagDiffs()).isEqualTo(1);
        assertThat(flags.problems()).hasSize(1);
        Trans far = compareTranscendentals(ref, ref.replace("5c92", "5c95"));
        assertThat(far.maxUlps()).isEqualTo(3);
        assertThat(far.problems()).hasSize(1);
    }
}
