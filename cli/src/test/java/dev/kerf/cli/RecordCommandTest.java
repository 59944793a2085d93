package dev.kerf.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kerf record}, {@code replay}, {@code info}, {@code pack} and {@code unpack} on the guest OS, end to end. */
class RecordCommandTest {
    @TempDir
    Path tmp;

    @Test
    void selftestRecordsAndReplaysByteForByteFromADirectoryAndAPackedFile() throws Exception {
        Path rec = tmp.resolve("selftest.kerf");
        Cli.Outcome recorded = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=selftest"));
        assertThat(recorded.exitCode()).as(recorded.err()).isEqualTo(1);        // init exited 0: (0 << 1) | 1
        assertThat(recorded.out()).containsPattern("selftest: (\\d+)/\\1 checks passed");
        assertThat(recorded.err()).startsWith("kerf record: ").contains(" -> " + rec);

        Cli.Outcome first = Cli.run("", "replay", rec.toString());
        Cli.Outcome second = Cli.run("", "replay", rec.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo(recorded.out());
        assertThat(first.err()).matches("kerf replay: \\d+ instructions, \\d+ events, \\d+ state hashes matched, .* MIPS\\n");
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(instructions(second.err())).isEqualTo(instructions(first.err()));

        Path packed = tmp.resolve("selftest.kpack");
        assertThat(Cli.run("", "pack", rec.toString(), "-o", packed.toString()).exitCode()).isZero();
        Cli.Outcome fromPack = Cli.run("", "replay", packed.toString());
        assertThat(fromPack.exitCode()).as(fromPack.err()).isZero();
        assertThat(fromPack.out()).isEqualTo(recorded.out());

        Path unpacked = tmp.resolve("unpacked");
        assertThat(Cli.run("", "unpack", packed.toString(), "-o", unpacked.toString()).exitCode()).isZero();
        Cli.Outcome quiet = Cli.run("", "replay", "--quiet", unpacked.toString());
        assertThat(quiet.exitCode()).as(quiet.err()).isZero();
        assertThat(quiet.out()).isEmpty();
        assertThat(instructions(quiet.err())).isEqualTo(instructions(first.err()));
    }

    @Test
    void anInteractiveSessionWithPipedInputReplaysAndInfoDescribesIt() throws Exception {
        Path rec = tmp.resolve("shell.kerf");
        Cli.Outcome recorded = Cli.run("echo piped into the shell\nexit 9\n",
                GuestOs.args(List.of("record", "-o", rec.toString(), "--hash-every", "100K"), ""));
        assertThat(recorded.exitCode()).as(recorded.err()).isEqualTo((9 << 1) | 1);
        assertThat(recorded.out()).contains("piped into the shell");

        Cli.Outcome replay = Cli.run("", "replay", rec.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).isEqualTo(recorded.out());

        Cli.Outcome info = Cli.run("", "info", rec.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).containsPattern("(?m)^instructions: +" + instructions(replay.err()) + "$")
                .contains("end:           GUEST_EXIT status 19").contains("cut short:     no")
                .contains("state hash every 100000 instructions").contains("kernel.elf").contains("initrd.tar")
                .containsPattern("port_in: +[1-9]\\d* \\([1-9]\\d* bytes\\)").containsPattern("interrupt: +[1-9]").contains("integrity:     ok")
                .containsPattern("port_change: +[1-9]").containsPattern("port reads: +[1-9]\\d* logged")
                .containsPattern("host time: +\\d+\\.\\d{3} s \\(as recorded in the End event\\)");

        Cli.Outcome json = Cli.run("", "info", "--json", rec.toString());
        assertThat(json.exitCode()).isZero();
        assertThat(json.out()).startsWith("{\"recording\":").endsWith("}\n")
                .contains("\"instructions\":" + instructions(replay.err()) + ",")
                .contains("\"cutShort\":false").containsPattern("\"end\":\\{\"reason\":\"GUEST_EXIT\",\"status\":19,\"hostMillis\":\\d+}")
                .contains("\"hostSecondsFrom\":\"end-event\"").contains("\"stickyPorts\":[1021]").containsPattern("\"PORT_CHANGE\":[1-9]")
                .contains("\"clock\":\"host\"").containsPattern("\"PORT_IN\":[1-9]").containsPattern("\"bytesByKind\":\\{\"PORT_IN\":[1-9]");
    }

    @Test
    void anOutputThatExistsIsRefusedBeforeTheGuestRuns() throws Exception {
        Path rec = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(rec.resolve("notes.txt"), "mine");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=selftest"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.RECORD_FAILED.code());
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("kerf: " + rec + ": cannot create the recording").doesNotContain("Exception");
        assertThat(Files.readString(rec.resolve("notes.txt"))).isEqualTo("mine");
    }

    @Test
    void aKernelThatDoesNotBootLeavesNoRecording() throws Exception {
        Path notAKernel = Files.writeString(tmp.resolve("notes.txt"), "not a kernel");
        Path rec = tmp.resolve("rec.kerf");
        Cli.Outcome r = Cli.run("", "record", "-o", rec.toString(), notAKernel.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).startsWith("kerf: ").contains("notes.txt");
        assertThat(rec).doesNotExist();
    }

    static long instructions(String summary) {
        return Long.parseLong(summary.substring("kerf replay: ".length(), summary.indexOf(" instructions")));
    }
}
