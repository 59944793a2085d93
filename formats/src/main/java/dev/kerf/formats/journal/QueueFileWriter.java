package dev.kerf.formats.journal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a journal's Chronicle Queue without Chronicle: the queue file {@code 19700101H.cq4} and its
 * table store {@code metadata.cq4t}, byte for byte as Chronicle Queue (binary wire, roll cycle
 * {@code HUGE_DAILY}, clock stuck at the epoch, default block size) writes them for the same
 * documents appended in the same order — at every step, not only once closed
 * ({@code QueueFileWriterTest} compares the bytes with Chronicle's after each append). Chronicle
 * itself can therefore open, read and tail what this writes, while it is being written too.
 * docs/formats.md §3.1 describes the layout and §7 why kerf does not run Chronicle (its cold
 * start was most of {@code kerf record}'s fixed cost: docs/benchmarks.md, "The recorder's fixed
 * cost", third step).
 *
 * <pre>
 * queue file => header document: META_DATA, binary wire "header: !SCQStore { writePosition: [last
 *                  document's offset, offset &lt;&lt; shift + its sequence], indexing: !SCQSIndexing
 *                  { indexCount, indexSpacing, index2Index: offset, lastIndex: next sequence to index },
 *                  dataFormat: 1 }"
 *               index2index document: META_DATA, "index2index: int64 array [indexCount]" (offsets of
 *                  the index arrays)
 *               index document: META_DATA, "index: int64 array [indexCount]" (offset of every
 *                  indexSpacing-th excerpt), a new one after the excerpt that needs it
 *               excerpt documents, each: uint32 LE length, the excerpt, zero padding to 4 bytes
 * </pre>
 *
 * The file is mapped in chunks of the block size plus an overlap, as Chronicle maps it, and grows
 * as Chronicle grows it (to the end of the chunk a document's body starts in, plus the overlap),
 * so its length matches too. An excerpt becomes visible as Chronicle's do: its body is written
 * first, then its length in its header word by one ordered 4-byte store (a header word of zero is
 * the end of the data for every reader), then the header's write position and the index. A writer
 * killed at any point leaves every document whose header was written readable (the pages are the
 * kernel's: nothing is lost when the process dies). Nothing is forced to disk, as with Chronicle's
 * default sync mode. Not thread-safe: one thread appends.
 */
final class QueueFileWriter implements AutoCloseable {
    /** The mappings' page: Chronicle's {@code OS.SAFE_PAGE_SIZE} (64 KiB), which sizes the table store and small overlaps. */
    static final long SAFE_PAGE_SIZE = 64 << 10;
    /** The table store's file: one chunk of {@link #SAFE_PAGE_SIZE} and its overlap, as Chronicle sizes it. */
    static final long TABLE_STORE_LENGTH = 2 * SAFE_PAGE_SIZE;

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * The queue's shape. {@link #JOURNAL} is the journal's: HUGE_DAILY's index count and spacing and
     * Chronicle's default block size on a 64-bit JVM. The tests also use small shapes, to fill many
     * index arrays and chunks with few excerpts.
     */
    record Shape(int indexCount, int indexSpacing, long blockSize) {
        static final Shape JOURNAL = new Shape(1 << 15, 1 << 10, 64L << 20);

        Shape {
            if (Integer.bitCount(indexCount) != 1 || indexCount < 8) throw new IllegalArgumentException("index count " + indexCount);
            if (Integer.bitCount(indexSpacing) != 1) throw new IllegalArgumentException("index spacing " + indexSpacing);
            if (Long.bitCount(blockSize) != 1 || blockSize < 4096 || blockSize > 1L << 30)
                throw new IllegalArgumentException("block size " + blockSize);
            if (indexDocumentLength(indexCount) > overlap(blockSize)) throw new IllegalArgumentException("index arrays larger than the overlap");
        }

        /** Bytes mapped past each chunk's end (Chronicle's choice for the block size): the most a document may hold. */
        long overlap() { return overlap(blockSize); }

        private static long overlap(long blockSize) {
            if (blockSize < SAFE_PAGE_SIZE) return blockSize;
            if (blockSize < SAFE_PAGE_SIZE * 4) return SAFE_PAGE_SIZE;
            return blockSize / 4;
        }

        /** How far the write position is shifted in the header's second write-position word. */
        int sequenceShift() {
            return Math.max(32, 2 * Integer.numberOfTrailingZeros(indexCount) + Integer.numberOfTrailingZeros(indexSpacing));
        }

        /** Excerpts the queue can index: index arrays × entries × spacing. */
        long capacity() { return (long) indexCount * indexCount * indexSpacing; }

        private static long indexDocumentLength(int indexCount) { return 4 + 7 + 7 + 1 + 16 + 8L * indexCount; }
    }

    private final Shape shape;
    private final long blockSize;
    private final int countBits;
    private final int spacingBits;
    private final FileChannel channel;
    /** The chunks mapped so far (index = chunk); older ones are dropped, but not chunk 0 (the header) nor the current index array's. */
    private final List<MappedByteBuffer> chunks = new ArrayList<>();
    /** Offsets in chunk 0: the two write-position words, the next sequence to index, the index2index array (its capacity word). */
    private final int writePositionAt;
    private final int lastIndexAt;
    private final long index2IndexAt;
    /** The current index array: its capacity word's file offset, the chunk its document starts in, its number. */
    private long indexAt;
    private long indexChunk;
    private long indexNumber;
    private long nextToIndex;
    /** Where the next document starts; the next excerpt's sequence number. */
    private long next;
    private long sequence;
    private boolean closed;

    private QueueFileWriter(Shape shape, FileChannel channel) throws IOException {
        this.shape = shape;
        this.blockSize = shape.blockSize();
        this.countBits = Integer.numberOfTrailingZeros(shape.indexCount());
        this.spacingBits = Integer.numberOfTrailingZeros(shape.indexSpacing());
        this.channel = channel;
        MappedByteBuffer head = grow(0);

        // As Chronicle creates a queue file: the header word says "being written" until the header,
        // the index2index and the first index array are in place.
        INT.setRelease(head, 0, QueueFile.NOT_COMPLETE);
        WireOut w = new WireOut(4);
        w.eventName("header").typePrefix("SCQStore");
        int store = w.beginMarshallable();
        w.field("writePosition");
        long wp = w.int64Array(2, 2, false);
        w.field("indexing").typePrefix("SCQSIndexing");
        int indexing = w.beginMarshallable();
        w.field("indexCount").number(shape.indexCount());
        w.field("indexSpacing").number(shape.indexSpacing());
        w.field("index2Index");
        long i2i = w.int64(0);
        w.field("lastIndex");
        long last = w.int64(0);
        w.endMarshallable(indexing);
        w.field("dataFormat").number(1);
        w.endMarshallable(store);
        w.padToCacheAlign();
        long headerEnd = w.offset();
        head.put(4, w.bytes());
        writePositionAt = (int) wp + 16;
        lastIndexAt = (int) last;

        next = align4(headerEnd);
        long index2Index = next;
        index2IndexAt = writeIndexDocument("index2index");
        LONG.setRelease(head, (int) i2i, index2Index);
        long first = next;
        indexAt = writeIndexDocument("index");
        indexChunk = first / blockSize;
        indexNumber = 0;
        setIndexEntry(head, index2IndexAt, 0, first);
        INT.setRelease(head, 0, QueueFile.META_DATA | (int) (headerEnd - 4));
    }

    /**
     * Creates the queue in {@code dir} (an existing directory holding neither file): its table
     * store, then its one queue file with header and first index, as Chronicle does on its first write.
     */
    static QueueFileWriter create(Path dir, Shape shape) throws IOException {
        writeTableStore(dir.resolve(QueueFile.TABLE_STORE));
        FileChannel ch = FileChannel.open(dir.resolve(QueueFile.FILE_NAME),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            return new QueueFileWriter(shape, ch);
        } catch (IOException | RuntimeException | Error e) {
            ch.close();
            throw e;
        }
    }

    /** Appends one excerpt as a data document. */
    void append(byte[] excerpt) throws IOException {
        if (closed) throw new IllegalStateException("queue closed");
        if (excerpt.length == 0 || excerpt.length > shape.overlap())
            throw new IllegalArgumentException("document of " + excerpt.length + " bytes (1.." + shape.overlap() + ")");
        if (sequence >= shape.capacity()) throw new IOException("the queue file is full (" + sequence + " excerpts)");
        long pos = writeDocument(excerpt, 0);
        MappedByteBuffer head = chunks.get(0);
        LONG.setRelease(head, writePositionAt, pos);
        LONG.setRelease(head, writePositionAt + 8, (pos << shape.sequenceShift()) + (sequence & ((1L << shape.sequenceShift()) - 1)));
        if (sequence >= nextToIndex && (sequence & (shape.indexSpacing() - 1)) == 0) index(sequence, pos);
        sequence++;
    }

    /** Records {@code pos} as the offset of excerpt {@code seq}, first adding an index array if it needs one. */
    private void index(long seq, long pos) throws IOException {
        long number = seq >>> (countBits + spacingBits);
        if (number != indexNumber) {
            long at = next;
            indexAt = writeIndexDocument("index");
            indexChunk = at / blockSize;
            indexNumber = number;
            setIndexEntry(chunks.get(0), index2IndexAt, (int) number, at);
        }
        // through the mapping of the chunk the array's document starts in, which holds all of it
        // (a document is never longer than the overlap): its capacity word may lie in the next
        // chunk, which Chronicle does not map (nor grow the file for) on its account
        setIndexEntry(chunk(indexChunk), indexAt - indexChunk * blockSize,
                (int) ((seq >>> spacingBits) & (shape.indexCount() - 1)), pos);
        nextToIndex = seq + shape.indexSpacing();
        LONG.setRelease(chunks.get(0), lastIndexAt, nextToIndex);
    }

    /** Sets entry {@code i} of the array whose capacity word is at {@code at} in {@code b}, and raises its count of used entries. */
    private static void setIndexEntry(MappedByteBuffer b, long at, int i, long value) {
        int a = (int) at;
        LONG.setRelease(b, a + 16 + 8 * i, value);
        if ((long) LONG.getAcquire(b, a + 8) < i + 1) LONG.setRelease(b, a + 8, (long) i + 1);
    }

    /** Writes an empty index array document ({@code name}: int64 array) at {@link #next}; returns its capacity word's file offset. */
    private long writeIndexDocument(String name) throws IOException {
        WireOut w = new WireOut(next + 4);
        w.eventName(name);
        long array = w.int64Array(shape.indexCount(), 0, true);
        writeDocument(w.bytes(), QueueFile.META_DATA, w.offset() - (next + 4));
        return array;
    }

    private long writeDocument(byte[] body, int flags) throws IOException {
        return writeDocument(body, flags, body.length);
    }

    /**
     * Writes one document at {@link #next}: {@code body} (then zeros up to {@code length}), then its
     * header word. Returns its offset.
     */
    private long writeDocument(byte[] body, int flags, long length) throws IOException {
        long pos = next;
        // Chronicle maps (and so grows the file to) the chunk where a document's body starts
        grow((pos + 4) / blockSize);
        long c = pos / blockSize;
        MappedByteBuffer b = chunk(c);
        int off = (int) (pos - c * blockSize);
        b.put(off + 4, body);
        INT.setRelease(b, off, flags | (int) length);
        next = align4(pos + 4 + length);
        return pos;
    }

    /** Maps chunk {@code c} if it is not yet, growing the file to its end plus the overlap, as Chronicle does. */
    private MappedByteBuffer grow(long c) throws IOException {
        if (c < chunks.size() && chunks.get((int) c) != null) return chunks.get((int) c);
        MappedByteBuffer b = channel.map(FileChannel.MapMode.READ_WRITE, c * blockSize, blockSize + shape.overlap());
        b.order(ByteOrder.LITTLE_ENDIAN);
        if (c < chunks.size()) {
            chunks.set((int) c, b);
        } else {
            while (chunks.size() < c) chunks.add(null);
            chunks.add(b);
            release(c);
        }
        return b;
    }

    /** A chunk already mapped (or mapped again if it was dropped). */
    private MappedByteBuffer chunk(long c) throws IOException {
        MappedByteBuffer b = c < chunks.size() ? chunks.get((int) c) : null;
        return b != null ? b : grow(c);
    }

    /** Drops the mappings before the one before {@code c}, except the header's and the current index array's. */
    private void release(long c) {
        for (long k = 1; k < c - 1; k++) if (k != indexChunk) chunks.set((int) k, null);
    }

    private static long align4(long n) { return (n + 3) & ~3L; }

    /** Where the next document will start (for the tests that place documents at chosen offsets). */
    long nextOffset() { return next; }

    /** Closes the file (the mappings go with the garbage collector; nothing is forced to disk, as with Chronicle). */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        chunks.clear();
        channel.close();
    }

    /**
     * Chronicle's table store as a queue leaves it once its file exists: header "!STStore { wireType:
     * BINARY_LIGHT, metadata: !SCQMeta { roll: !SCQSRoll { length: 86400000, format: yyyyMMdd'H',
     * epoch: 0 }, sourceId: 0 } }", then one data document per key (listing of the cycle, 0, and
     * its modification count, 3; the unlocked write and append locks; replication and msync marks,
     * -1), zeros to {@link #TABLE_STORE_LENGTH}. Written whole under an exclusive lock, as Chronicle
     * writes it, so a Chronicle process opening the queue meanwhile waits for it.
     */
    private static void writeTableStore(Path file) throws IOException {
        WireOut w = new WireOut(4);
        w.eventName("header").typePrefix("STStore");
        int store = w.beginMarshallable();
        w.field("wireType").typePrefix("WireType").text("BINARY_LIGHT");
        w.field("metadata").typePrefix("SCQMeta");
        int meta = w.beginMarshallable();
        w.field("roll").typePrefix("SCQSRoll");
        int roll = w.beginMarshallable();
        w.field("length").number(86_400_000);
        w.field("format").text("yyyyMMdd'H'");
        w.field("epoch").number(0);
        w.endMarshallable(roll);
        w.field("sourceId").number(0);
        w.endMarshallable(meta);
        w.alignTo4(); // Chronicle's table store aligns its end "as a micro-optimisation"
        w.endMarshallable(store);
        w.padToCacheAlign();
        ByteBuffer out = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(QueueFile.META_DATA | (int) (w.offset() - 4)).put(w.bytes());
        String[] keys = {"listing.highestCycle", "listing.lowestCycle", "listing.modCount", "chronicle.write.lock",
                "chronicle.append.lock", "chronicle.lastIndexReplicated", "chronicle.lastAcknowledgedIndexReplicated",
                "chronicle.lastIndexMSynced"};
        long[] values = {0, 0, 3, Long.MIN_VALUE, Long.MIN_VALUE, -1, -1, -1};
        for (int i = 0; i < keys.length; i++) {
            out.position((int) align4(out.position()));
            WireOut e = new WireOut(out.position() + 4);
            e.eventName(keys[i]);
            e.int64(values[i]);
            out.putInt((int) (e.offset() - out.position() - 4)).put(e.bytes());
        }
        out.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             var lock = ch.lock()) {
            while (out.hasRemaining()) ch.write(out, out.position());
            ch.write(ByteBuffer.allocate(1), TABLE_STORE_LENGTH - 1);
        }
    }

    /**
     * The part of Chronicle's binary wire these documents use, written at a known file offset (the
     * 8-byte values are aligned on the file's offsets, as Chronicle aligns them).
     */
    static final class WireOut {
        private final long base;
        private byte[] buf = new byte[256];
        private int n;
        /** Zeros after the bytes written, not stored: the file there is zero already (only at the end of a document). */
        private long zeros;

        WireOut(long base) { this.base = base; }

        long offset() { return base + n + zeros; }

        byte[] bytes() { return java.util.Arrays.copyOf(buf, n); }

        private WireOut put(int b) {
            if (zeros != 0) throw new IllegalStateException("bytes after the trailing zeros");
            if (n == buf.length) buf = java.util.Arrays.copyOf(buf, n * 2);
            buf[n++] = (byte) b;
            return this;
        }

        private WireOut putLong(long v) {
            for (int i = 0; i < 8; i++) put((int) (v >>> (8 * i)));
            return this;
        }

        private WireOut ascii(String s) {
            for (byte c : s.getBytes(StandardCharsets.US_ASCII)) put(c);
            return this;
        }

        private WireOut stopBit(int v) { // lengths below 128 here
            if (v >= 128) throw new IllegalArgumentException("length " + v);
            return put(v);
        }

        /** FIELD_NAME_ANY: an event name (document key). */
        WireOut eventName(String s) { return put(0xB9).stopBit(s.length()).ascii(s); }

        /** A short field name: 0xC0 + length. */
        WireOut field(String s) {
            if (s.length() >= 32) throw new IllegalArgumentException(s);
            return put(0xC0 | s.length()).ascii(s);
        }

        WireOut typePrefix(String s) { return put(0xB6).stopBit(s.length()).ascii(s); }

        /** A short text: 0xE0 + length. */
        WireOut text(String s) {
            if (s.length() >= 32) throw new IllegalArgumentException(s);
            return put(0xE0 | s.length()).ascii(s);
        }

        /** BYTES_LENGTH32 and a length to fill in; returns where it is. */
        int beginMarshallable() {
            int at = n;
            put(0x82).putLong(0);
            n -= 4;
            return at;
        }

        void endMarshallable(int at) {
            int len = n - at - 5;
            for (int i = 0; i < 4; i++) buf[at + 1 + i] = (byte) (len >>> (8 * i));
        }

        /** An integer in the smallest of the codes Chronicle picks: UINT8, INT16, UINT16, INT32, INT64 (non-negative here). */
        WireOut number(long v) {
            if (v < 0) throw new IllegalArgumentException("negative " + v);
            if (v <= 0xFF) return put(0xA1).put((int) v);
            if (v <= Short.MAX_VALUE) return put(0xA5).put((int) v).put((int) (v >>> 8));
            if (v <= 0xFFFF) return put(0xA2).put((int) v).put((int) (v >>> 8));
            if (v <= Integer.MAX_VALUE) return put(0xA6).put((int) v).put((int) (v >>> 8)).put((int) (v >>> 16)).put((int) (v >>> 24));
            return put(0xA7).putLong(v);
        }

        /** Padding so the byte after the next one lands on an 8-byte boundary of the file. */
        private void alignNext() {
            int pad = (int) ((-(offset() + 1)) & 7);
            if (pad <= 4) {
                for (int i = 0; i < pad; i++) put(0x8F); // PADDING
            } else { // PADDING32: a length, then that many bytes
                put(0x8E).put(pad - 5).put(0).put(0).put(0);
                for (int i = 5; i < pad; i++) put(0);
            }
        }

        /** An INT64 bound in place (8-byte aligned); returns its value's file offset. */
        long int64(long v) {
            alignNext();
            put(0xA7);
            long at = offset();
            putLong(v);
            return at;
        }

        /**
         * An INT64 array of {@code capacity} zeros, {@code used} of them in use; returns its capacity
         * word's file offset. With {@code last}, the document ends with it and its zeros are not
         * stored (an index array: 256 KiB of the file's zeros not touched).
         */
        long int64Array(int capacity, int used, boolean last) {
            alignNext();
            put(0x8D);
            long at = offset();
            putLong(capacity).putLong(used);
            if (last) zeros = 8L * capacity;
            else for (int i = 0; i < capacity; i++) putLong(0);
            return at;
        }

        /** Padding to a 4-byte boundary of the file. */
        void alignTo4() {
            for (long pad = -offset() & 3; pad > 0; pad--) put(0x8F);
        }

        /** Chronicle's padToCacheAlign: padding when less than four bytes are left in the 64-byte line. */
        void padToCacheAlign() {
            int mod = (int) (offset() & 63);
            if (mod > 60) {
                int pad = 64 - mod;
                for (int i = 0; i < pad; i++) put(0x8F);
            }
        }
    }
}
