package dev.kerf.recorder;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.machine.RunResult;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;
import dev.kerf.emulator.machine.MachineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guest's scenarios recorded live (host clock) into an event list and replayed on CPU and RAM
 * alone: the same console bytes, every StateHash matching, the same end; two replays agree.
 */
class RecordReplayTest {
    /** The recorder's default; short runs use a tenth so they still cross several marks. */
    private static final long HASH_EVERY = 1_000_000;
    private static final long SHORT_HASH_EVERY = 100_000;
    private static final long MAX_INSNS = 2_000_000_000L;

    @Test
    void selftestReplaysIdenticallyTwice() throws Exception {
        RoundTrip.Recorded rec = record("scenario=selftest", "");
        assertThat(rec.console()).containsPattern("selftest: (\\d+)/\\1 checks passed");
        assertReplaysExactly(rec, EndReason.GUEST_EXIT);
    }

    /**
     * The two execution engines are interchangeable on a recording (issue 16): the guest
     * selftest recorded with the block translator replays on the interpreter with every state hash
     * equal, and recorded on the interpreter replays translated.
     */
    @Test
    void aRecordingMadeTranslatedReplaysInterpretedAndTheOtherWayRound() throws Exception {
        for (Cpu.Engine recordWith : Cpu.Engine.values()) {
            Cpu.Engine replayWith = recordWith == Cpu.Engine.TRANSLATOR ? Cpu.Engine.INTERPRETER : Cpu.Engine.TRANSLATOR;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RoundTrip.Recorded rec = RoundTrip.record(RoundTrip.guest("scenario=selftest", "", false, MAX_INSNS, out), out,
                    SHORT_HASH_EVERY, recordWith);
            assertThat(rec.console()).containsPattern("selftest: (\\d+)/\\1 checks passed");
            RoundTrip.Replayed replayed = RoundTrip.replay(RoundTrip.boot(rec.config(), SHORT_HASH_EVERY), rec.events(), replayWith);
            String what = "recorded with " + recordWith + ", replayed with " + replayWith;
            assertThat(replayed.result().divergence()).as(what).isNull();
            assertThat(replayed.result().outcome()).as(what).isEqualTo(ReplayResult.Outcome.COMPLETE);
            assertThat(replayed.console()).as(what).isEqualTo(rec.console());
            assertThat(replayed.result().icount()).as(what).isEqualTo(rec.result().icount());
            long hashes = rec.events().stream().filter(e -> e instanceof Event.StateHash).count();
            assertThat(replayed.result().stateHashes()).as(what).isEqualTo(hashes).isGreaterThan(20);
        }
    }

