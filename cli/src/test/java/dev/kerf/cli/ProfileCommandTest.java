package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kerf profile} on what it cannot profile, with the example guest OS (fast; the Linux
 * kernel's symbols are checked in {@link LinuxSnapshotTest}): one line and exit 4 for a guest
 * without kallsyms and for a recording that boots its kernel, exit 12 for a damaged file.
 */
class ProfileCommandTest {
    static final String NO_KALLSYMS = "no kallsyms table in guest RAM: the kernel was built without CONFIG_KALLSYMS or is"
            + " not a Linux kernel kerf knows; give a profile with --profile";

    @TempDir
    Path tmp;

    @Test
    void theExampleGuestHasNoKallsymsSnapshotOrRecordingFromIt() throws Exception {
        Path snap = tmp.resolve("prompt.ksnap");
        Cli.Outcome boot = Cli.run("", SnapshotCommandTest.guest("", "--snapshot-on", "$ ", "-o", snap.toString()));
        assertThat(boot.exitCode()).as(boot.err()).isZero();

        Cli.Outcome r = Cli.run("", "profile", snap.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).isEqualTo("kerf: " + snap + ": " + NO_KALLSYMS + "\n");
        assertThat(r.out()).isEmpty();

        Path rec = tmp.resolve("rec.kerf");
        assertThat(Cli.run("exit 3\n", "record", "-o", rec.toString(), "--from", snap.toString()).exitCode()).isEqualTo(7);
        r = Cli.run("", "profile", "--json", rec.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).isEqualTo("kerf: " + rec + ": " + NO_KALLSYMS + "\n");

        byte[] good = Files.readAllBytes(snap);
        byte[] flipped = good.clone();
        flipped[good.length - 100] ^= 1;
        Path damaged = Files.write(tmp.resolve("damaged.ksnap"), flipped);
        r = Cli.run("", "profile", damaged.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_RECORDING.code());
        assertThat(r.err()).startsWith("kerf: " + damaged).contains("CRC mismatch").hasLineCount(1);
    }

    @Test
    void aRecordingThatBootsItsKernelIsRefusedInOneLine() throws Exception {
        Path rec = tmp.resolve("boot.kerf");
        List<String> args = new ArrayList<>(Arrays.asList(SnapshotCommandTest.guest("scenario=selftest")));
        args.set(0, "record");
        args.addAll(1, List.of("-o", rec.toString()));
        Cli.Outcome recorded = Cli.run("", args.toArray(String[]::new));
        assertThat(recorded.exitCode()).as(recorded.err()).isEqualTo(1);

        Cli.Outcome r = Cli.run("", "profile", rec.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).isEqualTo("kerf: " + rec + ": the recording boots its kernel from the first instruction; kerf profile"
                + " reads a booted snapshot or a recording made from one (kerf record --from F.ksnap)\n");
    }
}
