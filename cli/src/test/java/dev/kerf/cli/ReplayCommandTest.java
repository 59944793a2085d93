package dev.kerf.cli;

import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.journal.JournalWriter;
import dev.kerf.formats.recording.Recording;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kerf replay} on recordings changed after the fact: divergences and damage. */
class ReplayCommandTest {
    @TempDir
    static Path tmp;
    private static Path original;
    private static String originalConsole;

    @BeforeAll
    static void recordAnInteractiveSession() throws Exception {
        original = tmp.resolve("shell.kerf");
        Cli.Outcome r = Cli.run("echo hello from the pipe\nexit 5\n",
                GuestOs.args(List.of("record", "-o", original.toString(), "--hash-every", "100K"), ""));
        assertThat(r.exitCode()).as(r.err()).isEqualTo((5 << 1) | 1);
        originalConsole = r.out();
    }

    @Test
    void aChangedPortValueIsReportedAtTheEventWhereTheReplayCannotFollow() throws Exception {
        List<Event> events = events(original);
        // the driver reads the typed bytes from RBR in a loop: a PortIn, or a PortBlock of several
        int rbr = indexOf(events, e -> Event.PortBlock.flatten(List.of(e)).contains(new Event.PortIn(0x3F8, 1, 'h')));
        // COM1's LSR is a sticky port: its reads are logged as PortChange events when the value changes.
        // Data Ready cleared where it came up: the driver skips RBR
        int lsrAt = rbr - 1;
        while (!(events.get(lsrAt) instanceof Event.PortChange c && c.port() == 0x3FD)) lsrAt--;
        Event.PortChange lsr = (Event.PortChange) events.get(lsrAt);
        assertThat(lsr.value() & 1).isEqualTo(1);
        Path changed = rewrite(original, tmp.resolve("changed.kerf"), lsrAt,
                e -> new Event.PortChange(lsr.icount(), lsr.faults(), lsr.port(), lsr.size(), lsr.value() & ~1));
        List<Event> rewritten = events(changed); // port blocks may be split differently than in the original
        int at = indexOf(rewritten, e -> e.equals(new Event.PortChange(lsr.icount(), lsr.faults(), lsr.port(), lsr.size(),
                lsr.value() & ~1)));
        int next = at + 1;
        while (!(rewritten.get(next) instanceof Event.PortIn p && p.port() == 0x3F8
                || rewritten.get(next) instanceof Event.PortBlock b && b.port() == 0x3F8)) next++;
        String expected = rewritten.get(next) instanceof Event.PortBlock b
                ? String.format("expected a block of %d INs of 1 byte(s) from port 0x3f8", b.count())
                : String.format("expected IN of 1 byte(s) from port 0x3f8 (recorded value 0x%x)",
                        ((Event.PortIn) rewritten.get(next)).value());

        Cli.Outcome r = Cli.run("", "replay", changed.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.DIVERGED.code());
        assertThat(r.err()).contains("kerf: replay diverged at event " + next + " (event ")
                .contains(expected).contains(", got ")
                .contains("kerf: registers: eax=");
        // up to the changed read the replay follows the recording exactly; after it the guest may print
        // what the recording never had (its prompt, when input came in early) before it needs an IN the
        // journal cannot answer
        Cli.Outcome upToChange = Cli.run("", "replay", original.toString(), "--to", Long.toString(lsr.icount()));
        assertThat(upToChange.exitCode()).as(upToChange.err()).isZero();
        assertThat(r.out()).startsWith(upToChange.out());
        assertThat(originalConsole).startsWith(upToChange.out());
    }

    @Test
    void theUnchangedCopyStillReplays() throws Exception {
        Path copy = rewrite(original, tmp.resolve("copy.kerf"), -1, UnaryOperator.identity());
        Cli.Outcome r = Cli.run("", "replay", copy.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(originalConsole);
    }

    @Test
    void aFlippedJournalByteIsOneLineNamingTheFileAndOffset() throws Exception {
        Path damaged = tmp.resolve("damaged.kerf");
        copyTree(original, damaged);
        Path queue;
        try (var files = Files.list(damaged.resolve(Recording.JOURNAL))) {
            queue = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(queue);
        int excerpt = indexOfMagic(bytes);
        bytes[excerpt + 30] ^= 0x40; // inside the first excerpt's payload
        Files.write(queue, bytes);

        for (String verb : List.of("replay", "info")) {
            Cli.Outcome r = Cli.run("", verb, damaged.toString());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.BAD_RECORDING.code());
            assertThat(r.err()).startsWith("kerf: " + queue).contains("offset 0x").doesNotContain("Exception");
            assertThat(r.err().strip().lines().count()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void aMissingRecordingIsOneLine() {
        Cli.Outcome r = Cli.run("", "replay", tmp.resolve("nothing-here").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_RECORDING.code());
        assertThat(r.err()).startsWith("kerf: ").contains("nothing-here");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
    }

    static List<Event> events(Path rec) throws IOException {
        List<Event> events = new ArrayList<>();
        try (JournalReader j = JournalReader.open(rec.resolve(Recording.JOURNAL))) {
            for (Event e; (e = j.next()) != null; ) events.add(e);
        }
        return events;
    }

    /** A copy of {@code from} whose journal has event {@code index} replaced by {@code change} of it. */
    static Path rewrite(Path from, Path to, int index, UnaryOperator<Event> change) throws IOException {
        List<Event> events = events(from);
        Files.createDirectories(to);
        Files.copy(from.resolve(Recording.MANIFEST), to.resolve(Recording.MANIFEST));
        copyTree(from.resolve(Recording.IMAGES), to.resolve(Recording.IMAGES));
        try (JournalWriter w = JournalWriter.create(to.resolve(Recording.JOURNAL))) {
            for (int i = 0; i < events.size(); i++) w.append(i == index ? change.apply(events.get(i)) : events.get(i));
        }
        return to;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static int indexOfMagic(byte[] b) {
        for (int i = 0; i + 2 < b.length; i++) if (b[i] == 'K' && b[i + 1] == 'J' && b[i + 2] == dev.kerf.formats.journal.ExcerptFormat.MAJOR) return i;
        throw new AssertionError("no excerpt magic in the queue file");
    }

    private static int indexOf(List<Event> events, java.util.function.Predicate<Event> p) {
        for (int i = 0; i < events.size(); i++) if (p.test(events.get(i))) return i;
        throw new AssertionError("no such event");
    }
}
