package dev.kerf.emulator.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.testkit.HostPackages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's must-show items for the guest OS (examples/guest): the build is reproducible, and the
 * unattended scenarios print the same bytes and exit with the same status under qemu-system-i386
 * (the reference) and under kerf's Machine with a virtual clock, which also repeats exactly.
 * Outputs are compared with examples/guest/expected/, the files check.sh holds QEMU to (net: kerf
 * only, fed from the sample capture; check.sh feeds QEMU the same frames through pcap-feed.py).
 */
class GuestScenarioTest {
    private static final int RAM = 32 << 20;              // run-qemu.sh's -m 32
    private static final long MAX_INSNS = 2_000_000_000L; // >100x a scenario (selftest: 11.8 M): a runaway stops
    private static final long QEMU_TIMEOUT_SECONDS = 120;
    private static final Duration KERF_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern SUMMARY = Pattern.compile("(?m)^selftest: (\\d+)/(\\d+) checks passed$");
    private static final Pattern JVM_SUMMARY = Pattern.compile("(?m)^jvmselftest: (\\d+)/(\\d+) checks passed$");
    private static final Pattern FAULT =
            Pattern.compile("(?m)^buggy\\[\\d+\\]: page fault at 0x[0-9a-f]{8}, eip 0x[0-9a-f]{8}$");
    /** What make copies into a fresh tree (as check.sh does); pcap-feed.py is only for the net sample. */
    private static final List<String> SOURCES = List.of("Makefile", "kernel", "user", "rootfs", "java");

    /** The guest images, built by make in examples/guest/build (a no-op when up to date). */
    private record Images(Path kernel, Path initrd) {
        static Images build() throws IOException, InterruptedException {
            Path kernel = QemuGuest.buildExample("guest", "kernel.elf");
            return new Images(kernel, kernel.resolveSibling("initrd.tar"));
        }
    }

    /** The NE2000's input capture and where to write what the guest sends. */
    private record Network(Path in, Path out) {}

    /** A kerf run: COM1 as text and how it ended. */
    private record KerfRun(String console, RunResult result) {}

    @Test
    void twoBuildsGiveIdenticalImages(@TempDir Path tmp) throws Exception {
        Path guest = QemuGuest.repoRoot().resolve("examples").resolve("guest");
        Path outOfTree = tmp.resolve("out");
        QemuGuest.make(guest, "B=" + outOfTree);          // same sources, another build directory
        Path copy = tmp.resolve("src");
        for (String name : SOURCES) copyTree(guest.resolve(name), copy.resolve(name));
        QemuGuest.make(copy);                             // another source directory, default build/
        Images inTree = Images.build();                   // what the other tests boot

        for (String image : List.of("kernel.elf", "initrd.tar")) {
            byte[] first = Files.readAllBytes(outOfTree.resolve(image));
            assertThat(first).as("%s is empty", image).isNotEmpty();
            assertThat(Files.readAllBytes(copy.resolve("build").resolve(image)))
                    .as("%s differs between the out-of-tree build and the build of a copied tree", image)
                    .isEqualTo(first);
            assertThat(Files.readAllBytes(inTree.kernel().resolveSibling(image)))
                    .as("%s differs between the out-of-tree build and examples/guest/build", image)
                    .isEqualTo(first);
        }
    }

    @Test
    void selftestPassesAndPrintsTheSameUnderKerfAndQemu() throws Exception {
        QemuGuest.requireQemu();
        Images images = Images.build();
        QemuGuest.Output qemu = runQemu(images, "selftest");
        KerfRun kerf = runKerf(images, "selftest");

        assertSameAsQemu(kerf, qemu);
        Matcher summary = SUMMARY.matcher(kerf.console());
        assertThat(summary.find()).as("selftest's summary line is missing:\n%s", kerf.console()).isTrue();
        assertThat(summary.group(1)).as("checks passed: %s", summary.group()).isEqualTo(summary.group(2));
        assertThat(kerf.console()).as("a failed check").doesNotContainPattern("(?m)^FAIL ");
        assertMatchesExpected("selftest", kerf);
    }

    @Test
    void bugreportRunsToCompletionTheSameUnderKerfAndQemu() throws Exception {
        QemuGuest.requireQemu();
        Images images = Images.build();
        QemuGuest.Output qemu = runQemu(images, "bugreport");
        KerfRun kerf = runKerf(images, "bugreport");

        assertSameAsQemu(kerf, qemu);
        assertThat(kerf.console())
                .contains("login: bob: vault returned a 18-byte secret")
                .containsPattern(FAULT)
                .contains("buggy exited with status 139")
                .contains("== after the crash ==")
                .endsWith("kernel: init exited with status 0, powering off\n");
        assertMatchesExpected("bugreport", kerf);
    }

