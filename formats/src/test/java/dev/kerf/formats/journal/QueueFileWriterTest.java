package dev.kerf.formats.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's queue files written without Chronicle are Chronicle's, byte for byte: the same
 * excerpts appended by Chronicle Queue (configured as the journal was) and by {@link
 * QueueFileWriter} give identical {@code 19700101H.cq4} and {@code metadata.cq4t} files, of the
 * same length, after every append where that is cheap and at the end otherwise; and Chronicle's
 * own tailer reads back every excerpt we wrote, also while we are still writing.
 */
class QueueFileWriterTest {
    @TempDir Path tmp;

    private static final QueueFileWriter.Shape JOURNAL = QueueFileWriter.Shape.JOURNAL;

    @Test
    void theJournalShapeIsChroniclesHugeDailyDefaults() throws IOException {
        try (SingleChronicleQueue q = ChronicleQueues.open(tmp)) {
            assertThat(q.indexCount()).isEqualTo(JOURNAL.indexCount());
            assertThat(q.indexSpacing()).isEqualTo(JOURNAL.indexSpacing());
            assertThat(q.blockSize()).isEqualTo(JOURNAL.blockSize());
            assertThat(q.overlapSize()).isEqualTo(JOURNAL.overlap());
        }
    }

    @Test
    void emptyJournal() throws IOException {
        compare(JOURNAL, List.of(), true);
    }

    @Test
    void oneExcerpt() throws IOException {
        compare(JOURNAL, List.of(bytes(1, 28)), true);
    }

    @Test
    void aFewExcerptsOfAllSmallSizes() throws IOException {
        List<byte[]> xs = new ArrayList<>();
        for (int n = 1; n <= 40; n++) xs.add(bytes(n, n)); // every padding to 4 bytes, twice over
        compare(JOURNAL, xs, true);
    }

    /** Past two index entries (every 1,024th excerpt is indexed), compared at the end. */
    @Test
    void thousandsOfExcerpts() throws IOException {
        Random r = new Random(16);
        List<byte[]> xs = new ArrayList<>();
        for (int i = 0; i < 3000; i++) xs.add(bytes(i, 28 + r.nextInt(600)));
        compare(JOURNAL, xs, false);
    }

    /** Excerpts of the largest size, past the first 64 MiB chunk: the file grows as Chronicle grows it. */
    @Test
    void largestExcerptsAcrossAChunk() throws IOException {
        List<byte[]> xs = new ArrayList<>();
        int max = ExcerptFormat.OVERHEAD + ExcerptFormat.MAX_PAYLOAD;
        for (int i = 0; i < 66; i++) xs.add(bytes(i, i % 2 == 0 ? max : max - 1 - i));
        compare(JOURNAL, xs, false);
        assertThat(Files.size(tmp.resolve("ours").resolve(QueueFile.FILE_NAME))).isEqualTo(2 * JOURNAL.blockSize() + JOURNAL.overlap());
    }

    /** Small index arrays and chunks: many index arrays (until the queue is full) and chunks, every step compared. */
    @Test
    void manyIndexArraysAndChunks() throws IOException {
        QueueFileWriter.Shape shape = new QueueFileWriter.Shape(8, 2, 64 << 10);
        Random r = new Random(7);
        List<byte[]> xs = new ArrayList<>();
        for (int i = 0; i < shape.capacity(); i++) xs.add(bytes(i, 1 + r.nextInt(i % 5 == 0 ? 8000 : 300)));
        compare(shape, xs, true);
    }

    /** Documents ending at every offset around chunk boundaries (4 KiB blocks), index arrays among them. */
    @Test
    void documentsAtEveryOffsetAroundChunkBoundaries() throws IOException {
        QueueFileWriter.Shape shape = new QueueFileWriter.Shape(16, 1, 4096);
        List<byte[]> xs = new ArrayList<>();
        for (int i = 0; i < shape.capacity(); i++) xs.add(bytes(i, 1 + (i * 37) % 97));
        compare(shape, xs, true);
    }

