package dev.kerf.bench;

import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.EventKind;
import dev.kerf.formats.journal.ExcerptFormat;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.journal.JournalWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a recording's journal spends its bytes on. Event counts come straight from the journal
 * (as {@code kerf info --json} counts them). Bytes per category are marginal: the events are
 * re-encoded into a scratch journal with and without that category, and the difference is what
 * the category costs (the encoder compresses against the previous event, so a category's bytes
 * depend on its neighbours and cannot be read off one event alone). The re-encoding flushes a
 * batch after every StateHash, as the recorder does; the recorder's extra host-time flushes
 * (every 100 ms) are not reproduced, so framing is counted from the real journal: 28 bytes per
 * excerpt ({@link ExcerptFormat#OVERHEAD}).
 */
final class LogAnalysis {
    /** The guest kernels remap the master PIC to 0x20: vector 0x20 is IRQ0, the PIT. */
    static final int TIMER_VECTOR = 0x20;
    /** COM1's line status register: polled before every output byte. */
    static final int COM1_LSR = 0x3FD;

    /** Named event categories whose marginal bytes are measured, in report order. */
    static final Map<String, Predicate<Event>> CATEGORIES = categories();

    /**
     * @param events        events by kind
     * @param count         events per category
     * @param bytes         marginal payload bytes per category
     * @param timerIrqs     interrupts on the timer vector
     * @param ataDataBytes  bytes the guest read from the ATA data port 0x1F0 (reads × size): the disk data
     * @param journalBytes  bytes of all excerpts of the real journal
     * @param excerpts      excerpts of the real journal
     */
    record Result(Map<EventKind, Long> events, Map<String, Long> count, Map<String, Long> bytes, long timerIrqs, long ataDataBytes,
                  long journalBytes, long excerpts) {
        long framingBytes() {
            return excerpts * ExcerptFormat.OVERHEAD;
        }
    }

    private LogAnalysis() {}

    private static Map<String, Predicate<Event>> categories() {
        Map<String, Predicate<Event>> m = new LinkedHashMap<>();
        m.put("timer interrupts", e -> e instanceof Event.Interrupt i && i.vector() == TIMER_VECTOR);
        m.put("other interrupts", e -> e instanceof Event.Interrupt i && i.vector() != TIMER_VECTOR);
        m.put("COM1 LSR reads", e -> port(e) == COM1_LSR);
        m.put("COM1 other reads", e -> port(e) >= 0x3F8 && port(e) <= 0x3FF && port(e) != COM1_LSR);
        m.put("ATA reads", e -> port(e) >= 0x1F0 && port(e) <= 0x1F7 || port(e) == 0x3F6);
        m.put("NE2000 reads", e -> port(e) >= 0x300 && port(e) <= 0x31F);
        m.put("other port reads", e -> port(e) >= 0 && !(port(e) >= 0x3F8 && port(e) <= 0x3FF)
                && !(port(e) >= 0x1F0 && port(e) <= 0x1F7 || port(e) == 0x3F6) && !(port(e) >= 0x300 && port(e) <= 0x31F));
        m.put("rdtsc", e -> e instanceof Event.Rdtsc);
        m.put("state hashes", e -> e instanceof Event.StateHash);
        return m;
    }

    /** The port a port event reads (PortIn, PortBlock, PortChange), or -1. */
    static int port(Event e) {
        if (e instanceof Event.PortIn p) return p.port();
        if (e instanceof Event.PortBlock b) return b.port();
        if (e instanceof Event.PortChange c) return c.port();
        return -1;
    }

    /** Reads an event stands for: a block's count, 1 for any other port event, else 0. */
    static long reads(Event e) {
        if (e instanceof Event.PortBlock b) return b.count();
        return port(e) >= 0 ? 1 : 0;
    }

    static Result of(Path journalDir, Path scratch) throws IOException {
        List<Event> events = new ArrayList<>();
        Map<EventKind, Long> kinds = new EnumMap<>(EventKind.class);
        for (EventKind k : EventKind.values()) kinds.put(k, 0L);
        long journalBytes = 0, excerpts = 0;
        try (JournalReader j = JournalReader.open(journalDir)) {
            for (Event e; (e = j.next()) != null; ) {
                events.add(e);
                kinds.merge(e.kind(), 1L, Long::sum);
            }
        }
        try (JournalReader j = JournalReader.open(journalDir)) {
            for (byte[] x; (x = j.nextExcerpt()) != null; ) {
                excerpts++;
                journalBytes += x.length;
            }
        }
        long all = payload(events, e -> true, scratch.resolve("all"));
        Map<String, Long> count = new LinkedHashMap<>(), bytes = new LinkedHashMap<>();
        int n = 0;
        for (Map.Entry<String, Predicate<Event>> c : CATEGORIES.entrySet()) {
            long k = events.stream().filter(c.getValue()).mapToLong(LogAnalysis::reads).sum();
            if (k == 0) k = events.stream().filter(c.getValue()).count();
            count.put(c.getKey(), k);
            bytes.put(c.getKey(), k == 0 ? 0 : all - payload(events, c.getValue().negate(), scratch.resolve("c" + n++)));
        }
        long timer = count.get("timer interrupts");
        long ata = 0;
        for (Event e : events) {
            if (e instanceof Event.PortIn p && p.port() == 0x1F0) ata += p.size();
            if (e instanceof Event.PortBlock b && b.port() == 0x1F0) ata += b.data().length;
        }
        return new Result(kinds, count, bytes, timer, ata, journalBytes, excerpts);
    }

    /**
     * Payload bytes of {@code events} filtered by {@code keep}, re-encoded with a flush after
     * every StateHash (End always stays: the writer needs it to close the journal cleanly).
     */
    private static long payload(List<Event> events, Predicate<Event> keep, Path dir) throws IOException {
        long bytes, excerpts;
        try (JournalWriter w = JournalWriter.create(dir)) {
            for (Event e : events) {
                if (!keep.test(e) && !(e instanceof Event.End)) continue;
                w.append(e);
                if (e instanceof Event.StateHash) w.flush();
            }
            w.flush();
            bytes = w.bytesWritten();
            excerpts = w.excerptsWritten();
        }
        delete(dir);
        return bytes - excerpts * ExcerptFormat.OVERHEAD;
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
