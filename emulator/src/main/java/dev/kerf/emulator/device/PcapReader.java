package dev.kerf.emulator.device;

import dev.kerf.formats.InputFile;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a classic libpcap capture of Ethernet frames.
 *
 * <pre>
 * file   = global-header record*
 * global = magic:u32 major:u16(=2) minor:u16 thiszone:i32 sigfigs:u32 snaplen:u32 linktype:u32(=1)
 * record = ts_sec:u32 ts_frac:u32 incl_len:u32 orig_len:u32 data:u8[incl_len]
 * </pre>
 * The magic selects the byte order (a1b2c3d4 as written, or swapped) and the timestamp unit
 * (a1b2c3d4: microseconds, a1b23c4d: nanoseconds). The input is treated as hostile: a wrong
 * magic, version or link type, a truncated header or record, or an implausible length raises one
 * {@link PcapFormatException} naming the file and offset.
 */
public final class PcapReader implements AutoCloseable {
    static final int MAGIC_MICROS = 0xA1B2C3D4;
    static final int MAGIC_NANOS = 0xA1B23C4D;
    static final int LINKTYPE_ETHERNET = 1;
    static final int MAX_FRAME = 262_144;
    private static final int GLOBAL_HEADER = 24, RECORD_HEADER = 16;

    private final Path file;
    private final InputStream in;
    private final ByteOrder order;
    private final boolean nanos;
    private long offset;

    public PcapReader(Path file) throws IOException {
        this.file = file;
        InputFile.requireRegular(file); // a FIFO or device would never end
        this.in = new BufferedInputStream(Files.newInputStream(file));
        try {
            ByteBuffer header = readExactly(GLOBAL_HEADER, "global header");
            int magic = header.order(ByteOrder.BIG_ENDIAN).getInt(0);
            int swapped = Integer.reverseBytes(magic);
            if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
                order = ByteOrder.BIG_ENDIAN;
            } else if (swapped == MAGIC_MICROS || swapped == MAGIC_NANOS) {
                order = ByteOrder.LITTLE_ENDIAN;
            } else {
                throw new PcapFormatException(file, 0, String.format("bad magic 0x%08x", magic));
            }
            nanos = magic == MAGIC_NANOS || swapped == MAGIC_NANOS;
            header.order(order);
            int major = header.getShort(4) & 0xFFFF;
            if (major != 2) {
                throw new PcapFormatException(file, 4, "unsupported version " + major + " (expected 2)");
            }
            int linkType = header.getInt(20);
            if ((linkType & 0x0FFFFFFF) != LINKTYPE_ETHERNET) {
                throw new PcapFormatException(file, 20, "link type " + linkType + " is not Ethernet (1)");
            }
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /** Reads the whole capture. */
    public static List<PcapFrame> readAll(Path file) throws IOException {
        try (PcapReader reader = new PcapReader(file)) {
            List<PcapFrame> frames = new ArrayList<>();
            PcapFrame frame;
            while ((frame = reader.next()) != null) {
                frames.add(frame);
            }
            return frames;
        }
    }

    /** The next frame, or null at a clean end of file. */
    public PcapFrame next() throws IOException {
        long recordOffset = offset;
        int first = in.read();
        if (first < 0) {
            return null;
        }
        offset++;
        ByteBuffer rest = readExactly(RECORD_HEADER - 1, "record header");
        ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER).order(order);
        header.put((byte) first).put(rest.array()).flip();
        long seconds = header.getInt(0) & 0xFFFFFFFFL;
        long fraction = header.getInt(4) & 0xFFFFFFFFL;
        long included = header.getInt(8) & 0xFFFFFFFFL;
        long original = header.getInt(12) & 0xFFFFFFFFL;
        if (fraction >= (nanos ? 1_000_000_000L : 1_000_000L)) {
            throw new PcapFormatException(file, recordOffset + 4, "timestamp fraction " + fraction + " out of range");
        }
        if (included > MAX_FRAME || original > Integer.MAX_VALUE) {
            throw new PcapFormatException(file, recordOffset + 8, "frame length " + included + " is implausible");
        }
        byte[] data = readExactly((int) included, "frame data").array();
        long stamp = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000);
        return new PcapFrame(stamp, data, (int) Math.max(original, included));
    }

    private ByteBuffer readExactly(int length, String what) throws IOException {
        byte[] bytes = new byte[length];
        int done = 0;
        while (done < length) {
            int n = in.read(bytes, done, length - done);
            if (n < 0) {
                throw new PcapFormatException(file, offset + done,
                        "truncated " + what + " (" + done + " of " + length + " bytes)");
            }
            done += n;
        }
        offset += length;
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
