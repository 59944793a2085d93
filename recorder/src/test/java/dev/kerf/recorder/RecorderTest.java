package dev.kerf.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kerf.emulator.machine.BootException;
import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.RunResult;
import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.replay.StateHasher;
import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Recording;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Recorder} end to end, with the recording directory and journal created on their own
 * thread while the machine boots: what it writes replays with every state hash equal, its final
 * hash is the one a plain run's final state has, and an output or a kernel that fails leaves
 * what the user had, with the guest never run.
 */
class RecorderTest {
    @TempDir Path tmp;

    @Test
    void aRecordingReplaysWithEveryStateHashEqualAndEndsWithThePlainRunsFinalHash() throws Exception {
        ByteArrayOutputStream runOut = new ByteArrayOutputStream();
        MachineConfig plain = RoundTrip.guest("scenario=selftest", "", true, 0, runOut);
        long plainHash;
        RunResult plainRun;
        try (Machine m = Machine.boot(plain)) {
            plainRun = m.run();
            plainHash = StateHasher.full(m.cpu());
        }

        ByteArrayOutputStream recOut = new ByteArrayOutputStream();
        Path dir = tmp.resolve("selftest.kerf");
        Recorder.Outcome o;
        try (Recorder rec = Recorder.start(dir, RoundTrip.guest("scenario=selftest", "", true, 0, recOut), "test",
                Recorder.DEFAULT_HASH_EVERY)) {
            o = rec.run();
        }
        assertThat(o.failure()).isNull();
        assertThat(o.run().icount()).isEqualTo(plainRun.icount());
        assertThat(recOut.toString(StandardCharsets.ISO_8859_1)).isEqualTo(runOut.toString(StandardCharsets.ISO_8859_1));

        List<Event> events = new ArrayList<>();
        try (Recording r = Recording.open(dir); JournalReader j = JournalReader.open(r.journalDir())) {
            for (Event e; (e = j.next()) != null; ) events.add(e);
            assertThat(j.cutShort()).isFalse();
        }
        assertThat(events.get(events.size() - 1)).isInstanceOf(Event.End.class);
        Event.StateHash last = (Event.StateHash) events.get(events.size() - 2);
        assertThat(last.icount()).isEqualTo(plainRun.icount());
        assertThat(last.hash()).as("the final registers+RAM hash").isEqualTo(plainHash);

        try (Recording r = Recording.open(dir); JournalReader j = JournalReader.open(r.journalDir())) {
            ReplayResult replay = new Replayer(ReplayBoot.of(r), EventSource.of(j), new ByteArrayOutputStream()).run();
            assertThat(replay.outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
            assertThat(replay.endReason()).isEqualTo(EndReason.GUEST_EXIT);
            long hashes = events.stream().filter(e -> e instanceof Event.StateHash).count();
            assertThat(hashes).isGreaterThan(2);
            assertThat(replay.stateHashes()).as("every state hash recomputed and equal").isEqualTo(hashes);
        }
    }

    @Test
    void aNonEmptyOutputIsRefusedAndLeftAsItWasWithTheGuestNeverRun() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(dir.resolve("notes.txt"), "mine");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = RoundTrip.guest("scenario=selftest", "", true, 0, out);
        assertThatThrownBy(() -> Recorder.start(dir, config, "test", Recorder.DEFAULT_HASH_EVERY))
                .isInstanceOf(RecordingOutputException.class)
                .hasMessageStartingWith(dir + ": cannot create the recording: ");
        assertThat(out.size()).as("the guest printed nothing: it never ran").isZero();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).containsExactly(dir.resolve("notes.txt"));
        }
        assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("mine");
    }

    @Test
    void aKernelThatDoesNotBootLeavesNoRecordingAndAnEmptyOutputDirectoryEmpty() throws Exception {
        Path notAKernel = Files.writeString(tmp.resolve("notes.txt"), "not a kernel, but a readable file");
        MachineConfig config = new MachineConfig(notAKernel, "", List.of(), RoundTrip.RAM, true, null, null, null, 0, null,
                new ByteArrayOutputStream());
        Path fresh = tmp.resolve("fresh.kerf");
        assertThatThrownBy(() -> Recorder.start(fresh, config, "test", Recorder.DEFAULT_HASH_EVERY)).isInstanceOf(BootException.class)
                .hasMessageContaining("not a kernel");
        assertThat(fresh).doesNotExist();

        Path empty = Files.createDirectories(tmp.resolve("empty.kerf"));
        assertThatThrownBy(() -> Recorder.start(empty, config, "test", Recorder.DEFAULT_HASH_EVERY)).isInstanceOf(BootException.class)
                .hasMessageContaining("not a kernel");
        assertThat(empty).isEmptyDirectory();
    }
}
