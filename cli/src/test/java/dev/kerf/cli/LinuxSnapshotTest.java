package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.testkit.HostPackages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 on the real guest: Debian's unmodified i386 kernel (KASLR on, no mds=off) boots the
 * examples/linux initramfs on kerf ONCE, to /init's scenario prompt, where {@code kerf run
 * --snapshot-on} saves the machine; every scenario is then run, recorded and replayed from that
 * snapshot. The scenario's console (from /init's marker line on) must equal examples/linux/expected/,
 * which is what QEMU prints on the same files (LinuxGuestScenarioTest holds QEMU to it), so kerf's
 * output equals QEMU's. Needs the kernel and busybox that {@code make -C examples/linux fetch}
 * downloads (.ci/run does); skipped without them unless CI=true.
 */
class LinuxSnapshotTest {
    /** What /init prints when the command line names no scenario, before it reads one from the console. */
    static final String PROMPT = "scenario? ";
    static final String APPEND = "console=ttyS0 noapic nolapic quiet panic=-1";
    static final String MARKER = "==== kerf linux guest: scenario ";
    static final Pattern SUMMARY = Pattern.compile("(?m)^selftest: (\\d+) checks, (\\d+) failed$");
    static final HostPackages.HostPackage CACHE = new HostPackages.HostPackage(
            "linux-image-686:i386 busybox-static:i386",
            env -> Files.isRegularFile(linuxDir().resolve("cache/vmlinuz")) && Files.isRegularFile(linuxDir().resolve("cache/busybox"))
                    ? null : "examples/linux/cache has no kernel/busybox: run make -C examples/linux fetch");

    @TempDir
    static Path shared;
    @TempDir
    Path tmp;
    static Path snapshot;
    static Cli.Outcome booted;

    static Path linuxDir() {
        return Examples.root().resolve("examples").resolve("linux");
    }

    @BeforeAll
    static void bootOnceToThePrompt() throws Exception {
        HostPackages.require(HostPackages.GCC, HostPackages.PYTHON3, CACHE);
        Process make = new ProcessBuilder("make", "-s", "-C", linuxDir().toString(), "image").inheritIO().start();
        if (!make.waitFor(10, TimeUnit.MINUTES) || make.exitValue() != 0) throw new IllegalStateException("make -C examples/linux image failed");
        snapshot = shared.resolve("booted.ksnap");
        booted = Cli.run("", "run", linuxDir().resolve("cache/vmlinuz").toString(), "--initrd",
                linuxDir().resolve("build/initramfs.cpio.gz").toString(), "--mem", "128M", "--append", APPEND,
                "--clock", "virtual", "--snapshot-on", PROMPT, "-o", snapshot.toString());
    }

    /** The console from /init's marker line on, carriage returns dropped (the tty's ONLCR), as check.sh compares it. */
    static String fromMarker(String console) {
        String c = console.replace("\r", "");
        int at = c.indexOf(MARKER);
        assertThat(at).as("no scenario marker in the console:\n%s", c).isGreaterThanOrEqualTo(0);
        return c.substring(at);
    }

    static String expected(String scenario) throws IOException {
        return Files.readString(linuxDir().resolve("expected").resolve(scenario + ".out"));
    }

    @Test
    void theKernelBootsToThePromptAndTheSnapshotSaysWhereItCameFrom() throws IOException {
        assertThat(booted.exitCode()).as(booted.err()).isZero();
        assertThat(booted.out()).endsWith("kerf linux guest: ready; " + PROMPT);
        assertThat(booted.err()).contains("kerf run: snapshot at icount ").contains("(the console printed \"" + PROMPT + "\")");
        long size = Files.size(snapshot);
        // 128 MiB of RAM: zero pages are skipped, pages stored once and compressed
        assertThat(size).isBetween(1L << 20, 64L << 20);
    }

