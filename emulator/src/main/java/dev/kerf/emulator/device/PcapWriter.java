package dev.kerf.emulator.device;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic libpcap capture (little-endian, microsecond magic a1b2c3d4, version 2.4,
 * snaplen 65535, LINKTYPE_ETHERNET), the form every network tool reads. Layout: see
 * {@link PcapReader}.
 */
public final class PcapWriter implements AutoCloseable {
    private static final int SNAPLEN = 65_535;

    private final OutputStream out;

    public PcapWriter(Path file) throws IOException {
        this(new BufferedOutputStream(Files.newOutputStream(file)));
    }

    public PcapWriter(OutputStream out) throws IOException {
        this.out = out;
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

    @Override
    public void close() throws IOException {
        out.close();
    }
}
