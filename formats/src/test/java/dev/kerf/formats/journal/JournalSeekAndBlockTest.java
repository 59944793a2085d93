package dev.kerf.formats.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kerf.formats.FormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Port blocks (format 2), aligned icounts and opening a journal at a {@link Position}. */
class JournalSeekAndBlockTest {
    @TempDir Path tmp;

    /** A disk-like stream: status polls, 256-read sectors of varied data, timer interrupts on quanta. */
    static List<Event> diskLike(int sectors) {
        List<Event> l = new ArrayList<>();
        long icount = 0;
        int seed = 12345;
        for (int s = 0; s < sectors; s++) {
            for (int k = 0; k < 3; k++) l.add(new Event.PortIn(0x1F7, 1, k < 2 ? 0x80 : 0x58));
            for (int i = 0; i < 256; i++) {
                seed = seed * 1103515245 + 12345;
                int v = i >= 100 && i < 140 ? 0 : (seed >>> 16) & 0xFFFF; // a stretch of zeros inside the sector
                l.add(new Event.PortIn(0x1F0, 2, v));
            }
            icount += 5000 + s;
            if (s % 4 == 0) l.add(new Event.Interrupt((icount + 255) & -256L, 0x20, 0));
            icount = (icount + 255) & -256L;
            if (s % 7 == 0) l.add(new Event.PortChange(icount + 3, s % 2, 0x3FD, 1, 0x60 + s % 2));
            icount += 3;
        }
        l.add(new Event.End(icount + 10, EndReason.GUEST_EXIT, 0, 77));
        return l;
    }

    private static void write(Path dir, List<Event> events, int flushEvery) throws IOException {
        try (JournalWriter w = JournalWriter.create(dir)) {
            int n = 0;
            for (Event e : events) {
                if (e instanceof Event.PortIn p) w.appendPortIn(p.port(), p.size(), p.value());
                else w.append(e);
                if (flushEvery > 0 && ++n % flushEvery == 0) w.flush();
            }
        }
    }

    @Test
    void portReadsOfVariedValuesBecomeBlocksAndReadBackExactly() throws IOException {
        List<Event> events = diskLike(300);
        write(tmp, events, 0);
        List<Event> raw = new ArrayList<>();
        long payload = 0;
        try (JournalReader r = JournalReader.open(tmp)) {
            for (Event e; (e = r.next()) != null; ) { raw.add(e); payload += r.lastEventBytes(); }
        }
        assertThat(Event.PortBlock.flatten(raw)).containsExactlyElementsOf(events);
        assertThat(raw).anyMatch(e -> e instanceof Event.PortBlock b && b.port() == 0x1F0 && b.count() == 100);
        assertThat(raw).anyMatch(e -> e instanceof Event.PortIn p && p.port() == 0x1F0 && p.value() == 0); // the zero run
        long dataBytes = 300L * 256 * 2;
        assertThat(payload).isLessThan(dataBytes + dataBytes / 20); // within 5 % of the data itself
    }

    @Test
    void alignedInterruptWithoutFaultsCostsTwoBytes() throws IOException {
        write(tmp, List.of(new Event.Interrupt(1 << 20, 0x20, 0), new Event.Interrupt((1 << 20) + 30 * 256, 0x20, 0),
                new Event.Interrupt((1 << 20) + 30 * 256, 0x20, 3), new Event.StateHash(2 << 20, 9)), 0);
        List<Integer> sizes = new ArrayList<>();
        List<Event> back = new ArrayList<>();
        try (JournalReader r = JournalReader.open(tmp)) {
            for (Event e; (e = r.next()) != null; ) { back.add(e); sizes.add(r.lastEventBytes()); }
        }
        assertThat(back).containsExactly(new Event.Interrupt(1 << 20, 0x20, 0), new Event.Interrupt((1 << 20) + 30 * 256, 0x20, 0),
                new Event.Interrupt((1 << 20) + 30 * 256, 0x20, 3), new Event.StateHash(2 << 20, 9));
        // tag + 2-byte quanta + vector; tag + 1 byte; tag + 0 delta + faults; tag + 2-byte quanta + hash
        assertThat(sizes).containsExactly(4, 2, 3, 11);
    }

