package dev.kerf.formats.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalRoundTripTest {
    @TempDir Path tmp;

    static List<Event> edgeEvents() {
        List<Event> l = new ArrayList<>();
        l.add(new Event.PortIn(0, 1, 0));
        l.add(new Event.PortIn(0xFFFF, 1, 0xFF));
        l.add(new Event.PortIn(0xFFFF, 2, 0xFFFF));
        l.add(new Event.PortIn(0x3F8, 4, -1));
        l.add(new Event.PortIn(0x3F8, 4, Integer.MIN_VALUE));
        for (int i = 0; i < 5; i++) l.add(new Event.PortIn(0x3FD, 1, 0x60));
        l.add(new Event.Interrupt(0, 0, 0));
        l.add(new Event.Interrupt(0, 0xFF, 1));
        l.add(new Event.Interrupt(5, 0xFF, 0));
        l.add(new Event.PortChange(5, 2, 0x3FD, 1, 0x60));
        l.add(new Event.PortChange(255, 0, 0xFFFF, 4, -1));
        l.add(new Event.Interrupt(256, 0x20, 0));
        l.add(new Event.PortChange(512, 0, 0x3FD, 2, 0xFFFF));
        l.add(new Event.Interrupt(1L << 40, 0x20, Integer.MAX_VALUE));
        l.add(new Event.Interrupt(1L << 40, 0x20, 0));
        l.add(new Event.PortIn(0x1F0, 2, 0x1234));
        l.add(new Event.PortIn(0x1F0, 2, 0x5678));
        l.add(new Event.PortIn(0x1F0, 2, 0x5678));
        l.add(new Event.PortIn(0x1F0, 2, 0x9ABC));
        l.add(new Event.Rdtsc(0));
        l.add(new Event.Rdtsc(Long.MIN_VALUE));
        l.add(new Event.Rdtsc(Long.MAX_VALUE));
        l.add(new Event.Rdtsc(-1));
        l.add(new Event.StateHash(1L << 40, Long.MIN_VALUE));
        l.add(new Event.StateHash((1L << 40) + 1, -1));
        l.add(new Event.End(Long.MAX_VALUE, EndReason.GUEST_EXIT, Integer.MIN_VALUE, Long.MAX_VALUE));
        return l;
    }

    static List<Event> readAll(Path dir) throws IOException {
        List<Event> out = new ArrayList<>();
        try (JournalReader r = JournalReader.open(dir)) {
            for (Event e; (e = r.next()) != null; ) out.add(e);
        }
        return Event.PortBlock.flatten(out);
    }

    @Test
    void everyKindAndEdgeValueRoundTripsInOneExcerpt() throws IOException {
        List<Event> events = edgeEvents();
        try (JournalWriter w = JournalWriter.create(tmp)) {
            for (Event e : events) w.append(e);
        }
        assertThat(readAll(tmp)).containsExactlyElementsOf(events);
        try (JournalReader r = JournalReader.open(tmp)) {
            while (r.next() != null) { }
            assertThat(r.cutShort()).isFalse();
            assertThat(r.eventIndex()).isEqualTo(events.size() - 4); // two blocks: 0x3f8 size 4 and 0x1f0 size 2
            assertThat(r.excerpts()).isEqualTo(1);
        }
    }

    @Test
    void everyEndReasonAndOneEventPerExcerpt() throws IOException {
        for (EndReason reason : EndReason.values()) {
            Path dir = tmp.resolve(reason.name());
            List<Event> events = new ArrayList<>(edgeEvents().subList(0, 25));
            events.add(new Event.End((1L << 40) + 7, reason, -5, 0));
            try (JournalWriter w = JournalWriter.create(dir)) {
                for (Event e : events) { w.append(e); w.flush(); }
                assertThat(w.excerptsWritten()).isEqualTo(events.size());
            }
            assertThat(readAll(dir)).containsExactlyElementsOf(events);
        }
    }

    @Test
    void manyBatchesKeepOrderAndIcountChain() throws IOException {
        List<Event> events = new ArrayList<>();
        long icount = 0;
        for (int i = 0; i < 60_000; i++) {
            icount += i % 7;
            events.add(switch (i % 5) {
                case 0 -> new Event.PortIn(0x60 + i % 3, 1, i & 0xFF);
                case 1 -> new Event.Interrupt(icount, 0x20 + i % 2, i % 13 == 0 ? 1 : 0);
                case 2 -> new Event.Rdtsc(i * 1000L);
                case 3 -> new Event.StateHash(icount, i * 31L);
                default -> new Event.PortIn(0x1F0, 2, 0xABCD);
            });
        }
        long bytes;
        try (JournalWriter w = JournalWriter.create(tmp)) {
            for (Event e : events) w.append(e);
            w.close();
            bytes = w.bytesWritten();
            assertThat(w.excerptsWritten()).isGreaterThan(1);
        }
        assertThat(bytes).isLessThan(60_000L * 8);
        assertThat(readAll(tmp)).containsExactlyElementsOf(events);
        try (JournalReader r = JournalReader.open(tmp)) {
            while (r.next() != null) { }
            assertThat(r.cutShort()).isTrue();
        }
    }

    @Test
    void runsOfEqualReadsCostOneEncoding() throws IOException {
        long bytes;
        try (JournalWriter w = JournalWriter.create(tmp)) {
            for (int i = 0; i < 10_000; i++) w.append(new Event.PortIn(0x3FD, 1, 0x60));
            w.close();
            bytes = w.bytesWritten();
        }
        assertThat(bytes).isLessThan(ExcerptFormat.OVERHEAD + 8);
        assertThat(readAll(tmp)).hasSize(10_000).allMatch(e -> e.equals(new Event.PortIn(0x3FD, 1, 0x60)));
    }

    @Test
    void eventBytesAddUpToThePayload() throws IOException {
        List<Event> events = edgeEvents();
        long bytes;
        try (JournalWriter w = JournalWriter.create(tmp)) {
            for (Event e : events) w.append(e);
            w.close();
            bytes = w.bytesWritten();
        }
        long sum = 0;
        try (JournalReader r = JournalReader.open(tmp)) {
            Event e = r.next();
            assertThat(r.lastEventBytes()).isEqualTo(3); // tag 0x01, port 0 (varint), value 0
            sum += r.lastEventBytes();
            while ((e = r.next()) != null) {
                sum += r.lastEventBytes();
                if (e.equals(new Event.Interrupt(5, 0xFF, 0))) assertThat(r.lastEventBytes()).isEqualTo(2);
                if (e.equals(new Event.Interrupt(256, 0x20, 0))) assertThat(r.lastEventBytes()).isEqualTo(3); // tag, 1 quantum, vector
                if (e.equals(new Event.Interrupt(1L << 40, 0x20, 0))) assertThat(r.lastEventBytes()).isEqualTo(2);
                if (e.equals(new Event.PortChange(5, 2, 0x3FD, 1, 0x60))) assertThat(r.lastEventBytes()).isEqualTo(6); // tag, delta 0, faults, port (2), value
                if (e instanceof Event.StateHash s && s.icount() == (1L << 40) + 1) assertThat(r.lastEventBytes()).isEqualTo(10);
            }
        }
        assertThat(sum + ExcerptFormat.OVERHEAD).isEqualTo(bytes);
    }

    @Test
    void journalKilledBeforeItsFirstExcerptIsEmptyAndCutShort() throws IOException {
        try (JournalWriter w = JournalWriter.create(tmp)) {
            assertThat(w.bytesWritten()).isZero();
        }
        try (JournalReader r = JournalReader.open(tmp)) {
            assertThat(r.next()).isNull();
            assertThat(r.cutShort()).isTrue();
            assertThat(r.position()).contains("start of");
        }
    }

    @Test
    void chronicleTailerSeesEachExcerptAsOneDocument() throws IOException {
        List<byte[]> excerpts = new ArrayList<>();
        try (JournalWriter w = JournalWriter.create(tmp)) {
            for (Event e : edgeEvents()) { w.append(e); w.flush(); }
        }
        try (JournalReader r = JournalReader.open(tmp)) {
            for (byte[] x; (x = r.nextExcerpt()) != null; ) excerpts.add(x);
        }
        try (var q = ChronicleQueues.open(tmp); var tailer = q.createTailer()) {
            for (byte[] expected : excerpts) {
                net.openhft.chronicle.bytes.Bytes<?> b = net.openhft.chronicle.bytes.Bytes.allocateElasticOnHeap();
                assertThat(tailer.readBytes(b)).isTrue();
                assertThat(b.toByteArray()).isEqualTo(expected);
                b.releaseLast();
            }
            assertThat(tailer.readBytes(net.openhft.chronicle.bytes.Bytes.allocateElasticOnHeap())).isFalse();
        }
    }

    @Test
    void journalIsOneQueueFileWithAFixedName() throws IOException {
        try (JournalWriter w = JournalWriter.create(tmp)) { w.append(new Event.Rdtsc(1)); }
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")))
                    .containsExactly("19700101H.cq4");
        }
    }

    @Test
    void writerRejectsWhatCannotBeStoredExactly() throws IOException {
        try (JournalWriter w = JournalWriter.create(tmp)) {
            assertThatThrownBy(() -> w.append(new Event.PortIn(0x10000, 1, 0))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.append(new Event.PortIn(1, 3, 0))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.append(new Event.PortIn(1, 1, -1))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.append(new Event.Interrupt(0, 256, 0))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.append(new Event.Interrupt(0, 1, -1))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.append(new Event.PortChange(0, 0, 0x3FD, 1, 0x100))).isInstanceOf(IllegalArgumentException.class);
            w.append(new Event.StateHash(10, 0));
            assertThatThrownBy(() -> w.append(new Event.StateHash(9, 0))).isInstanceOf(IllegalArgumentException.class);
            w.append(new Event.End(10, EndReason.STOPPED, 0, 0));
            assertThatThrownBy(() -> w.append(new Event.Rdtsc(0))).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> JournalWriter.create(tmp)).isInstanceOf(IOException.class);
    }
}
