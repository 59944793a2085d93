package dev.kerf.formats.journal;

import dev.kerf.formats.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Walks the documents of a Chronicle Queue file ({@code *.cq4}) without Chronicle: our reader
 * trusts nothing in the file, and a killed writer's file must read without Chronicle's recovery.
 *
 * <pre>
 * File     => Document* (0x00000000 | 0xC0000000 | end of file)
 * Document => Header uint32 LE, Body, zero padding to the next multiple of 4
 * Header   => bit 31 NOT_COMPLETE (being written), bit 30 META_DATA (Chronicle's own: queue header,
 *             index arrays, padding), bits 0..29 length of Body
 * </pre>
 * Data documents (neither bit) are our excerpts. A NOT_COMPLETE header, a document running past
 * the end of the file, or a header cut by the end of the file, means the writer was stopped there.
 */
final class QueueFile implements AutoCloseable {
    static final int NOT_COMPLETE = 0x80000000;
    static final int META_DATA = 0x40000000;
    static final int LENGTH_MASK = 0x3FFFFFFF;
    static final int END_OF_DATA = NOT_COMPLETE | META_DATA;

    private final Path file;
    private final FileChannel ch;
    private final long size;
    private final ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    private long pos;
    private long lastOffset = -1;
    private boolean incomplete;
    private boolean done;

    private QueueFile(Path file, boolean exists) throws IOException {
        this.file = file;
        this.ch = exists ? FileChannel.open(file, StandardOpenOption.READ) : null;
        this.size = exists ? ch.size() : 0;
        this.done = !exists;
    }

    /** Chronicle creates the queue file on the first write: before it, only its table store exists. */
    static final String FILE_NAME = "19700101H.cq4";
    static final String TABLE_STORE = "metadata.cq4t";

    /** Opens the one queue file in {@code dir}. */
    static QueueFile open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new FormatException(dir, -1, "journal directory missing");
        Path found = null;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.cq4")) {
            for (Path p : s) {
                if (found != null) throw new FormatException(dir, -1, "more than one journal file (" + found.getFileName()
                        + ", " + p.getFileName() + ")");
                found = p;
            }
        }
        if (found == null && Files.isRegularFile(dir.resolve(TABLE_STORE))) return new QueueFile(dir.resolve(FILE_NAME), false);
        if (found == null) throw new FormatException(dir, -1, "no journal file (*.cq4)");
        QueueFile q = new QueueFile(found, true);
        q.checkStart();
        return q;
    }

    Path file() { return file; }

    /** File offset of the body of the last excerpt returned. */
    long lastOffset() { return lastOffset; }

    /** True when the walk stopped at an unfinished or cut document rather than a clean end. */
    boolean incomplete() { return incomplete; }

    /** The next excerpt's bytes, or null at the end. */
    byte[] next() throws IOException {
        while (!done) {
            if (pos + 4 > size) return stop(pos < size);
            int h = readHeader(pos);
            if (h == 0 || h == END_OF_DATA) return stop(false);
            if ((h & NOT_COMPLETE) != 0) return stop(true);
            long len = h & LENGTH_MASK;
            long body = pos + 4;
            if (body + len > size) return stop(true);
            pos = (body + len + 3) & ~3L;
            if ((h & META_DATA) != 0) continue;
            if (len > ExcerptFormat.OVERHEAD + ExcerptFormat.MAX_PAYLOAD)
                throw new FormatException(file, body - 4, "document of " + len + " bytes is larger than any excerpt");
            byte[] b = new byte[(int) len];
            ByteBuffer bb = ByteBuffer.wrap(b);
            while (bb.hasRemaining()) if (ch.read(bb, body + bb.position()) < 0) return stop(true);
            lastOffset = body;
            return b;
        }
        return null;
    }

    private byte[] stop(boolean cut) {
        done = true;
        incomplete = cut;
        return null;
    }

    /**
     * Chronicle starts every queue file with a metadata document holding its store header, in
     * binary wire: field "header" (0xB9 0x06 'header') typed !SCQStore (0xB6 0x08 'SCQStore').
     */
    private void checkStart() throws IOException {
        int h = size >= 4 + SIGNATURE.length ? readHeader(0) : 0;
        boolean ok = (h & META_DATA) != 0 && (h & NOT_COMPLETE) == 0 && (h & LENGTH_MASK) >= SIGNATURE.length;
        if (ok) {
            ByteBuffer sig = ByteBuffer.allocate(SIGNATURE.length);
            while (sig.hasRemaining()) if (ch.read(sig, 4 + sig.position()) < 0) break;
            ok = java.util.Arrays.equals(sig.array(), SIGNATURE);
        }
        if (!ok) throw new FormatException(file, 0, "not a Chronicle Queue file (no SCQStore header document)");
    }

    private static final byte[] SIGNATURE = {(byte) 0xB9, 6, 'h', 'e', 'a', 'd', 'e', 'r', (byte) 0xB6, 8,
            'S', 'C', 'Q', 'S', 't', 'o', 'r', 'e'};

    private int readHeader(long at) throws IOException {
        header.clear();
        while (header.hasRemaining()) if (ch.read(header, at + header.position()) < 0) return 0;
        return header.getInt(0);
    }

    @Override
    public void close() throws IOException {
        if (ch != null) ch.close();
    }
}
