package dev.kerf.recorder;

import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.RunResult;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The tap's own duties: hash marks, the end of the journal, and stopping the guest when the journal fails. */
class RecordingTapTest {
    @Test
    void aJournalThatFailsStopsTheGuestInsteadOfRunningItUnrecorded() throws Exception {
        List<Event> kept = new ArrayList<>();
        EventSink full = new EventSink() {
            @Override
            public void append(Event event) throws IOException {
                if (kept.size() == 40) throw new IOException("No space left on device");
                kept.add(event);
            }

            @Override
            public void flush() { }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordingTap tap = new RecordingTap(full, 100_000);
        RunResult result;
        try (Machine m = Machine.boot(RoundTrip.guest("scenario=selftest", "", true, 2_000_000_000L, out), tap)) {
            result = m.run();
            tap.finish(result);
        }
        assertThat(result.reason()).isEqualTo(RunResult.Reason.STOPPED);
        assertThat(result.message()).contains("journal write failed: No space left on device");
        assertThat(tap.failure()).hasMessage("No space left on device");
        assertThat(kept).hasSize(40).noneMatch(e -> e instanceof Event.End);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).doesNotContain("checks passed");
    }

    @Test
    void stateHashesFallOnEveryMarkAndTheJournalEndsWithAFullHashAndEnd() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = RoundTrip.guest("scenario=selftest", "", true, 2_500_000, out);
        RoundTrip.Recorded rec = RoundTrip.record(config, out, 300_000);
        List<Long> marks = rec.events().stream().filter(e -> e instanceof Event.StateHash)
                .map(e -> ((Event.StateHash) e).icount()).toList();
        assertThat(marks).containsExactly(300_000L, 600_000L, 900_000L, 1_200_000L, 1_500_000L, 1_800_000L,
                2_100_000L, 2_400_000L, 2_500_000L);
        assertThat(rec.events().get(rec.events().size() - 1)).satisfies(e -> {
            Event.End end = (Event.End) e;
            assertThat(end.icount()).isEqualTo(2_500_000);
            assertThat(end.reason()).isEqualTo(EndReason.MAX_INSNS);
            assertThat(end.hostMillis()).isGreaterThanOrEqualTo(0);
        });
    }

    @Test
    void withTheVirtualClockTheTapDoesNotChangeTheRun() throws Exception {
        ByteArrayOutputStream plainOut = new ByteArrayOutputStream();
        RunResult plain;
        try (Machine m = Machine.boot(RoundTrip.guest("scenario=selftest", "", true, 2_000_000_000L, plainOut))) {
            plain = m.run();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RoundTrip.Recorded rec = RoundTrip.record(RoundTrip.guest("scenario=selftest", "", true, 2_000_000_000L, out),
                out, 250_000);
        assertThat(rec.result()).isEqualTo(plain);
        assertThat(rec.console()).isEqualTo(plainOut.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aTripleFaultReplaysToTheFaultAndItsFinalState() throws Exception {
        Path triple = GuestImages.hello("triple.elf");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = new MachineConfig(triple, "", List.of(), 8 << 20, true, null, null, null, 1_000_000,
                new ByteArrayInputStream(new byte[0]), out);
        RoundTrip.Recorded rec = RoundTrip.record(config, out, 1_000);
        assertThat(rec.result().reason()).isEqualTo(RunResult.Reason.TRIPLE_FAULT);

        RoundTrip.Replayed r = RoundTrip.replay(RoundTrip.boot(config, 1_000), rec.events());

        assertThat(r.result().divergence()).isNull();
        assertThat(r.result().outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
        assertThat(r.result().endReason()).isEqualTo(EndReason.TRIPLE_FAULT);
        assertThat(r.result().icount()).isEqualTo(rec.result().icount());
    }

    @Test
    void aVirtualClockRecordingOfHelloWithInputReplays() throws Exception {
        Path hello = GuestImages.hello("hello.elf");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = new MachineConfig(hello, "", List.of(), 8 << 20, true, null, null, null, 50_000_000,
                new ByteArrayInputStream("kerf rocks\n".getBytes(StandardCharsets.US_ASCII)), out);
        RoundTrip.Recorded rec = RoundTrip.record(config, out, 10_000);
        assertThat(rec.console()).contains("echo: kerf rocks");

        RoundTrip.Replayed r = RoundTrip.replay(RoundTrip.boot(config, 10_000), rec.events());

        assertThat(r.result().divergence()).isNull();
        assertThat(r.result().outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
        assertThat(r.console()).isEqualTo(rec.console());
        assertThat(r.result().exitStatus()).isEqualTo(rec.result().exitStatus()).isEqualTo((10 << 1) | 1);
    }

    @Test
    void aCutShortEventListReplaysToItsLastEvent() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RoundTrip.Recorded rec = RoundTrip.record(RoundTrip.guest("scenario=selftest", "", false, 2_000_000_000L, out),
                out, 1_000_000);
        List<Event> cut = rec.events().subList(0, rec.events().size() / 2);

        RoundTrip.Replayed r = RoundTrip.replay(RoundTrip.boot(rec.config(), 1_000_000), cut);

        assertThat(r.result().outcome()).isEqualTo(ReplayResult.Outcome.CUT_SHORT);
        assertThat(r.result().divergence()).isNull();
        assertThat(r.result().events()).isEqualTo(cut.size());
        assertThat(rec.console()).startsWith(r.console());
    }
}
