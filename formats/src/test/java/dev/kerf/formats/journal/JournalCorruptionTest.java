package dev.kerf.formats.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kerf.formats.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hostile journals: every damage is a FormatException naming the file and offset, or a clean cut. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JournalCorruptionTest {
    @TempDir Path dir;
    Path file;
    List<Event> events;
    /** Offset of each excerpt's body in the queue file, and its length. */
    List<long[]> excerpts = new ArrayList<>();

    @BeforeEach
    void writeJournal() throws IOException {
        events = new ArrayList<>();
        try (JournalWriter w = JournalWriter.create(dir)) {
            for (int batch = 0; batch < 6; batch++) {
                for (int i = 0; i < 4; i++) {
                    Event e = new Event.Interrupt(batch * 100L + i, 0x20, i % 2);
                    w.append(e);
                    events.add(e);
                    Event p = new Event.PortIn(0x60, 1, batch * 16 + i);
                    w.append(p);
                    events.add(p);
                }
                if (batch == 5) {
                    Event end = new Event.End(1000, EndReason.GUEST_EXIT, 3, 42);
                    w.append(end);
                    events.add(end);
                }
                w.flush();
            }
        }
        try (QueueFile q = QueueFile.open(dir)) {
            file = q.file();
            for (byte[] x; (x = q.next()) != null; ) excerpts.add(new long[] {q.lastOffset(), x.length});
        }
        assertThat(excerpts).hasSize(6);
        // Drop Chronicle's pre-sized zero tail (tens of MiB) so each damaged copy is cheap to write;
        // the reader treats the end of the file like a zero header after the last document.
        long[] last = excerpts.get(5);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(last[0] + last[1] + 3 & ~3L);
        }
    }

    /** Reads everything; returns the events, or throws FormatException. */
    List<Event> read(boolean[] cutShort) throws IOException {
        List<Event> out = new ArrayList<>();
        try (JournalReader r = JournalReader.open(dir)) {
            for (Event e; (e = r.next()) != null; ) out.add(e);
            cutShort[0] = r.cutShort();
        }
        return out;
    }

    FormatException expectError() {
        Throwable t = catchThrowable(() -> read(new boolean[1]));
        assertThat(t).isInstanceOf(FormatException.class);
        FormatException f = (FormatException) t;
        assertThat(f.file()).isEqualTo(file);
        assertThat(f.offset()).isGreaterThanOrEqualTo(0);
        assertThat(f.getMessage()).contains(file.toString()).contains("offset 0x").doesNotContain("\n");
        return f;
    }

    /** Damage must be an error or a clean cut (a prefix, flagged cut short), never different events. */
    void expectDetected() throws IOException {
        boolean[] cut = new boolean[1];
        List<Event> got;
        try {
            got = read(cut);
        } catch (FormatException e) {
            assertThat(e.offset()).isGreaterThanOrEqualTo(0);
            return;
        }
        if (!cut[0]) {
            assertThat(got).as("undetected damage (only Chronicle's own metadata may change unnoticed)").isEqualTo(events);
            return;
        }
        assertThat(events.subList(0, got.size())).isEqualTo(got);
    }

    byte[] bytes() throws IOException { return Files.readAllBytes(file); }

    void put(byte[] all) throws IOException { Files.write(file, all); }

    void putAt(long offset, byte[] b) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(b), offset);
        }
    }

    byte[] excerpt(int i) throws IOException {
        byte[] all = bytes();
        long[] x = excerpts.get(i);
        byte[] b = new byte[(int) x[1]];
        System.arraycopy(all, (int) x[0], b, 0, b.length);
        return b;
    }

    /** Rewrites excerpt {@code i} after {@code edit}, with a valid CRC, so only the edit is wrong. */
    void editWithCrc(int i, java.util.function.Consumer<ByteBuffer> edit) throws IOException {
        byte[] b = excerpt(i);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        edit.accept(bb);
        bb.putInt(b.length - 4, ExcerptFormat.crc(b, b.length - 4));
        putAt(excerpts.get(i)[0], b);
    }

    @Test
    void intactJournalReads() throws IOException {
        boolean[] cut = new boolean[1];
        assertThat(read(cut)).isEqualTo(events);
        assertThat(cut[0]).isFalse();
    }

    @Test
    void everySingleByteChangeOfAnExcerptIsCaught() throws IOException {
        byte[] x = excerpt(2);
        ExcerptFormat.Header h = ExcerptFormat.check(x);
        assertThat(EventDecoder.decode(x, h)).hasSize(8);
        for (int pos = 0; pos < x.length; pos++) {
            for (int v = 1; v < 256; v++) {
                byte[] y = x.clone();
                y[pos] ^= (byte) v;
                int at = pos;
                assertThatThrownBy(() -> ExcerptFormat.check(y)).as("byte %d ^ 0x%02x", at, v)
                        .isInstanceOf(ExcerptFormat.ExcerptException.class);
            }
        }
    }

    @Test
    void everyByteFlippedInTheFileIsAnErrorOrACleanCut() throws IOException {
        byte[] orig = bytes();
        long[] x = excerpts.get(3);
        for (long pos = x[0] - 4; pos < x[0] + x[1]; pos++) {
            byte[] b = orig.clone();
            b[(int) pos] ^= (byte) 0xFF;
            put(b);
            expectDetected();
        }
    }

    @Test
    void crcMismatchNamesStoredAndComputed() throws IOException {
        long[] x = excerpts.get(1);
        putAt(x[0] + ExcerptFormat.HEADER_LENGTH, new byte[] {(byte) 0x99});
        FormatException e = expectError();
        assertThat(e.getMessage()).contains("excerpt 1").contains("CRC mismatch: stored 0x").contains("computed 0x");
        assertThat(e.offset()).isEqualTo(x[0] + x[1] - 4);
    }

    @Test
    void truncationAnywhereReadsAPrefixAndSaysCutShort() throws IOException {
        byte[] orig = bytes();
        long end = excerpts.get(5)[0] + excerpts.get(5)[1];
        for (long len = excerpts.get(0)[0]; len < end; len += 3) {
            byte[] b = java.util.Arrays.copyOf(orig, (int) len);
            put(b);
            boolean[] cut = new boolean[1];
            List<Event> got = read(cut);
            assertThat(cut[0]).isTrue();
            assertThat(events.subList(0, got.size())).isEqualTo(got);
        }
    }

    @Test
    void unfinishedLastDocumentIsACut() throws IOException {
        long[] last = excerpts.get(5);
        putAt(last[0] - 4, new byte[] {0, 0, 0, (byte) 0x80});
        boolean[] cut = new boolean[1];
        assertThat(read(cut)).isEqualTo(events.subList(0, 40));
        assertThat(cut[0]).isTrue();
    }

    @Test
    void droppedExcerptIsAGap() throws IOException {
        byte[] orig = bytes();
        long[] x = excerpts.get(2);
        int start = (int) x[0] - 4;
        int len = (int) ((x[0] + x[1] + 3 & ~3L) - start);
        byte[] b = new byte[orig.length];
        System.arraycopy(orig, 0, b, 0, start);
        System.arraycopy(orig, start + len, b, start, orig.length - start - len);
        put(b);
        FormatException e = expectError();
        assertThat(e.getMessage()).contains("excerpt 2").contains("sequence number 3, expected 2").contains("missing");
        assertThat(e.offset()).isEqualTo(x[0] + ExcerptFormat.SEQUENCE_OFFSET);
    }

    @Test
    void swappedExcerptsAreOutOfOrder() throws IOException {
        byte[] a = excerpt(1), b = excerpt(2);
        assertThat(a.length).isEqualTo(b.length);
        putAt(excerpts.get(1)[0], b);
        putAt(excerpts.get(2)[0], a);
        assertThat(expectError().getMessage()).contains("excerpt 1").contains("sequence number 2, expected 1");
    }

    @Test
    void repeatedExcerptIsCaught() throws IOException {
        putAt(excerpts.get(2)[0], excerpt(1));
        assertThat(expectError().getMessage()).contains("excerpt 2").contains("repeated or out of order");
    }

    @Test
    void newerMajorVersionSaysWhatToDo() throws IOException {
        editWithCrc(0, bb -> bb.put(ExcerptFormat.MAJOR_OFFSET, (byte) 3));
        assertThat(expectError().getMessage()).contains("unsupported journal version 3.0, this kerf reads 2.x: use a newer kerf");
    }

    @Test
    void version1JournalIsRefusedWithFileAndOffset() throws IOException {
        editWithCrc(0, bb -> bb.put(ExcerptFormat.MAJOR_OFFSET, (byte) 1));
        FormatException e = expectError();
        assertThat(e.getMessage()).contains("unsupported journal version 1.0, this kerf reads 2.x: record again")
                .contains(file.toString());
        assertThat(e.offset()).isEqualTo(excerpts.get(0)[0] + ExcerptFormat.MAJOR_OFFSET);
    }

    @Test
    void unknownEventKindIsNamed() throws IOException {
        editWithCrc(0, bb -> bb.put(ExcerptFormat.HEADER_LENGTH, (byte) 0x0E));
        FormatException e = expectError();
        assertThat(e.getMessage()).contains("unknown event kind 14");
        assertThat(e.offset()).isEqualTo(excerpts.get(0)[0] + ExcerptFormat.HEADER_LENGTH);
    }

    @Test
    void hugeLengthFieldsAllocateNothing() throws IOException {
        editWithCrc(1, bb -> bb.putInt(ExcerptFormat.COUNT_OFFSET, -1));
        assertThat(expectError().getMessage()).contains("event count 4294967295");
        writeJournalAgain();
        editWithCrc(1, bb -> bb.putInt(ExcerptFormat.PAYLOAD_LENGTH_OFFSET, Integer.MAX_VALUE));
        assertThat(expectError().getMessage()).contains("payload length 2147483647");
        writeJournalAgain();
        putAt(excerpts.get(1)[0] - 4, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x3F});
        expectDetected();
    }

    @Test
    void wrongIcountChainIsCaught() throws IOException {
        editWithCrc(4, bb -> bb.putLong(ExcerptFormat.FIRST_ICOUNT_OFFSET, 7));
        assertThat(expectError().getMessage()).contains("excerpt 4").contains("first icount 7, expected 303");
    }

    @Test
    void foreignOrMissingFiles() throws IOException {
        put("hello, this is not a queue".getBytes());
        assertThat(expectError().getMessage()).contains("not a Chronicle Queue file");
        Files.delete(file);
        boolean[] cut = new boolean[1];
        assertThat(read(cut)).isEmpty(); // the table store alone: killed before the first excerpt
        assertThat(cut[0]).isTrue();
        Files.delete(dir.resolve(QueueFile.TABLE_STORE));
        assertThatThrownBy(() -> JournalReader.open(dir)).isInstanceOf(FormatException.class).hasMessageContaining("no journal file");
        assertThatThrownBy(() -> JournalReader.open(dir.resolve("nope"))).isInstanceOf(FormatException.class)
                .hasMessageContaining("journal directory missing");
    }

    @Test
    void randomOverwritesAreDetected() throws IOException {
        byte[] orig = bytes();
        int end = (int) (excerpts.get(5)[0] + excerpts.get(5)[1]);
        Random rnd = new Random(4);
        for (int trial = 0; trial < 300; trial++) {
            byte[] b = orig.clone();
            int n = 1 + rnd.nextInt(8);
            int pos = excerpts.get(0)[0] > 8 && rnd.nextBoolean() ? (int) excerpts.get(0)[0] - 4 + rnd.nextInt(end - (int) excerpts.get(0)[0])
                    : rnd.nextInt(end);
            for (int i = 0; i < n && pos + i < b.length; i++) b[pos + i] = (byte) rnd.nextInt(256);
            put(b);
            expectDetected();
        }
    }

    private void writeJournalAgain() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) Files.delete(p);
        }
        excerpts.clear();
        writeJournal();
    }
}
