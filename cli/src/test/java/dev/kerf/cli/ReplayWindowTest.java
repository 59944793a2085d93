package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.replay.StateHasher;
import dev.kerf.emulator.snapshot.CheckpointStore;
import dev.kerf.emulator.snapshot.CheckpointedReplay;
import dev.kerf.formats.recording.Recording;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kerf replay --from/--to/--checkpoint-every} on a selftest recording: a window reached
 * through a checkpoint is the same state and the same console output as a full replay, and
 * checkpoints are a cache (a damaged one is skipped with a warning, results unchanged).
 */
class ReplayWindowTest {
    @TempDir
    static Path tmp;
    private static Path rec;
    private static String full;

    @BeforeAll
    static void recordAndCheckpoint() throws Exception {
        rec = tmp.resolve("selftest.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=selftest"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        Cli.Outcome replay = Cli.run("", "replay", rec.toString(), "--checkpoint-every", "2Mi");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.err()).containsPattern("\\d+ checkpoints written");
        full = replay.out();
        assertThat(full).isEqualTo(r.out());
    }

    private static List<Path> checkpoints() throws IOException {
        try (Stream<Path> s = Files.list(rec.resolve(CheckpointStore.DIR))) {
            return s.filter(p -> p.toString().endsWith(".kcp")).sorted().toList();
        }
    }

    @Test
    void stateAtXThroughACheckpointEqualsTheStateOfAFullReplay() throws IOException {
        long x = 5_000_000;
        try (Recording opened = Recording.open(rec); CheckpointStore store = CheckpointStore.open(rec)) {
            ReplayBoot boot = ReplayBoot.of(opened);
            long viaCheckpoint, viaFull;
            try (CheckpointedReplay seek = CheckpointedReplay.open(boot, opened.journalDir(), store, x, null)) {
                assertThat(seek.resumedAt()).isEqualTo(4L << 20);
                seek.replayer().stopAt(x);
                assertThat(seek.replayer().run().outcome()).isEqualTo(ReplayResult.Outcome.STOPPED);
                viaCheckpoint = StateHasher.full(seek.replayer().cpu());
            }
            try (CheckpointedReplay start = CheckpointedReplay.open(boot, opened.journalDir(), null, x, null)) {
                assertThat(start.resumedAt()).isZero();
                Replayer r = start.replayer();
                r.stopAt(x);
                assertThat(r.run().outcome()).isEqualTo(ReplayResult.Outcome.STOPPED);
                assertThat(r.cpu().icount).isEqualTo(x);
                viaFull = StateHasher.full(r.cpu());
            }
            assertThat(viaCheckpoint).isEqualTo(viaFull);
        }
    }

    @Test
    void twoWindowsSplitTheConsoleOutputExactly() {
        Cli.Outcome first = Cli.run("", "replay", rec.toString(), "--to", "5M");
        Cli.Outcome second = Cli.run("", "replay", rec.toString(), "--from", "5M");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.err()).contains("resumed at the checkpoint at icount 4194304");
        assertThat(first.out() + second.out()).isEqualTo(full);
        assertThat(second.out()).isNotEmpty();
    }

    @Test
    void aDamagedCheckpointIsSkippedWithAWarningAndChangesNothing() throws IOException {
        Path damagedCopy = tmp.resolve("damaged.kerf");
        copyTree(rec, damagedCopy);
        List<Path> cps;
        try (Stream<Path> s = Files.list(damagedCopy.resolve(CheckpointStore.DIR))) {
            cps = s.filter(p -> p.toString().endsWith(".kcp")).sorted().toList();
        }
        Path second = cps.get(1); // icount 4Mi
        byte[] b = Files.readAllBytes(second);
        b[b.length / 2] ^= 0x5A;
        Files.write(second, b);
        Cli.Outcome r = Cli.run("", "replay", damagedCopy.toString(), "--from", "5M");
        Cli.Outcome good = Cli.run("", "replay", rec.toString(), "--from", "5M");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("kerf: warning:").contains(second.getFileName().toString())
                .contains("resumed at the checkpoint at icount 2097152");
        assertThat(r.out()).isEqualTo(good.out());
        Cli.Outcome rebuild = Cli.run("", "replay", "-q", damagedCopy.toString(), "--checkpoint-every", "2Mi");
        assertThat(rebuild.exitCode()).as(rebuild.err()).isZero();
        assertThat(Cli.run("", "replay", damagedCopy.toString(), "--from", "5M").err())
                .contains("resumed at the checkpoint at icount 4194304").doesNotContain("warning");
    }

    @Test
    void deletingTheCheckpointsChangesSpeedNotResults() throws IOException {
        Path bare = tmp.resolve("bare.kerf");
        copyTree(rec, bare);
        try (Stream<Path> s = Files.list(bare.resolve(CheckpointStore.DIR))) {
            for (Path p : s.toList()) Files.delete(p);
        }
        Cli.Outcome r = Cli.run("", "replay", bare.toString(), "--from", "5M", "--to", "7M");
        Cli.Outcome withCheckpoints = Cli.run("", "replay", rec.toString(), "--from", "5M", "--to", "7M");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("resumed");
        assertThat(r.out()).isEqualTo(withCheckpoints.out());
    }

    @Test
    void windowsOutsideTheRecordingAreUsageErrors() throws IOException {
        Cli.Outcome past = Cli.run("", "replay", rec.toString(), "--from", "1G");
        assertThat(past.exitCode()).isEqualTo(2);
        assertThat(past.err()).contains("--from 1000000000 is past the end of");
        Cli.Outcome reversed = Cli.run("", "replay", rec.toString(), "--from", "5M", "--to", "4M");
        assertThat(reversed.exitCode()).isEqualTo(2);
        assertThat(reversed.err()).contains("the window is empty");
        Cli.Outcome toPast = Cli.run("", "replay", rec.toString(), "--to", "1G");
        assertThat(toPast.exitCode()).isEqualTo(2);
        assertThat(checkpoints()).isNotEmpty();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
