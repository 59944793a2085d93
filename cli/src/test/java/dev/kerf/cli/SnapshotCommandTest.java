package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Booted snapshots on the example guest OS (fast; {@link LinuxSnapshotTest} does the same on
 * Linux): {@code kerf run --snapshot-on/--snapshot-at -o F}, {@code kerf run --from F} and
 * {@code kerf record --from F}, with the options' mistakes.
 */
class SnapshotCommandTest {
    @TempDir
    Path tmp;

    static String[] guest(String append, String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of("run"));
        a.addAll(List.of(more));
        Path kernel = GuestOs.kernel();
        a.addAll(List.of(kernel.toString(), "--module", kernel.resolveSibling("initrd.tar").toString(), "--mem", "32M",
                "--clock", "virtual"));
        if (!append.isEmpty()) a.addAll(List.of("--append", append));
        return a.toArray(String[]::new);
    }

    private static long icount(String err) {
        Matcher m = Pattern.compile("after (\\d+) instructions").matcher(err);
        assertThat(m.find()).as(err).isTrue();
        return Long.parseLong(m.group(1));
    }

    /**
     * A machine saved at icount N and resumed goes on exactly as the uninterrupted one: the two
     * console outputs together are the whole run's, the exit status is the same, and so is the
     * total instruction count — at several cut points, on the virtual clock.
     */
    @Test
    void aResumedMachineGoesOnExactlyAsTheUninterruptedOne() throws Exception {
        Cli.Outcome whole = Cli.run("", withVerbose(guest("scenario=selftest")));
        assertThat(whole.exitCode()).as(whole.err()).isEqualTo(1);
        long total = icount(whole.err());
        for (long cut : new long[] {1, total / 3, total - 1000}) {
            Path snap = tmp.resolve("at" + cut + ".ksnap");
            Cli.Outcome before = Cli.run("", guest("scenario=selftest", "--snapshot-at", Long.toString(cut), "-o", snap.toString()));
            assertThat(before.exitCode()).as(before.err()).isZero();
            assertThat(before.err()).contains("kerf run: snapshot at icount " + cut + " (icount " + cut + ") -> " + snap);
            Cli.Outcome after = Cli.run("", "--verbose", "run", "--from", snap.toString());
            assertThat(after.exitCode()).as(after.err()).isEqualTo(1);
            assertThat(before.out() + after.out()).as("cut at %d", cut).isEqualTo(whole.out());
            assertThat(cut + icount(after.err())).isEqualTo(total);
        }
    }

    /** --snapshot-on stops right after the guest printed the text: the shell's prompt; the resumed shell takes input. */
    @Test
    void aSnapshotAtTheShellPromptTakesCommandsAndRecordsAndReplays() throws Exception {
        Path snap = tmp.resolve("prompt.ksnap");
        Cli.Outcome boot = Cli.run("", guest("", "--snapshot-on", "$ ", "-o", snap.toString()));
        assertThat(boot.exitCode()).as(boot.err()).isZero();
        assertThat(boot.out()).endsWith("$ ");
        assertThat(boot.err()).contains("(the console printed \"$ \") -> " + snap);

        Cli.Outcome described = Cli.run("", "info", snap.toString());
        assertThat(described.exitCode()).as(described.err()).isZero();
        assertThat(described.out()).contains("snapshot:").contains("the console printed \"$ \"").contains("32 MiB RAM")
                .contains("virtual clock").contains("kernel.elf").contains("initrd.tar").contains("integrity:     ok");

        Cli.Outcome run = Cli.run("echo hello\nexit 3\n", "run", "--from", snap.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(7);
        assertThat(run.out()).startsWith("echo hello\nhello\n").contains("kernel: init exited with status 3");

        Path rec = tmp.resolve("rec.kerf");
        Cli.Outcome recorded = Cli.run("echo hello\nexit 3\n", "record", "-o", rec.toString(), "--from", snap.toString());
        assertThat(recorded.exitCode()).as(recorded.err()).isEqualTo(7);
        assertThat(recorded.out()).isEqualTo(run.out());
        Files.delete(snap); // the recording holds its own copy
        Cli.Outcome replay = Cli.run("", "replay", rec.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).isEqualTo(recorded.out());
        assertThat(replay.err()).containsPattern("\\d+ state hashes matched");

        Cli.Outcome info = Cli.run("", "info", rec.toString());
        assertThat(info.out()).contains("start:").contains("prompt.ksnap").contains("started from:")
                .contains("kernel.elf").contains("the console printed \"$ \"").doesNotContainPattern("(?m)^kernel:");
        Path packed = tmp.resolve("rec.kpack");
        assertThat(Cli.run("", "pack", rec.toString(), "-o", packed.toString()).exitCode()).isZero();
        Cli.Outcome fromPack = Cli.run("", "replay", packed.toString());
        assertThat(fromPack.exitCode()).as(fromPack.err()).isZero();
        assertThat(fromPack.out()).isEqualTo(recorded.out());
    }

    /** A snapshot of a resumed machine says so, and counts instructions from the first boot. */
    @Test
    void aSnapshotOfAResumedMachineKeepsItsProvenance() throws Exception {
        Path first = tmp.resolve("first.ksnap"), second = tmp.resolve("second.ksnap");
        assertThat(Cli.run("", guest("scenario=selftest", "--snapshot-at", "100000", "-o", first.toString())).exitCode()).isZero();
        Cli.Outcome again = Cli.run("", "run", "--from", first.toString(), "--snapshot-at", "50000", "-o", second.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        Cli.Outcome full = Cli.run("", "--verbose", "run", "--from", second.toString());
        Path rec = tmp.resolve("r.kerf");
        assertThat(Cli.run("", "record", "-o", rec.toString(), "--from", second.toString()).exitCode()).isEqualTo(full.exitCode());
        assertThat(Cli.run("", "info", rec.toString()).out()).contains("taken 150000 instructions after booting")
                .contains("resumed from first.ksnap, then icount 50000");
    }

    @Test
    void optionMistakesAreUsageErrorsAndAMissedMomentWritesNothing() throws Exception {
        Path snap = tmp.resolve("s.ksnap");
        Path kernel = GuestOs.kernel();
        assertThat(Cli.run("", "run").exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(Cli.run("", "run", kernel.toString(), "--from", snap.toString()).err()).contains("not both");
        assertThat(Cli.run("", "run", kernel.toString(), "-o", snap.toString()).err()).contains("say when with --snapshot-on");
        assertThat(Cli.run("", "run", kernel.toString(), "--snapshot-on", "x").err()).contains("need -o FILE");
        assertThat(Cli.run("", "run", kernel.toString(), "--snapshot-at", "5", "--max-insns", "9", "-o", snap.toString()).err())
                .contains("--snapshot-at and --max-insns");
        assertThat(Cli.run("", "run", kernel.toString(), "--snapshot-at", "0", "-o", snap.toString()).err())
                .contains("--snapshot-at must be at least 1");

        Cli.Outcome never = Cli.run("", guest("scenario=selftest", "--snapshot-on", "no guest prints this", "-o", snap.toString()));
        assertThat(never.exitCode()).isEqualTo(ExitCode.SNAPSHOT_NOT_TAKEN.code());
        assertThat(never.err()).contains("no snapshot written: the guest's run ended before the console printed \"no guest prints this\"")
                .hasLineCount(1);
        assertThat(snap).doesNotExist();

        assertThat(Cli.run("", guest("scenario=selftest", "--snapshot-at", "1000", "-o", snap.toString())).exitCode()).isZero();
        Cli.Outcome append = Cli.run("", "run", "--from", snap.toString(), "--append", "x");
        assertThat(append.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(append.err()).contains("already booted");
        Cli.Outcome mem = Cli.run("", "run", "--from", snap.toString(), "--mem", "64M");
        assertThat(mem.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(mem.err()).contains("has 32M of RAM");

        Path link = tmp.resolve("link.ksnap");
        Files.createSymbolicLink(link, tmp.resolve("elsewhere"));
        Cli.Outcome linked = Cli.run("", guest("scenario=selftest", "--snapshot-at", "1000", "-o", link.toString()));
        assertThat(linked.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(linked.out()).isEmpty(); // refused before the guest ran
        assertThat(tmp.resolve("elsewhere")).doesNotExist();
    }

    private static String[] withVerbose(String[] args) {
        String[] a = new String[args.length + 1];
        a[0] = "--verbose";
        System.arraycopy(args, 0, a, 1, args.length);
        return a;
    }
}