    @Test
    void smokeShellTourPrintsTheSameUnderKerfAndQemu() throws Exception {
        QemuGuest.requireQemu();
        Images images = Images.build();
        QemuGuest.Output qemu = runQemu(images, "smoke");
        KerfRun kerf = runKerf(images, "smoke", null);

        assertSameAsQemu(kerf, qemu);
        assertMatchesExpected("smoke", kerf);
    }

    /**
     * Issue 7's Java scenario: minijvm runs Inventory on two orders; the second ends in an uncaught
     * NumberFormatException printed with HotSpot's stack trace format, and the shell goes on.
     */
    @Test
    void jvmScenarioPrintsTheSameUnderKerfAndQemu() throws Exception {
        QemuGuest.requireQemu();
        Images images = Images.build();
        QemuGuest.Output qemu = runQemu(images, "jvm");
        KerfRun kerf = runKerf(images, "jvm");

        assertSameAsQemu(kerf, qemu);
        assertThat(kerf.console())
                .contains("Initech: 5 lines, total 125.99\nminijvm exited with status 0\n")
                .contains("Exception in thread \"main\" java.lang.NumberFormatException: For input string: \"12x\"\n"
                        + "\tat Inventory.quantity(Inventory.java:")
                .contains("\tat Inventory.main(Inventory.java:")
                .contains("minijvm exited with status 1\n== after the exception ==")
                .doesNotContain("minijvm: ");
        assertMatchesExpected("jvm", kerf);
    }

    /**
     * minijvm's subset, feature by feature: JvmSelfTest (examples/guest/java) passes every check under
     * kerf and QEMU alike (the same program passes them on a host JVM: its expectations are Java's).
     */
    @Test
    void jvmSelfTestPassesUnderKerfAndQemu() throws Exception {
        QemuGuest.requireQemu();
        Images images = Images.build();
        QemuGuest.Output qemu = runQemu(images, "jvmselftest");
        KerfRun kerf = runKerf(images, "jvmselftest");

        assertSameAsQemu(kerf, qemu);
        Matcher summary = JVM_SUMMARY.matcher(kerf.console());
        assertThat(summary.find()).as("JvmSelfTest's summary line is missing:\n%s", kerf.console()).isTrue();
        assertThat(summary.group(1)).as("checks passed: %s", summary.group()).isEqualTo(summary.group(2));
        assertThat(Integer.parseInt(summary.group(2))).as("checks run").isGreaterThanOrEqualTo(70);
        assertThat(kerf.console()).as("a failed check").doesNotContainPattern("(?m)^FAIL ");
        assertThat(kerf.console()).as("minijvm's refusals: one line and status 2 each")
                .contains("minijvm: class NoSuchClass not found (no /java/NoSuchClass.class)\nstatus 2\n")
                .contains("minijvm: unsupported bytecode 0x86 (float and double are not supported) in bad.UsesFloat.main")
                .contains("minijvm: bad class file /java/bad/Truncated.class: truncated at offset ");
        assertMatchesExpected("jvmselftest", kerf);
    }

    /**
     * Issue 13's privacy scenario: shards (C) and Rebuild (Java, under minijvm) rebuild the secret
     * their input file holds in shuffled pieces, courier's key crosses a pipe to keeper, widen keeps
     * a UTF-16BE text in both byte orders. What they print is checked against the rootfs files they read (so the cli privacy
     * test's secrets really are in the programs' memory and output), under kerf and QEMU alike.
     */
    @Test
    void leaksScenarioSpreadsItsSecretsTheSameUnderKerfAndQemu() throws Exception {
        QemuGuest.requireQemu();
        Images images = Images.build();
        QemuGuest.Output qemu = runQemu(images, "leaks");
        KerfRun kerf = runKerf(images, "leaks");

        assertSameAsQemu(kerf, qemu);
        Path secrets = QemuGuest.repoRoot().resolve("examples/guest/rootfs/secret");
        String[] pieces = new String[16];
        int count = 0;
        for (String line : Files.readAllLines(secrets.resolve("shards"), StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("#") || !line.contains(":")) continue;
            int index = Integer.parseInt(line.substring(0, line.indexOf(':')));
            pieces[index] = line.substring(line.indexOf(':') + 1);
            count++;
        }
        String rebuilt = String.join("", java.util.Arrays.copyOf(pieces, count));
        assertThat(Files.readString(secrets.resolve("shards"), StandardCharsets.ISO_8859_1)).as("the input holds only pieces")
                .doesNotContain(rebuilt);
        String key = Files.readAllLines(secrets.resolve("courier.key"), StandardCharsets.ISO_8859_1).get(0);
        long units = (Files.size(secrets.resolve("wide.be")) - 2) / 2;
        assertThat(kerf.console())
                .contains("shards: " + count + " pieces make " + rebuilt.length() + " bytes: " + rebuilt + "\n")
                .contains("keeper: stored " + key.length() + " bytes in /tmp/received: " + key + "\n")
                .contains("courier: sent " + key.length() + " bytes in " + (key.length() + 4) / 5 + " writes; keeper exited with status 0\n")
                .contains("widen: " + units + " UTF-16 code units, written as /tmp/wide.be and /tmp/wide.le\n")
                .contains("rebuild: " + count + " pieces make " + rebuilt.length() + " characters: " + rebuilt + "\n")
                .endsWith("kernel: init exited with status 0, powering off\n");
        assertMatchesExpected("leaks", kerf);
    }

