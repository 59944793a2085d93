package dev.kerf.recorder;

import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Journals that decode fine but cannot be a recording of this machine (edited, forged, from another
 * build): the replay ends with a divergence within one StateHash interval, never hangs or throws.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForgedJournalTest {
    private static final long EVERY = 100_000;
    private static List<Event> recorded;
    private static ReplayBoot boot;

    @BeforeAll
    static void record() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RoundTrip.Recorded rec = RoundTrip.record(RoundTrip.guest("", "echo forged\nexit 2\n", false, 2_000_000_000L, out),
                out, EVERY);
        recorded = rec.events();
        boot = RoundTrip.boot(rec.config(), EVERY);
        assertThat(RoundTrip.replay(boot, recorded).result().outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
    }

    @Test
    void withoutItsStateHashesTheReplayStopsAtTheFirstMark() {
        List<Event> events = new ArrayList<>(recorded);
        events.removeIf(e -> e instanceof Event.StateHash);
        ReplayResult r = RoundTrip.replay(boot, events).result();
        assertThat(r.outcome()).isEqualTo(ReplayResult.Outcome.DIVERGED);
        assertThat(r.divergence().icount()).isEqualTo(EVERY); // there the recording had a StateHash before more events
        assertThat(r.divergence().expected()).contains("icount " + EVERY);
    }

    @Test
    void anInterruptFarInTheFutureIsCaughtAtTheNextMark() {
        List<Event> events = new ArrayList<>(recorded);
        int i = indexOf(events, e -> e instanceof Event.Interrupt);
        Event.Interrupt irq = (Event.Interrupt) events.get(i);
        events.set(i, new Event.Interrupt(Long.MAX_VALUE - 1, irq.vector(), irq.faults()));
        ReplayResult r = RoundTrip.replay(boot, events).result();
        assertThat(r.outcome()).isEqualTo(ReplayResult.Outcome.DIVERGED);
        assertThat(r.divergence().event()).isLessThanOrEqualTo(i);
        assertThat(r.divergence().icount()).isLessThanOrEqualTo((irq.icount() / EVERY + 1) * EVERY);
    }

    @Test
    void aVectorOutsideTheIdtIsADivergenceAtThatEvent() {
        List<Event> events = new ArrayList<>(recorded);
        int i = indexOf(events, e -> e instanceof Event.Interrupt);
        Event.Interrupt irq = (Event.Interrupt) events.get(i);
        events.set(i, new Event.Interrupt(irq.icount(), 0x1234, irq.faults()));
        ReplayResult r = RoundTrip.replay(boot, events).result();
        assertThat(r.outcome()).isEqualTo(ReplayResult.Outcome.DIVERGED);
        assertThat(r.divergence().event()).isEqualTo(i);
        assertThat(r.divergence().expected()).isEqualTo("an interrupt vector 0..255");
    }

    @Test
    void aWrongFinalHashOrExitStatusIsADivergenceAtTheEnd() {
        List<Event> events = new ArrayList<>(recorded);
        int end = events.size() - 1;
        Event.End e = (Event.End) events.get(end);
        Event.StateHash last = (Event.StateHash) events.get(end - 1);
        events.set(end - 1, new Event.StateHash(last.icount(), last.hash() ^ 1));
        ReplayResult r = RoundTrip.replay(boot, events).result();
        assertThat(r.divergence().event()).isEqualTo(end - 1);
        assertThat(r.divergence().expected()).startsWith("final (registers and RAM) state hash");

        events.set(end - 1, last);
        events.set(end, new Event.End(e.icount(), EndReason.GUEST_EXIT, e.status() + 2, e.hostMillis()));
        r = RoundTrip.replay(boot, events).result();
        assertThat(r.divergence().event()).isEqualTo(end);
        assertThat(r.divergence().actual()).isEqualTo("debug-exit status " + e.status());
    }

    @Test
    void eventsOfTheWrongKindOrPortAreDivergencesAtThatEvent() {
        List<Event> events = new ArrayList<>(recorded);
        int i = indexOf(events, e -> e instanceof Event.PortIn);
        Event.PortIn p = (Event.PortIn) events.get(i);
        events.set(i, new Event.Rdtsc(7));
        ReplayResult r = RoundTrip.replay(boot, events).result();
        assertThat(r.divergence().event()).isEqualTo(i);
        assertThat(r.divergence().actual()).isEqualTo(String.format("IN of %d byte(s) from port 0x%x", p.size(), p.port()));

        events.set(i, new Event.PortIn(p.port() ^ 0x100, p.size(), p.value()));
        assertThat(RoundTrip.replay(boot, events).result().divergence().event()).isEqualTo(i);
        events.set(i, new Event.PortIn(p.port(), p.size() == 1 ? 2 : 1, p.value()));
        assertThat(RoundTrip.replay(boot, events).result().divergence().event()).isEqualTo(i);
    }

    @Test
    void anEventListThatStopsEarlyIsCutShortNotDiverged() {
        for (int n : new int[] {0, 1, recorded.size() / 3, recorded.size() - 1}) {
            ReplayResult r = RoundTrip.replay(boot, recorded.subList(0, n)).result();
            assertThat(r.outcome()).as("first %d events: %s", n, r.divergence()).isEqualTo(ReplayResult.Outcome.CUT_SHORT);
            assertThat(r.events()).isEqualTo(n);
        }
    }

    private static int indexOf(List<Event> events, java.util.function.Predicate<Event> p) {
        for (int i = 0; i < events.size(); i++) if (p.test(events.get(i))) return i;
        throw new AssertionError("no such event");
    }
}