    /** Must show 1: kerf's selftest output equals QEMU's (examples/linux/expected), the exit status comes from the guest. */
    @Test
    void selftestRunsFromTheSnapshotWithQemusOutput() throws IOException {
        Cli.Outcome r = Cli.run("selftest\n", "run", "--from", snapshot.toString(), "--clock", "virtual");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1); // status 0 through port 0xF4: (0 << 1) | 1
        String console = fromMarker(r.out());
        assertThat(console).isEqualTo(expected("selftest"));
        Matcher m = SUMMARY.matcher(console);
        assertThat(m.find()).isTrue();
        assertThat(m.group(2)).isEqualTo("0");
    }

    /**
     * Must show 2: a recording from the snapshot replays with every state hash and the final hash
     * verified, the same console, twice alike, with no device models; kerf info shows it; a time
     * slice of it replays verified.
     */
    @Test
    void selftestRecordedFromTheSnapshotReplaysVerifiedTwiceAlike() throws IOException {
        Path rec = tmp.resolve("selftest.kerf");
        Cli.Outcome r = Cli.run("selftest\n", "record", "-o", rec.toString(), "--from", snapshot.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(fromMarker(r.out())).isEqualTo(expected("selftest"));

        Cli.Outcome first = Cli.run("", "replay", rec.toString());
        Cli.Outcome second = Cli.run("", "replay", rec.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo(r.out());
        assertThat(second.out()).isEqualTo(first.out());
        String counts = find(first.err(), "kerf replay: (\\d+ instructions, \\d+ events, \\d+ state hashes matched)");
        assertThat(find(second.err(), "kerf replay: (\\d+ instructions, \\d+ events, \\d+ state hashes matched)")).isEqualTo(counts);
        assertThat(Long.parseLong(find(counts, "(\\d+) state hashes"))).isGreaterThan(10);

        Cli.Outcome info = Cli.run("", "info", rec.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).contains("start:").contains("booted.ksnap (" + Files.size(snapshot) + " bytes")
                .contains("started from:").contains("vmlinuz").contains("the console printed \"" + PROMPT + "\"");
        assertThat(info.out()).doesNotContainPattern("(?m)^kernel:");

        long icount = Long.parseLong(find(info.out(), "(?m)^instructions:\\s+(\\d+)"));
        Path window = tmp.resolve("window.kslice");
        Cli.Outcome slice = Cli.run("", "slice", rec.toString(), "--time", (icount / 3) + ".." + (2 * icount / 3), "-o", window.toString());
        assertThat(slice.exitCode()).as(slice.err()).isZero();
        Cli.Outcome replayed = Cli.run("", "replay", window.toString());
        assertThat(replayed.exitCode()).as(replayed.err()).isZero();
        assertThat(replayed.err()).doesNotContain("diverge");
    }

    /** The bug report from the same snapshot: buggy crashes, the vault's secrets stay inside, the replay agrees. */
    @Test
    void bugreportRecordedFromTheSnapshotReplaysVerified() throws IOException {
        Path rec = tmp.resolve("bug.kerf");
        Cli.Outcome r = Cli.run("bugreport\n", "record", "-o", rec.toString(), "--from", snapshot.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        String console = fromMarker(r.out());
        assertThat(console).isEqualTo(expected("bugreport")).contains("Segmentation fault");
        Cli.Outcome replay = Cli.run("", "replay", rec.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).isEqualTo(r.out());
    }

    /**
     * Issue 15: the kernel's task layout is inferred from a recording's system calls alone (no
     * symbols, KASLR on), and the processes it lists when the guest's own {@code ps} exits are
     * the ones that ps printed (pids, parents, names); those alive before the recording started
     * (init, the kernel threads) are listed from its first return to user mode; a zombie has the
     * exit status its shell saw; the current task always runs with the CPU's page directory.
     */
    @Test
    void linuxTaskLayoutIsInferredAndListsWhatTheGuestsPsPrinted() throws IOException {
        Path rec = tmp.resolve("ps.kerf");
        Cli.Outcome r = Cli.run("shell\nsh -c 'exit 5'\necho status $?\nps -o pid,ppid,comm\nexit 3\n",
                "record", "-o", rec.toString(), "--from", snapshot.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(7); // status 3 through port 0xF4
        String console = fromMarker(r.out());
        assertThat(console).contains("status 5");

        LinuxTaskReplay.Inferred inferred = LinuxTaskReplay.infer(rec);
        LinuxTaskReplay.Seen seen = LinuxTaskReplay.observe(rec, inferred.layout(), "ps");
        System.err.printf("linux task layout: %d system-call returns, %d instructions, inference pass %.1f s%n%s%n",
                inferred.observations(), inferred.icount(), inferred.nanos() / 1e9, inferred.layout().describe());
        assertThat(seen.again).as("a second inference finds the same layout").isEqualTo(inferred.layout());
        assertThat(inferred.layout().pageOffset()).isEqualTo(0xC0000000);

        // the guest's ps: "  PID  PPID COMMAND" lines
        List<String> guest = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\s+(\\d+) (\\S+)$").matcher(console);
        while (m.find()) guest.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
        assertThat(guest).hasSizeGreaterThan(10).anyMatch(l -> l.startsWith("1 0 "));
        List<String> ours = LinuxTaskReplay.table(seen.whenExiting);
        assertThat(ours).hasSameSizeAs(guest);
        for (int i = 0; i < guest.size(); i++) {
            String g = guest.get(i), o = ours.get(i);
            // /proc shows a workqueue worker's comm with "-" and its workqueue appended (15 characters in all)
            assertThat(g.equals(o) || g.startsWith(o + "-")).as("guest ps %s, kerf %s", g, o).isTrue();
        }
        assertThat(ours).contains("1 0 init").anyMatch(l -> l.endsWith(" ps"));

        List<String> atStart = LinuxTaskReplay.table(seen.atStart);
        assertThat(atStart).contains("1 0 init", "2 0 kthreadd");
        assertThat(seen.zombies).containsValue(5 << 8);
        assertThat(seen.returns).isGreaterThan(500);
        assertThat(seen.currentMismatches).isZero();
        assertThat(seen.resultMismatches).isZero();

        // ProcessTracker on the profile (kerf ps): sh -c's status, ps (busybox forks it from sh and renames it
        // with prctl(PR_SET_NAME), which the tracker does not follow: it is found by pid), init's exec of kerf-exit
        int psPid = Integer.parseInt(guest.stream().filter(l -> l.endsWith(" ps")).findFirst().orElseThrow().split(" ")[0]);
        assertThat(seen.tracked).anySatisfy(p -> assertThat(p.exitStatus()).isEqualTo(5 << 8));
        assertThat(seen.tracked).anySatisfy(p -> {
            assertThat(p.pid()).isEqualTo(psPid);
            assertThat(p.exitStatus()).isZero();
            assertThat(p.syscalls()).isGreaterThan(10);
        });
        assertThat(seen.tracked).anySatisfy(p -> {
            assertThat(p.pid()).isEqualTo(1);
            assertThat(p.name()).isEqualTo("kerf-exit");
        });
    }

    /**
     * Issue 15 on the bug report: the layout inferred from its calls alone is the one the shell
     * session gives (same boot), and ProcessTracker on it sees buggy killed by SIGSEGV at a user
     * page fault while the shell goes on.
     */
    @Test
    void linuxTaskLayoutFromTheBugReportSeesBuggysSegfault() throws IOException {
        Path rec = tmp.resolve("bug-layout.kerf");
        Cli.Outcome r = Cli.run("bugreport\n", "record", "-o", rec.toString(), "--from", snapshot.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        LinuxTaskReplay.Inferred inferred = LinuxTaskReplay.infer(rec);
        Path other = tmp.resolve("exit.kerf");
        Cli.Outcome s = Cli.run("shell\nsh -c 'exit 5'\nls /\nexit 3\n", "record", "-o", other.toString(), "--from", snapshot.toString());
        assertThat(s.exitCode()).as(s.err()).isEqualTo(7);
        assertThat(LinuxTaskReplay.infer(other).layout()).isEqualTo(inferred.layout());

        LinuxTaskReplay.Seen seen = LinuxTaskReplay.observe(rec, inferred.layout(), "buggy");
        assertThat(seen.currentMismatches).isZero();
        assertThat(seen.tracked).filteredOn(p -> p.name().equals("buggy")).hasSize(2)
                .anySatisfy(p -> {
                    assertThat(p.exitStatus() & 0x7F).isEqualTo(11); // SIGSEGV: the shell printed 139
                    assertThat(p.fault()).isNotNull();
                    assertThat(p.fault().vector()).isEqualTo(14);
                })
                .anySatisfy(p -> assertThat(p.exitStatus()).isZero());
    }

    /** Must show 6: a snapshot from another kerf version, or a damaged one, is one line naming the file; nothing is left behind. */
    @Test
    void foreignOrDamagedSnapshotsAreRefusedInOneLine() throws IOException {
        byte[] good = Files.readAllBytes(snapshot);
        byte[] v2 = good.clone();
        v2[8] = 2;
        CRC32C c = new CRC32C();
        c.update(v2, 0, 36);
        ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN).putInt(36, (int) c.getValue());
        Path foreign = Files.write(tmp.resolve("foreign.ksnap"), v2);
        Path out = tmp.resolve("never.kerf");
        Cli.Outcome r = Cli.run("", "record", "-o", out.toString(), "--from", foreign.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_RECORDING.code());
        assertThat(r.err()).isEqualTo("kerf: " + foreign + " at offset 0x8: snapshot format 2.0, this kerf reads 1.x: use a newer kerf\n");
        assertThat(out).doesNotExist();

        Path cut = Files.write(tmp.resolve("cut.ksnap"), Arrays.copyOf(good, good.length / 2));
        r = Cli.run("", "run", "--from", cut.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_RECORDING.code());
        assertThat(r.err()).startsWith("kerf: " + cut + " at offset 0x").hasLineCount(1);

        byte[] flipped = good.clone();
        flipped[good.length - 100] ^= 1;
        Path damaged = Files.write(tmp.resolve("damaged.ksnap"), flipped);
        r = Cli.run("", "record", "-o", out.toString(), "--from", damaged.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_RECORDING.code());
        assertThat(r.err()).contains("DATA section CRC mismatch").hasLineCount(1);
        assertThat(out).doesNotExist();
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in:\n%s", regex, text).isTrue();
        return m.group(1);
    }
}