    @Test
    void anX87KernelReplaysWithEveryStateHashMatching() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        MachineConfig config = new MachineConfig(GuestImages.hello("fpu.elf"), "", List.of(), 8 << 20, true, null, null,
                null, 50_000_000, new java.io.ByteArrayInputStream(new byte[0]), out);
        RoundTrip.Recorded rec = RoundTrip.record(config, out, 10_000); // ~14 hashes inside the x87 loop
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("fpu: pi\\*1e6 = (\\d+) sw=([0-9A-F]{4})").matcher(rec.console());
        assertThat(m.find()).as(rec.console()).isTrue();
        long n = Long.parseLong(m.group(1));
        assertThat(n).isEqualTo(3_141_545L); // sqrt(6 * sum 1/k^2, k <= 20000) * 1e6 = 3141544.9079...
        assertThat(rec.result().exitStatus()).isEqualTo((int) ((n & 0x7F) << 1 | 1));
        assertReplaysExactly(rec, EndReason.GUEST_EXIT, 10_000);
    }

    @Test
    void bugreportWithItsUserFaultReplaysIdenticallyTwice() throws Exception {
        RoundTrip.Recorded rec = record("scenario=bugreport", "");
        assertThat(rec.console()).containsPattern("buggy\\[\\d+\\]: page fault at 0x");
        assertReplaysExactly(rec, EndReason.GUEST_EXIT);
    }

    @Test
    void interactiveShellWithPipedInputReplaysIdenticallyTwice() throws Exception {
        RoundTrip.Recorded rec = record("", "echo hello from the pipe\nls /etc\nexit 5\n", SHORT_HASH_EVERY);
        assertThat(rec.console()).contains("hello from the pipe").contains("scenarios");
        assertThat(rec.result().exitStatus()).isEqualTo((5 << 1) | 1);
        assertThat(rec.events()).anyMatch(e -> e instanceof Event.PortIn p && p.port() == 0x3F8 && p.value() == 'h');
        assertReplaysExactly(rec, EndReason.GUEST_EXIT, SHORT_HASH_EVERY);
    }

    @Test
    void theNetScenarioFedFromACaptureReplaysWithoutTheNic(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = RoundTrip.guest("scenario=net", "", false, MAX_INSNS, out, null, GuestImages.netSample(),
                tmp.resolve("sent.pcap"));
        RoundTrip.Recorded rec = RoundTrip.record(config, out, SHORT_HASH_EVERY);
        assertThat(rec.console()).contains("netsrv: udp echo of");
        assertThat(rec.events()).anyMatch(e -> e instanceof Event.PortIn p && p.port() >= 0x300 && p.port() < 0x320);
        assertReplaysExactly(rec, EndReason.GUEST_EXIT, SHORT_HASH_EVERY);
    }

    @Test
    void diskReadsThroughRepInswReplayWithoutTheImage(@TempDir Path tmp) throws Exception {
        byte[] sectors = new byte[64 * 512];
        for (int i = 0; i < sectors.length; i++) sectors[i] = (byte) (i % 61 == 0 ? '\n' : 'a' + i % 26);
        Path disk = Files.write(tmp.resolve("disk.img"), sectors);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = RoundTrip.guest("", "wc /dev/hda\nexit 0\n", false, MAX_INSNS, out, disk, null, null);
        RoundTrip.Recorded rec = RoundTrip.record(config, out, SHORT_HASH_EVERY);
        assertThat(rec.console()).contains("ata: /dev/hda, 64 sectors").contains(" 32768 ");
        assertThat(rec.events().stream().filter(e -> e instanceof Event.PortIn p && p.port() == 0x1F0 && p.size() == 2))
                .hasSizeGreaterThanOrEqualTo(64 * 256);
        Files.delete(disk); // the replay needs no disk image
        assertReplaysExactly(rec, EndReason.GUEST_EXIT, SHORT_HASH_EVERY);

        // through a real journal the sectors' reads are port blocks, served read by read
        Path journal = tmp.resolve("journal");
        RoundTrip.Replayed fromJournal = RoundTrip.replayFromJournal(RoundTrip.boot(rec.config(), SHORT_HASH_EVERY),
                rec.events(), journal);
        assertThat(fromJournal.result().divergence()).isNull();
        assertThat(fromJournal.result().outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
        assertThat(fromJournal.console()).isEqualTo(rec.console());
        long blocks = 0;
        try (dev.kerf.formats.journal.JournalReader r = dev.kerf.formats.journal.JournalReader.open(journal)) {
            for (Event e; (e = r.next()) != null; ) if (e instanceof Event.PortBlock b && b.port() == 0x1F0) blocks++;
        }
        assertThat(blocks).isGreaterThanOrEqualTo(64);
    }

    @Test
    void consoleOutputCostsNoEventsPerByteAndReplaysFromTheJournal(@TempDir Path tmp) throws Exception {
        RoundTrip.Recorded rec = record("", "echo hello from the pipe\nls /etc\nexit 5\n", SHORT_HASH_EVERY);
        long lsrChanges = rec.events().stream().filter(e -> e instanceof Event.PortChange c && c.port() == 0x3FD).count();
        assertThat(rec.events()).noneMatch(e -> e instanceof Event.PortIn p && p.port() == 0x3FD);
        assertThat(lsrChanges).isGreaterThan(0).isLessThan(rec.console().length() / 4);
        RoundTrip.Replayed r = RoundTrip.replayFromJournal(RoundTrip.boot(rec.config(), SHORT_HASH_EVERY), rec.events(),
                tmp.resolve("journal"));
        assertThat(r.result().outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
        assertThat(r.console()).isEqualTo(rec.console());
    }

    @Test
    void aRecordingStoppedByTheInstructionLimitReplaysToThatLimit() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RoundTrip.Recorded rec = RoundTrip.record(RoundTrip.guest("", "", false, 3_500_000, out), out, HASH_EVERY);
        assertThat(rec.result().reason()).isEqualTo(RunResult.Reason.MAX_INSNS);
        assertReplaysExactly(rec, EndReason.MAX_INSNS);
    }

    @Test
    void aChangedStatusReadIsADivergenceAtTheVeryNextEvent() throws Exception {
        RoundTrip.Recorded rec = record("", "echo hello from the pipe\nexit 5\n", SHORT_HASH_EVERY);
        List<Event> events = new ArrayList<>(rec.events());
        // the console driver reads LSR (0x3FD) and takes a byte from RBR (0x3F8) while Data Ready is set.
        // LSR is a sticky port: logged as a PortChange when Data Ready comes up, and it keeps that value
        // until the next change. With DR cleared there the driver skips RBR, so the replay's next port
        // access cannot be the recorded RBR read that followed
        int rbr = indexOf(events, e -> e instanceof Event.PortIn p && p.port() == 0x3F8 && p.value() == 'h');
        int changed = rbr - 1;
        while (!(events.get(changed) instanceof Event.PortChange c && c.port() == 0x3FD)) changed--;
        Event.PortChange lsr = (Event.PortChange) events.get(changed);
        assertThat(lsr.value() & 1).isEqualTo(1);
        events.set(changed, new Event.PortChange(lsr.icount(), lsr.faults(), lsr.port(), lsr.size(), lsr.value() & ~1));
        int next = changed + 1;
        while (!(events.get(next) instanceof Event.PortIn p && p.port() == 0x3F8)) next++;
        Event.PortIn nextRbr = (Event.PortIn) events.get(next);

        RoundTrip.Replayed r = RoundTrip.replay(RoundTrip.boot(rec.config(), SHORT_HASH_EVERY), events);

        assertThat(r.result().outcome()).isEqualTo(ReplayResult.Outcome.DIVERGED);
        assertThat(r.result().divergence().event()).as(r.result().divergence().message()).isEqualTo(next);
        assertThat(r.result().divergence().expected()).startsWith(String.format(
                "IN of 1 byte(s) from port 0x3f8 (recorded value 0x%x)", nextRbr.value()));
        assertThat(r.result().divergence().message()).startsWith("replay diverged at event " + next + " (event list index "
                + next + "), icount ");
    }

    @Test
    void aChangedInputByteIsADivergenceLaterAtTheSameEventEveryTime() throws Exception {
        RoundTrip.Recorded rec = record("", "echo hello from the pipe\nexit 5\n", SHORT_HASH_EVERY);
        List<Event> events = new ArrayList<>(rec.events());
        int changed = indexOf(events, e -> e instanceof Event.PortIn p && p.port() == 0x3F8 && p.value() == 'h');
        Event.PortIn p = (Event.PortIn) events.get(changed);
        events.set(changed, new Event.PortIn(p.port(), p.size(), 'j'));
        ReplayBoot boot = RoundTrip.boot(rec.config(), SHORT_HASH_EVERY);

        RoundTrip.Replayed r = RoundTrip.replay(boot, events);

        // the byte goes to the line buffer in RAM; it shows once the shell runs "ecjo" instead of echo
        assertThat(r.console()).contains("ecjo hello").doesNotContain("\nhello from the pipe");
        assertThat(r.result().outcome()).isEqualTo(ReplayResult.Outcome.DIVERGED);
        assertThat(r.result().divergence().event()).isGreaterThan(changed);
        assertThat(r.result().divergence().registers()).contains("eip=").contains("cr3=");
        assertThat(RoundTrip.replay(boot, events)).isEqualTo(r);
        assertThat(RoundTrip.replay(boot, rec.events()).result().outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
    }

    private static RoundTrip.Recorded record(String append, String input) throws Exception {
        return record(append, input, HASH_EVERY);
    }

    private static RoundTrip.Recorded record(String append, String input, long hashEvery) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RoundTrip.Recorded rec = RoundTrip.record(RoundTrip.guest(append, input, false, MAX_INSNS, out), out, hashEvery);
        assertThat(rec.result().reason()).as(rec.result().message()).isIn(RunResult.Reason.EXIT, RunResult.Reason.MAX_INSNS);
        return rec;
    }

    private static void assertReplaysExactly(RoundTrip.Recorded rec, EndReason reason) throws Exception {
        assertReplaysExactly(rec, reason, HASH_EVERY);
    }

    private static void assertReplaysExactly(RoundTrip.Recorded rec, EndReason reason, long hashEvery) throws Exception {
        ReplayBoot boot = RoundTrip.boot(rec.config(), hashEvery);
        RoundTrip.Replayed first = RoundTrip.replay(boot, rec.events());
        RoundTrip.Replayed second = RoundTrip.replay(boot, rec.events());

        assertThat(first.result().divergence()).isNull();
        assertThat(first.result().outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
        assertThat(first.result().endReason()).isEqualTo(reason);
        assertThat(first.console()).isEqualTo(rec.console());
        assertThat(first.result().icount()).isEqualTo(rec.result().icount());
        if (reason == EndReason.GUEST_EXIT) assertThat(first.result().exitStatus()).isEqualTo(rec.result().exitStatus());
        long hashes = rec.events().stream().filter(e -> e instanceof Event.StateHash).count();
        assertThat(first.result().stateHashes()).isEqualTo(hashes).isGreaterThan(2);
        assertThat(first.result().events()).isEqualTo(rec.events().size());
        assertThat(second).isEqualTo(first);
    }

    private static int indexOf(List<Event> events, java.util.function.Predicate<Event> p) {
        for (int i = 0; i < events.size(); i++) if (p.test(events.get(i))) return i;
        throw new AssertionError("no such event");
    }
}
