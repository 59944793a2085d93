package dev.kerf.emulator.device;

import dev.kerf.formats.AtomicFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Path;

/**
 * Writes a classic libpcap capture (little-endian, microsecond magic a1b2c3d4, version 2.4,
 * snaplen 65535, LINKTYPE_ETHERNET), the form every network tool reads. Layout: see
 * {@link PcapReader}.
 */
public final class PcapWriter implements AutoCloseable {
    private static final int SNAPLEN = 65_535;

    private final OutputStream out;
    /** For a capture to a file: where it is written until {@link #close()} renames it into place. */
    private final AtomicFile file;

    /**
     * A capture to {@code file}, written to a hidden temporary sibling and renamed into place by
     * {@link #close()} ({@link AtomicFile}: never through a link, never half a file under its name).
     */
    public PcapWriter(Path file) throws IOException {
        this(AtomicFile.create(file));
    }

    private PcapWriter(AtomicFile f) throws IOException {
        this(new BufferedOutputStream(Channels.newOutputStream(f.channel())), f);
    }

    public PcapWriter(OutputStream out) throws IOException {
        this(out, null);
    }

    private PcapWriter(OutputStream out, AtomicFile file) throws IOException {
        this.out = out;
        this.file = file;
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(PcapReader.MAGIC_MICROS).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(SNAPLEN).putInt(PcapReader.LINKTYPE_ETHERNET);
        out.write(header.array());
    }

    /** Appends one frame captured at {@code timestampNanos} since the Unix epoch. */
    public void write(long timestampNanos, byte[] frame, int offset, int length) throws IOException {
        int included = Math.min(length, SNAPLEN);
        long micros = timestampNanos / 1000;
        ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000))
                .putInt(included).putInt(length);
        out.write(header.array());
        out.write(frame, offset, included);
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** Flushes and, for a capture to a file, renames it into place. */
    @Override
    public void close() throws IOException {
        if (file == null) {
            out.close();
            return;
        }
        try (AtomicFile f = file) {
            out.flush();
            f.commit();
        }
    }

    /** Closes without keeping anything: a capture to a file that failed midway leaves no file. */
    public void discard() throws IOException {
        if (file == null) out.close();
        else file.close();
    }
}
