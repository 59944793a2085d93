package dev.kerf.recorder;

import dev.kerf.emulator.machine.RunResult;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Guest scenarios recorded live into an event list and replayed on CPU and RAM alone. */
class RecordReplayTest {
    private static final long HASH_EVERY = 1_000_000;

    @Test
    void selftestWithTheHostClockReplaysIdenticallyTwice() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RoundTrip.Recorded rec = RoundTrip.record(RoundTrip.guest("scenario=selftest", "", false, 2_000_000_000L, out),
                out, HASH_EVERY);
        assertThat(rec.result().reason()).as(rec.result().message()).isEqualTo(RunResult.Reason.EXIT);
        assertThat(rec.console()).contains("checks passed");
        var boot = RoundTrip.boot(rec.config(), HASH_EVERY);

        RoundTrip.Replayed first = RoundTrip.replay(boot, rec.events());
        RoundTrip.Replayed second = RoundTrip.replay(boot, rec.events());

        assertThat(first.result().divergence()).isNull();
        assertThat(first.result().outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
        assertThat(first.result().endReason()).isEqualTo(EndReason.GUEST_EXIT);
        assertThat(first.console()).isEqualTo(rec.console());
        assertThat(first.result().icount()).isEqualTo(rec.result().icount());
        assertThat(first.result().exitStatus()).isEqualTo(rec.result().exitStatus());
        long hashes = rec.events().stream().filter(e -> e instanceof Event.StateHash).count();
        assertThat(first.result().stateHashes()).isEqualTo(hashes).isGreaterThan(5);
        assertThat(first.result().events()).isEqualTo(rec.events().size());
        assertThat(second).isEqualTo(first);
    }
}
