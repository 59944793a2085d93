package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.formats.journal.Event;
import dev.kerf.formats.slice.EventsSection;
import dev.kerf.formats.slice.Section;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kerf slice --time}, {@code kerf replay S.kslice} and {@code kerf info S.kslice} on a selftest recording. */
class SliceCommandTest {
    @TempDir
    static Path tmp;
    static Path rec;
    static Path slice;

    /** One run with binary stdin and stdout. */
    record Run(int exitCode, byte[] out, String err) {
        String text() { return new String(out, StandardCharsets.ISO_8859_1); }
    }

    static Run run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        HostIo io = new HostIo(new ByteArrayInputStream(stdin), out, new PrintWriter(err, true), false);
        int code = Kerf.commandLine(io).execute(args);
        return new Run(code, out.toByteArray(), err.toString());
    }

    static Run run(String... args) { return run(new byte[0], args); }

    @BeforeAll
    static void recordAndSlice() throws Exception {
        rec = tmp.resolve("selftest.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=selftest"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        slice = tmp.resolve("w.kslice");
        Run s = run("slice", rec.toString(), "--time", "1M..8M", "-o", slice.toString());
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(s.out()).isEmpty();
        assertThat(s.err()).contains("verified");
    }

    @Test
    void replayOfTheSlicePrintsTheWindowOfTheFullReplay() {
        Run full = run("replay", rec.toString(), "--from", "1M", "--to", "8M");
        Run sliced = run("replay", slice.toString());
        assertThat(full.exitCode()).as(full.err()).isZero();
        assertThat(sliced.exitCode()).as(sliced.err()).isZero();
        assertThat(sliced.text()).isEqualTo(full.text()).isNotEmpty();
        assertThat(sliced.err()).contains("final registers+RAM hash matched");
    }

    @Test
    void slicesPipeThroughStdoutAndStdin() throws Exception {
        Run toStdout = run("slice", rec.toString(), "--time", "0..1.5M", "-o", "-");
        assertThat(toStdout.exitCode()).as(toStdout.err()).isZero();
        Slice read = SliceReader.read(toStdout.out(), Path.of("stdout"));
        assertThat(read.header().longParameter("to", 0)).isEqualTo(1_500_000);
        Run replay = run(toStdout.out(), "replay", "-");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.text()).isEqualTo(run("replay", rec.toString(), "--to", "1.5M").text());
        Run info = run(toStdout.out(), "info", "-", "--json");
        assertThat(info.text()).contains("\"kind\": \"time\"").contains("\"from\": 0").contains("\"privacy\": {}");
    }

    @Test
    void infoShowsKindWindowSourceSectionsAndPrivacy() {
        Run info = run("info", slice.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.text()).contains("kind:          time").contains("window:        1000000..8000000")
                .contains("selftest.kerf (recording id ").contains("  ram:").contains("  events:").contains("privacy:");
        Run json = run("info", slice.toString(), "--json");
        assertThat(json.text()).contains("\"sections\": {\"cpu\": ").contains("\"name\": \"selftest.kerf\"");
    }

    @Test
    void badRequestsAreOneLineAndLeaveNoFile() {
        Path out = tmp.resolve("bad.kslice");
        for (String[] args : List.of(new String[] {"5M..5M", "empty"}, new String[] {"6M..5M", "reversed"},
                new String[] {"1M..100G", "outside"}, new String[] {"5M", "FROM..TO"})) {
            Run r = run("slice", rec.toString(), "--time", args[0], "-o", out.toString());
            assertThat(r.exitCode()).as(args[0] + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).contains(args[1]);
            assertThat(out).doesNotExist();
        }
        Run unwritable = run("slice", rec.toString(), "--time", "1M..2M", "-o", tmp.resolve("no/such/dir/s.kslice").toString());
        assertThat(unwritable.exitCode()).isEqualTo(4);
        assertThat(unwritable.err().lines().filter(l -> !l.isBlank()).count()).isEqualTo(1);
        assertThat(run("slice", rec.toString(), "-o", out.toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void aTamperedEventDivergesAtItsEventNumber() throws Exception {
        Slice s = SliceReader.read(slice);
        EventsSection ev = EventsSection.decode(s, s.only(SectionType.EVENTS));
        List<Event> events = new ArrayList<>(ev.events());
        int at = 0;
        while (!(events.get(at) instanceof Event.StateHash)) at++;
        Event.StateHash h = (Event.StateHash) events.get(at);
        events.set(at, new Event.StateHash(h.icount(), ~h.hash()));
        SliceWriter w = new SliceWriter(s.header());
        for (Section sec : s.sections())
            w.add(sec.type(), sec.type() == SectionType.EVENTS ? new EventsSection(ev.firstEvent(), ev.inBlock(), events).encode() : sec.data());
        Path bad = tmp.resolve("tampered.kslice");
        Files.write(bad, w.finish());
        Run r = run("replay", bad.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(16);
        assertThat(r.err()).contains("diverged at event " + (ev.firstEvent() + at)).contains("icount " + h.icount());
    }

    @Test
    void damagedSlicesAreExit12NamingTheOffset() throws Exception {
        byte[] good = Files.readAllBytes(slice);
        Path cut = tmp.resolve("cut.kslice");
        Files.write(cut, Arrays.copyOf(good, good.length / 2));
        for (String verb : List.of("replay", "info")) {
            Run r = run(verb, cut.toString());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(12);
            assertThat(r.err()).contains("cut.kslice at offset 0x").doesNotContain("Exception");
        }
        byte[] flipped = good.clone();
        flipped[good.length / 3] ^= 0x10;
        Path bad = tmp.resolve("flipped.kslice");
        Files.write(bad, flipped);
        Run r = run("replay", bad.toString());
        assertThat(r.exitCode()).isEqualTo(12);
        assertThat(r.err()).contains("CRC mismatch");
        Run stdin = run(Arrays.copyOf(good, 100), "replay", "-");
        assertThat(stdin.exitCode()).isEqualTo(12);
        assertThat(stdin.err()).contains("<stdin>");
    }
}