    /**
     * scenario=net fed from the sample capture ({@code make pcap}). Under QEMU check.sh feeds the
     * same frames through pcap-feed.py and records expected/net.out; kerf paces them by their
     * timestamps, so here kerf is held to that file.
     */
    @Test
    void netServesTheSampleCaptureAsUnderQemu(@TempDir Path tmp) throws Exception {
        HostPackages.require(HostPackages.PYTHON3); // make pcap runs pcap-feed.py
        Images images = Images.build();
        QemuGuest.make(QemuGuest.repoRoot().resolve("examples/guest"), "pcap");
        Path sample = images.kernel().resolveSibling("net-sample.pcap");
        KerfRun kerf = runKerf(images, "net", new Network(sample, tmp.resolve("sent.pcap")));

        assertThat(kerf.result().reason()).as("kerf: %s", kerf.result()).isEqualTo(RunResult.Reason.EXIT);
        assertMatchesExpected("net", kerf);
        assertThat(Files.size(tmp.resolve("sent.pcap"))).as("netsrv's answers were captured").isGreaterThan(24);
    }

    @Test
    void selftestUnderTheVirtualClockRepeatsExactly() throws Exception {
        Images images = Images.build();
        KerfRun first = runKerf(images, "selftest");
        KerfRun second = runKerf(images, "selftest");

        assertThat(first.result().reason()).as("first run: %s", first.result()).isEqualTo(RunResult.Reason.EXIT);
        assertThat(second.console()).isEqualTo(first.console());
        assertThat(second.result()).isEqualTo(first.result()); // same status and the same icount
    }

