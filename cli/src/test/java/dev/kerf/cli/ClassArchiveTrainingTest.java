package dev.kerf.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's class-archive training run ({@link ClassArchiveTraining}): its generated guest is
 * a real Multiboot kernel that kerf runs, records and replays (a guest that did not boot would
 * leave the archive without the classes a recording loads), and the training reports success.
 */
class ClassArchiveTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void theTrainingGuestRunsRecordsAndReplays() throws Exception {
        Path kernel = Files.write(tmp.resolve("guest.elf"), ClassArchiveTraining.guest());
        Cli.Outcome run = Cli.run("", "run", kernel.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1); // status 0 on the debug-exit port: (0 << 1) | 1
        assertThat(run.out()).isEqualTo("k\n");

        Path rec = tmp.resolve("guest.kerf");
        Cli.Outcome recorded = Cli.run("", "record", "-o", rec.toString(), "--hash-every", "65536", kernel.toString());
        assertThat(recorded.exitCode()).as(recorded.err()).isEqualTo(1);
        assertThat(recorded.err()).matches("kerf record: 600\\d{3} instructions, .*\\n");
        Cli.Outcome replayed = Cli.run("", "replay", rec.toString());
        assertThat(replayed.exitCode()).as(replayed.err()).isZero();
        assertThat(replayed.out()).isEqualTo("k\n");
        assertThat(replayed.err()).matches("kerf replay: 600\\d{3} instructions, \\d+ events, (\\d+) state hashes matched, .*\\n");
    }

    @Test
    void theTrainingRunsEveryCommandToItsExpectedEnd() throws Exception {
        Path work = Files.createDirectory(tmp.resolve("work"));
        assertThat(ClassArchiveTraining.train(work)).isTrue();
        assertThat(work.resolve("guest.kerf/manifest.json")).isRegularFile();
    }
}
