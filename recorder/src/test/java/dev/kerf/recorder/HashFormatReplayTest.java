package dev.kerf.recorder;

import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.RunResult;
import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.replay.StateHasher;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recording format 3's final StateHash is the paged RAM hash; a format 2 recording's is the flat
 * one, and it still replays: the replay picks the definition by the manifest's major version.
 */
class HashFormatReplayTest {
    private static final long EVERY = 10_000;

    private static MachineConfig config() throws Exception {
        return new MachineConfig(GuestImages.hello("fpu.elf"), "", List.of(), 8 << 20, true, null, null, null, 50_000_000,
                new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream());
    }

    private static ReplayBoot withMajor(ReplayBoot b, int major) {
        return new ReplayBoot(b.ramBytes(), b.kernelName(), b.kernel(), b.cmdline(), b.modules(), b.stateHashEvery(),
                b.stickyPorts(), b.start(), major);
    }

    private static ReplayResult replay(ReplayBoot boot, List<Event> events) {
        return new Replayer(boot, EventSource.of(events), OutputStream.nullOutputStream()).run();
    }

    @Test
    void eachFormatsFinalHashReplaysUnderItsOwnDefinitionOnly() throws Exception {
        MachineConfig config = config();
        List<Event> format3 = new ArrayList<>();
        RecordingTap tap = new RecordingTap(EventSink.of(format3), EVERY);
        long flat;
        try (Machine machine = Machine.boot(config, tap)) {
            RunResult r = machine.run();
            tap.finish(r);
            assertThat(machine.cpu().memory.pagesWritten()).as("the final hash hashed what was written").isZero();
            flat = StateHasher.fullFlat(machine.cpu());
            long paged = StateHasher.full(machine.cpu());
            Event.StateHash last = (Event.StateHash) format3.get(format3.size() - 2);
            assertThat(last.hash()).isEqualTo(paged).isNotEqualTo(flat);
            assertThat(StateHasher.full(machine.cpu(), 2)).isEqualTo(flat);
            assertThat(StateHasher.full(machine.cpu(), 3)).isEqualTo(paged);
        }
        List<Event> format2 = new ArrayList<>(format3);
        Event.StateHash last = (Event.StateHash) format2.get(format2.size() - 2);
        format2.set(format2.size() - 2, new Event.StateHash(last.icount(), flat));

        ReplayBoot three = RoundTrip.boot(config, EVERY), two = withMajor(three, 2);
        assertThat(three.recordingMajor()).isEqualTo(Recording.FORMAT_MAJOR).isEqualTo(3);
        assertThat(replay(three, format3).outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
        assertThat(replay(two, format2).outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
        ReplayResult crossed = replay(two, format3);
        assertThat(crossed.outcome()).isEqualTo(ReplayResult.Outcome.DIVERGED);
        assertThat(crossed.divergence().expected()).contains("final (registers and RAM)");
        assertThat(replay(three, format2).outcome()).isEqualTo(ReplayResult.Outcome.DIVERGED);
    }

    @Test
    void theManifestsMajorVersionPicksTheDefinition(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("rec");
        try (Recorder recorder = Recorder.start(dir, config(), "test", EVERY)) {
            assertThat(recorder.run().failure()).isNull();
        }
        Path manifest = dir.resolve(Recording.MANIFEST);
        assertThat(Files.readString(manifest)).contains("\"formatVersion\": \"3.0\"");
        assertThat(replayFromDisk(dir, 3).outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
        // The same journal labelled format 2.1: its final hash is now checked as the flat one, and differs.
        Files.writeString(manifest, Files.readString(manifest).replace("\"3.0\"", "\"2.1\""), StandardCharsets.UTF_8);
        ReplayResult asTwo = replayFromDisk(dir, 2);
        assertThat(asTwo.outcome()).isEqualTo(ReplayResult.Outcome.DIVERGED);
        assertThat(asTwo.divergence().expected()).contains("final (registers and RAM)");
    }

    private static ReplayResult replayFromDisk(Path dir, int expectMajor) throws Exception {
        try (Recording rec = Recording.open(dir); JournalReader journal = JournalReader.open(rec.journalDir())) {
            ReplayBoot boot = ReplayBoot.of(rec);
            assertThat(boot.recordingMajor()).isEqualTo(expectMajor);
            return new Replayer(boot, EventSource.of(journal), OutputStream.nullOutputStream()).run();
        }
    }
}
