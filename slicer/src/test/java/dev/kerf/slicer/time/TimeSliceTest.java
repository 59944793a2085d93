package dev.kerf.slicer.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.snapshot.CheckpointedReplay;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.recording.Recording;
import dev.kerf.formats.slice.EventsSection;
import dev.kerf.formats.slice.FinalHash;
import dev.kerf.formats.slice.Section;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import dev.kerf.slicer.SelftestRecording;
import dev.kerf.slicer.SliceFiles;
import dev.kerf.slicer.SliceRequestException;
import dev.kerf.slicer.SliceVerifyException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Time slices of a selftest recording: they verify, print the window's console output, and catch tampering. */
class TimeSliceTest {
    static final Path NAME = Path.of("t.kslice");
    @TempDir
    static Path tmp;
    static Path rec;

    @BeforeAll
    static void record() throws Exception {
        rec = SelftestRecording.record(tmp);
    }

    static byte[] slice(long from, long to) throws IOException {
        try (Recording r = Recording.open(rec)) {
            return TimeSlicer.slice(r, "selftest.kerf", null, from, to);
        }
    }

    /** Console output of a full replay in the window, as {@code kerf replay --from --to} prints it. */
    static String fullReplayWindow(long from, long to) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Recording r = Recording.open(rec);
             CheckpointedReplay replay = CheckpointedReplay.open(ReplayBoot.of(r), r.journalDir(), null, 0, out)) {
            Replayer p = replay.replayer();
            if (from > 0) {
                p.mute(true);
                p.stopAt(from);
                assertThat(p.run().outcome()).isEqualTo(ReplayResult.Outcome.STOPPED);
                p.mute(false);
            }
            p.stopAt(to);
            assertThat(p.run().outcome()).isEqualTo(ReplayResult.Outcome.STOPPED);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aWindowReplaysVerifiedWithTheFullReplaysConsoleOutput() throws IOException {
        long from = 5_500_000, to = 10_500_000; // the selftest prints around 6M and 10.2M
        byte[] bytes = slice(from, to);
        Slice s = SliceFiles.verify(bytes, NAME);
        assertThat(s.header().longParameter("from", -1)).isEqualTo(from);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TimeSliceReplay replay = TimeSliceReplay.open(s, out);
        ReplayResult r = replay.run();
        assertThat(r.outcome()).as(String.valueOf(r.divergence())).isEqualTo(ReplayResult.Outcome.STOPPED);
        assertThat(r.icount()).isEqualTo(to);
        assertThat(replay.hashesInWindow()).isGreaterThanOrEqualTo(2);
        String window = out.toString(StandardCharsets.ISO_8859_1);
        assertThat(window).isEqualTo(fullReplayWindow(from, to)).isNotEmpty();
    }

    @Test
    void aWindowFromZeroReplays() throws IOException {
        Slice s = SliceFiles.verify(slice(0, 1_500_000), NAME);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(SliceFiles.replay(s, out).outcome()).isEqualTo(ReplayResult.Outcome.STOPPED);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(fullReplayWindow(0, 1_500_000));
    }

    @Test
    void aWindowToTheVeryEndReplays() throws IOException {
        long end;
        try (Recording r = Recording.open(rec);
             CheckpointedReplay replay = CheckpointedReplay.open(ReplayBoot.of(r), r.journalDir(), null, 0, null)) {
            ReplayResult full = replay.replayer().run();
            assertThat(full.outcome()).isEqualTo(ReplayResult.Outcome.COMPLETE);
            end = full.icount();
        }
        Slice s = SliceFiles.verify(slice(end - 2_000_000, end), NAME);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(SliceFiles.replay(s, out).icount()).isEqualTo(end);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(fullReplayWindow(end - 2_000_000, end));
        assertThatThrownBy(() -> slice(end - 10, end + 1)).isInstanceOf(SliceRequestException.class).hasMessageContaining("outside");
    }

    @Test
    void aTamperedStateHashDivergesAtThatEvent() throws IOException {
        Slice s = SliceReader.read(slice(2_000_000, 5_000_000), NAME);
        EventsSection ev = EventsSection.decode(s, s.only(SectionType.EVENTS));
        List<Event> events = new ArrayList<>(ev.events());
        int at = -1;
        for (int i = 0; i < events.size() && at < 0; i++) if (events.get(i) instanceof Event.StateHash h && h.icount() > 3_000_000) at = i;
        Event.StateHash h = (Event.StateHash) events.get(at);
        events.set(at, new Event.StateHash(h.icount(), h.hash() ^ 1));
        Slice bad = rewrite(s, SectionType.EVENTS, new EventsSection(ev.firstEvent(), ev.inBlock(), events).encode());
        ReplayResult r = SliceFiles.replay(bad, null);
        assertThat(r.outcome()).isEqualTo(ReplayResult.Outcome.DIVERGED);
        assertThat(r.divergence().event()).isEqualTo(ev.firstEvent() + at);
        assertThat(r.divergence().icount()).isEqualTo(h.icount());
        assertThatThrownBy(() -> SliceFiles.verify(rewriteBytes(s, SectionType.EVENTS,
                new EventsSection(ev.firstEvent(), ev.inBlock(), events).encode()), NAME))
                .isInstanceOf(SliceVerifyException.class).hasMessageContaining("event " + (ev.firstEvent() + at));
    }

    @Test
    void aWrongFinalHashDivergesAtTheEnd() throws IOException {
        Slice s = SliceReader.read(slice(2_000_000, 3_000_000), NAME);
        FinalHash f = FinalHash.decode(s, s.only(SectionType.FINAL_HASH));
        Slice bad = rewrite(s, SectionType.FINAL_HASH, new FinalHash(f.icount(), f.hash() + 1).encode());
        ReplayResult r = SliceFiles.replay(bad, null);
        assertThat(r.outcome()).isEqualTo(ReplayResult.Outcome.DIVERGED);
        assertThat(r.divergence().icount()).isEqualTo(3_000_000);
        assertThat(r.divergence().expected()).contains("final");
    }

    @Test
    void badWindowsAreRefused() {
        assertThatThrownBy(() -> slice(5, 5)).isInstanceOf(SliceRequestException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> slice(6, 5)).isInstanceOf(SliceRequestException.class).hasMessageContaining("reversed");
        assertThatThrownBy(() -> slice(1_000_000, 50_000_000_000L)).isInstanceOf(SliceRequestException.class)
                .hasMessageContaining("outside");
    }

    @Test
    void aSliceMissingASectionIsAFormatError() throws IOException {
        Slice s = SliceReader.read(slice(2_000_000, 2_500_000), NAME);
        SliceWriter w = new SliceWriter(s.header());
        for (Section sec : s.sections()) if (sec.type() != SectionType.RAM) w.add(sec.type(), sec.data());
        Slice bad = SliceReader.read(w.finish(), NAME);
        assertThatThrownBy(() -> SliceFiles.replay(bad, null)).isInstanceOf(FormatException.class).hasMessageContaining("RAM section");
        assertThatThrownBy(() -> SliceFiles.verify(new SliceWriter(s.header()).finish(), NAME)).isInstanceOf(FormatException.class);
    }

    /** {@code s} with the data of its {@code type} section replaced (CRCs recomputed: a tampering, not a corruption). */
    static Slice rewrite(Slice s, SectionType type, byte[] data) throws IOException {
        return SliceReader.read(rewriteBytes(s, type, data), NAME);
    }

    static byte[] rewriteBytes(Slice s, SectionType type, byte[] data) {
        SliceWriter w = new SliceWriter(s.header());
        for (Section sec : s.sections()) w.add(sec.type(), sec.type() == type ? data : sec.data());
        return w.finish();
    }
}