    @Test
    void openingAtAnyPositionGivesTheRestOfTheEvents() throws IOException {
        List<Event> events = diskLike(40);
        write(tmp, events, 997); // many excerpts, blocks cut at excerpt ends
        List<Position> positions = new ArrayList<>();
        List<Event> all = new ArrayList<>();
        try (JournalReader r = JournalReader.open(tmp)) {
            while (true) {
                Position p = r.nextPosition();
                Event e = r.next();
                if (e == null) break;
                positions.add(p);
                all.add(e);
            }
            assertThat(r.excerpts()).isGreaterThan(5);
        }
        assertThat(Event.PortBlock.flatten(all)).containsExactlyElementsOf(events);
        for (int i = 0; i < all.size(); i += Math.max(1, all.size() / 37)) {
            Position p = positions.get(i);
            assertThat(p.event()).isEqualTo(i);
            List<Event> rest = new ArrayList<>();
            try (JournalReader r = JournalReader.open(tmp, p)) {
                assertThat(r.nextPosition()).isEqualTo(p);
                for (Event e; (e = r.next()) != null; ) rest.add(e);
                assertThat(r.cutShort()).isFalse();
                assertThat(r.eventIndex()).isEqualTo(all.size());
            }
            assertThat(rest).as("from %s", p).containsExactlyElementsOf(all.subList(i, all.size()));
        }
    }

    /**
     * Opened at the position of any event (as its own excerpt and index, so also at the start of
     * an excerpt), {@link JournalReader#previous()} is the event before it — a checkpoint is
     * checked against it; a position whose global event number does not fit is refused.
     */
    @Test
    void previousIsTheEventBeforeThePositionAndEventNumbersMustFit() throws IOException {
        write(tmp, diskLike(40), 997);
        List<Event> all = new ArrayList<>();
        List<Position> at = new ArrayList<>();
        try (JournalReader r = JournalReader.open(tmp)) {
            for (Event e; (e = r.next()) != null; ) {
                at.add(new Position(r.lastExcerpt(), r.lastInExcerpt(), all.size(), 0));
                all.add(e);
            }
        }
        int excerptStarts = 0;
        for (int i = 0; i < all.size(); i++) {
            Position p = at.get(i);
            if (p.inExcerpt() == 0) excerptStarts++;
            try (JournalReader r = JournalReader.open(tmp, p)) {
                assertThat(r.previous()).as("before event %d at %s", i, p).isEqualTo(i == 0 ? null : all.get(i - 1));
                assertThat(r.next()).isEqualTo(all.get(i));
            }
            if (i % 7 == 0) {
                Position wrong = new Position(p.excerpt(), p.inExcerpt(), p.event() + 1, 0);
                assertThat(catchThrowable(() -> JournalReader.open(tmp, wrong))).isInstanceOf(FormatException.class)
                        .hasMessageContaining("is event " + i + " of the journal, not " + (i + 1));
            }
        }
        assertThat(excerptStarts).isGreaterThan(5);
    }

    @Test
    void aPositionBeyondTheJournalIsAFormatException() throws IOException {
        write(tmp, diskLike(3), 0);
        assertThat(catchThrowable(() -> JournalReader.open(tmp, new Position(5, 0, 100, 0))))
                .isInstanceOf(FormatException.class).hasMessageContaining("no excerpt 5");
        assertThat(catchThrowable(() -> JournalReader.open(tmp, new Position(0, 60_000, 60_000, 0))))
                .isInstanceOf(FormatException.class).hasMessageContaining("not the 60000 a position skips");
    }
}