    /**
     * JVM-CONTRACT.md section 2 as the host finds it: /bin/minijvm holds the magic exactly once, in a
     * writable (data) segment, version 1, and four distinct hook addresses, each in an executable
     * segment at a bare {@code ret} (so [ESP+4] is the argument at the hook's first instruction).
     */
    @Test
    void minijvmCarriesOneExportWithFourHooks() throws Exception {
        Images images = Images.build();
        byte[] elf = Files.readAllBytes(images.kernel().resolveSibling("root").resolve("bin").resolve("minijvm"));
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = "KERFJVM1".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(elf, magic, 0);
        assertThat(at).as("export magic").isNotNegative();
        assertThat(indexOf(elf, magic, at + 1)).as("a second copy of the magic").isNegative();
        assertThat(segmentFlags(b, at)).as("segment of the export: PF_R|PF_W").isEqualTo(6);
        assertThat(b.getInt(at + 8)).as("version").isEqualTo(1);
        List<Integer> hooks = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int addr = b.getInt(at + 12 + 4 * i);
            int off = fileOffset(b, addr);
            assertThat(off).as("hook %d at 0x%x is in no segment", i, addr).isNotNegative();
            assertThat(segmentFlags(b, off) & 1).as("hook %d's segment is executable", i).isEqualTo(1);
            assertThat(elf[off] & 0xFF).as("hook %d at 0x%x is a bare ret", i, addr).isEqualTo(0xC3);
            hooks.add(addr);
        }
        assertThat(hooks).doesNotHaveDuplicates();
    }

    private static int indexOf(byte[] data, byte[] what, int from) {
        outer:
        for (int i = from; i <= data.length - what.length; i++) {
            for (int k = 0; k < what.length; k++) if (data[i + k] != what[k]) continue outer;
            return i;
        }
        return -1;
    }

    /** ELF32 program headers: the file offset of a virtual address in a PT_LOAD segment, or -1. */
    private static int fileOffset(ByteBuffer elf, int vaddr) {
        for (int i = 0; i < (elf.getShort(44) & 0xFFFF); i++) {
            int ph = elf.getInt(28) + i * (elf.getShort(42) & 0xFFFF);
            if (elf.getInt(ph) != 1) continue;
            long off = elf.getInt(ph + 4) & 0xFFFFFFFFL, va = elf.getInt(ph + 8) & 0xFFFFFFFFL, fsz = elf.getInt(ph + 16) & 0xFFFFFFFFL;
            long a = vaddr & 0xFFFFFFFFL;
            if (a >= va && a < va + fsz) return (int) (off + a - va);
        }
        return -1;
    }

    /** The p_flags of the PT_LOAD segment whose file bytes hold offset off, or -1. */
    private static int segmentFlags(ByteBuffer elf, int off) {
        for (int i = 0; i < (elf.getShort(44) & 0xFFFF); i++) {
            int ph = elf.getInt(28) + i * (elf.getShort(42) & 0xFFFF);
            long o = elf.getInt(ph + 4) & 0xFFFFFFFFL, fsz = elf.getInt(ph + 16) & 0xFFFFFFFFL;
            if (elf.getInt(ph) == 1 && off >= o && off < o + fsz) return elf.getInt(ph + 24);
        }
        return -1;
    }

    /** kerf's COM1 output equals QEMU's byte for byte, and both left through port 0xF4 with one status. */
    private static void assertSameAsQemu(KerfRun kerf, QemuGuest.Output qemu) {
        String theirs = new String(qemu.console(), StandardCharsets.ISO_8859_1);
        String difference = QemuDifferentialTest.firstDifference(theirs, kerf.console());
        assertThat(difference).as("kerf's COM1 output differs from QEMU's (kerf's run ended: %s)", kerf.result())
                .isNull();
        assertThat(kerf.result().reason()).as("kerf: %s", kerf.result()).isEqualTo(RunResult.Reason.EXIT);
        assertThat(kerf.result().exitStatus()).as("exit status, kerf vs QEMU").isEqualTo(qemu.exitStatus());
    }

    /** The output and status check.sh expects of QEMU (examples/guest/expected/SCENARIO.{out,status}). */
    private static void assertMatchesExpected(String scenario, KerfRun kerf) throws IOException {
        Path expected = QemuGuest.repoRoot().resolve("examples/guest/expected");
        String out = Files.readString(expected.resolve(scenario + ".out"), StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(Files.readString(expected.resolve(scenario + ".status")).strip());
        assertThat(QemuDifferentialTest.firstDifference(out, kerf.console()))
                .as("output differs from expected/%s.out (\"qemu>\" is the expected line)", scenario).isNull();
        assertThat(kerf.result().exitStatus()).as("expected/%s.status", scenario).isEqualTo(status);
    }

    /**
     * run-qemu.sh's command line: the same devices (NE2000 at 0x300, IRQ 9, user networking), -m 32,
     * without its host port forward, which only the net scenario uses and which would fail while
     * another QEMU holds the port.
     */
    private static QemuGuest.Output runQemu(Images images, String scenario) throws Exception {
        return QemuGuest.run(images.kernel(), "scenario=" + scenario, List.of("-initrd", images.initrd().toString(),
                "-m", "32", "-device", "ne2k_isa,iobase=0x300,irq=9,netdev=n0", "-netdev", "user,id=n0"),
                QEMU_TIMEOUT_SECONDS);
    }

    /** The same boot under kerf: initrd as module 0 (named like QEMU names it), 32 MiB, virtual clock. */
    private static KerfRun runKerf(Images images, String scenario) {
        return runKerf(images, scenario, null);
    }

    /** As {@link #runKerf(Images, String)}, with frames for the NE2000 when {@code net} is not null. */
    private static KerfRun runKerf(Images images, String scenario, Network net) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        MachineConfig config = new MachineConfig(images.kernel(), "scenario=" + scenario,
                List.of(new MachineConfig.Module(images.initrd(), images.initrd().toString())), RAM, true,
                null, net == null ? null : net.in(), net == null ? null : net.out(), MAX_INSNS, null, console);
        RunResult result = Assertions.assertTimeoutPreemptively(KERF_TIMEOUT, () -> {
            try (Machine machine = Machine.boot(config)) {
                return machine.run();
            }
        });
        return new KerfRun(console.toString(StandardCharsets.ISO_8859_1), result);
    }

    /** Copies a file or directory tree, keeping permissions (the initrd records the mode bits). */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