    /**
     * An index array whose document starts at every 4-byte offset from 64 bytes before a chunk's
     * end to the end, with the journal's proportions (overlap a quarter of the block): its capacity
     * word and entries may lie in the next chunk. (With an overlap as large as the block — blocks
     * under 256 KiB, never the journal's — Chronicle maps one chunk more after such an array, its
     * mapped bytes then reaching past its write limit; the writer does not reproduce that: the file
     * would be one block shorter, its bytes the same.)
     */
    @Test
    void indexArraysStartingJustBeforeAChunksEnd() throws IOException {
        QueueFileWriter.Shape shape = new QueueFileWriter.Shape(8, 16, 1 << 20);
        int perArray = shape.indexCount() * shape.indexSpacing(); // excerpt 128 needs the second index array, written after it
        for (int before = 0; before <= 64; before += 4) {
            List<byte[]> xs = new ArrayList<>();
            for (int i = 0; i < perArray - 1; i++) xs.add(bytes(i, 8000));
            long next;
            Path probe = Files.createDirectory(tmp.resolve("probe" + before));
            try (QueueFileWriter w = QueueFileWriter.create(probe, shape)) {
                for (byte[] x : xs) w.append(x);
                next = w.nextOffset();
            }
            // excerpt 127 sized so that excerpt 128 (20 bytes) ends, and the array starts, `before` bytes before 1 MiB
            xs.add(bytes(perArray - 1, (int) (shape.blockSize() - before - next - 4 - 24)));
            xs.add(bytes(perArray, 20));
            for (int i = 0; i < 40; i++) xs.add(bytes(xs.size(), 30));
            Path dir = Files.createDirectory(tmp.resolve("at" + before));
            try {
                compareIn(dir, shape, xs, false);
            } catch (AssertionError e) {
                throw new AssertionError("index array's document " + before + " bytes before the chunk's end: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Excerpts starting at every 4-byte offset from 64 bytes before a chunk's end to 64 bytes after
     * it, with the journal's proportions (the overlap a quarter of the block).
     */
    @Test
    void excerptsStartingAroundAChunksEndWithAQuarterOverlap() throws IOException {
        QueueFileWriter.Shape shape = new QueueFileWriter.Shape(1024, 1024, 1 << 20);
        for (int before = -64; before <= 64; before += 4) {
            List<byte[]> xs = new ArrayList<>();
            xs.add(bytes(0, 100));
            long next;
            Path probe = Files.createDirectory(tmp.resolve("probe" + before));
            try (QueueFileWriter w = QueueFileWriter.create(probe, shape)) {
                w.append(xs.get(0));
                next = w.nextOffset();
            }
            // excerpt 1 fills the chunk up to `before` bytes before its end (in four parts, each
            // within the overlap), then a few small ones
            long fill = shape.blockSize() - before - next;
            for (int k = 0; k < 4; k++) {
                long part = k < 3 ? fill / 4 / 4 * 4 : fill - 3 * (fill / 4 / 4 * 4);
                xs.add(bytes(xs.size(), (int) part - 4));
            }
            for (int i = 0; i < 5; i++) xs.add(bytes(xs.size(), 10 + i));
            Path dir = Files.createDirectory(tmp.resolve("at" + before));
            try {
                compareIn(dir, shape, xs, true);
            } catch (AssertionError e) {
                throw new AssertionError("excerpt " + before + " bytes before the chunk's end: " + e.getMessage(), e);
            }
        }
    }

    @Test
    void spacingAndCountOfOtherWidths() throws IOException {
        // other field encodings in the header (a 16-bit spacing, a larger count) and so other paddings
        QueueFileWriter.Shape shape = new QueueFileWriter.Shape(256, 256, 1 << 20);
        Random r = new Random(3);
        List<byte[]> xs = new ArrayList<>();
        for (int i = 0; i < 1200; i++) xs.add(bytes(i, 1 + r.nextInt(100)));
        compare(shape, xs, false);
    }

    @Test
    void aFullQueueRefusesTheNextExcerptAndStaysIntact() throws IOException {
        QueueFileWriter.Shape shape = new QueueFileWriter.Shape(8, 1, 4096);
        Path dir = Files.createDirectory(tmp.resolve("q"));
        try (QueueFileWriter w = QueueFileWriter.create(dir, shape)) {
            for (int i = 0; i < shape.capacity(); i++) w.append(bytes(i, 10));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.append(bytes(0, 10)))
                    .isInstanceOf(IOException.class).hasMessageContaining("full");
        }
        assertThat(readWithChronicle(dir, shape)).hasSize((int) shape.capacity());
    }

    /** Chronicle's tailer reads each excerpt we wrote, including ones appended after it had caught up. */
    @Test
    void chronicleTailsTheQueueWhileItIsWritten() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("q"));
        Random r = new Random(5);
        List<byte[]> written = new ArrayList<>();
        try (QueueFileWriter w = QueueFileWriter.create(dir, JOURNAL);
             SingleChronicleQueue q = ChronicleQueues.open(dir);
             ExcerptTailer tailer = q.createTailer()) {
            Bytes<?> b = Bytes.allocateElasticOnHeap();
            int read = 0;
            for (int round = 0; round < 50; round++) {
                for (int k = 0; k < 1 + round % 7; k++) {
                    byte[] x = bytes(written.size(), 1 + r.nextInt(round % 10 == 0 ? 70_000 : 200));
                    w.append(x);
                    written.add(x);
                }
                for (b.clear(); tailer.readBytes(b); b.clear()) assertThat(b.toByteArray()).isEqualTo(written.get(read++));
                assertThat(read).as("excerpts read by round " + round).isEqualTo(written.size());
            }
            b.releaseLast();
        }
        assertThat(readWithChronicle(dir, JOURNAL)).containsExactlyElementsOf(written);
    }

    private static List<byte[]> readWithChronicle(Path dir, QueueFileWriter.Shape shape) {
        List<byte[]> got = new ArrayList<>();
        try (SingleChronicleQueue q = shape == JOURNAL ? ChronicleQueues.open(dir) : ChronicleQueues.open(dir, shape);
             ExcerptTailer t = q.createTailer()) {
            Bytes<?> b = Bytes.allocateElasticOnHeap();
            for (; t.readBytes(b); b.clear()) got.add(b.toByteArray());
            b.releaseLast();
        }
        return got;
    }

    /** Distinct bytes for excerpt {@code i}. */
    private static byte[] bytes(int i, int size) {
        byte[] b = new byte[size];
        for (int j = 0; j < size; j++) b[j] = (byte) (i * 31 + j * 7 + (j >> 8));
        return b;
    }

    /**
     * Appends {@code excerpts} with Chronicle (into tmp/chronicle) and with ours (into tmp/ours);
     * both files compared after each append when {@code everyStep}, and whole at the end.
     */
    private void compare(QueueFileWriter.Shape shape, List<byte[]> excerpts, boolean everyStep) throws IOException {
        compareIn(tmp, shape, excerpts, everyStep);
    }

    private static void compareIn(Path tmp, QueueFileWriter.Shape shape, List<byte[]> excerpts, boolean everyStep) throws IOException {
        Path theirs = Files.createDirectory(tmp.resolve("chronicle")), ours = Files.createDirectory(tmp.resolve("ours"));
        Path theirFile = theirs.resolve(QueueFile.FILE_NAME), ourFile = ours.resolve(QueueFile.FILE_NAME);
        try (ChronicleQueues.Writer c = new ChronicleQueues.Writer(shape == JOURNAL ? ChronicleQueues.open(theirs)
                     : ChronicleQueues.open(theirs, shape));
             QueueFileWriter w = QueueFileWriter.create(ours, shape)) {
            if (everyStep) assertSameFiles(theirFile, ourFile, "after creation", 1 << 20);
            long written = 0;
            for (int i = 0; i < excerpts.size(); i++) {
                c.append(excerpts.get(i));
                w.append(excerpts.get(i));
                written += 4 + excerpts.get(i).length + 8L * shape.indexCount() + 64;
                if (everyStep) assertSameFiles(theirFile, ourFile, "after excerpt " + i, (1 << 20) + written);
            }
            assertSameFiles(theirs.resolve(QueueFile.TABLE_STORE), ours.resolve(QueueFile.TABLE_STORE), "table store while open", Long.MAX_VALUE);
        }
        assertSameFiles(theirFile, ourFile, "closed", Long.MAX_VALUE);
        assertSameFiles(theirs.resolve(QueueFile.TABLE_STORE), ours.resolve(QueueFile.TABLE_STORE), "table store", Long.MAX_VALUE);
        try (var s = Files.list(ours)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(QueueFile.FILE_NAME, QueueFile.TABLE_STORE);
        }
    }

    /** Same length, and the same bytes in the first {@code prefix} bytes (the rest is compared when prefix covers it). */
    private static void assertSameFiles(Path theirs, Path ours, String when, long prefix) throws IOException {
        long size = Files.size(theirs);
        assertThat(Files.size(ours)).as("length of " + ours.getFileName() + " " + when).isEqualTo(size);
        try (FileChannel a = FileChannel.open(theirs, StandardOpenOption.READ); FileChannel b = FileChannel.open(ours, StandardOpenOption.READ)) {
            ByteBuffer x = ByteBuffer.allocate(1 << 20), y = ByteBuffer.allocate(1 << 20);
            for (long at = 0; at < Math.min(size, prefix); at += x.capacity()) {
                x.clear();
                y.clear();
                while (x.hasRemaining() && a.read(x, at + x.position()) > 0) { }
                while (y.hasRemaining() && b.read(y, at + y.position()) > 0) { }
                if (!x.flip().equals(y.flip())) {
                    int i = 0;
                    while (x.get(i) == y.get(i)) i++;
                    throw new AssertionError(ours.getFileName() + " " + when + ": first difference at offset 0x"
                            + Long.toHexString(at + i) + ": Chronicle 0x" + Integer.toHexString(x.get(i) & 0xFF)
                            + ", ours 0x" + Integer.toHexString(y.get(i) & 0xFF));
                }
            }
        }
    }
}
