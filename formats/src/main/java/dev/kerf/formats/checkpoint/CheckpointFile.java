package dev.kerf.formats.checkpoint;

import dev.kerf.formats.AtomicFile;

import dev.kerf.formats.journal.Position;
import dev.kerf.formats.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.zip.CRC32C;

/**
 * A checkpoint file: the machine state at one icount of one recording (design §5). All integers
 * little-endian; docs/formats.md §8 has the same grammar in prose.
 *
 * <pre>
 * offset size field
 * 0      8    Magic           "KERFCKPT"
 * 8      2    Major           1: another major is refused
 * 10     2    Minor           0
 * 12     4    RamBytes        uint32, a positive multiple of 4096, at most 2^31 - 4096
 * 16     8    Icount          int64 &ge; 0
 * 24     8    Excerpt         int64 &ge; 0  } the journal position ({@link Position})
 * 32     4    EventInExcerpt  int32 &ge; 0  }
 * 36     8    Event           int64 &ge; 0  }
 * 44     4    BlockOffset     int32 &ge; 0  }
 * 48     32   RecordingId     SHA-256 of the recording's manifest.json
 * 80     4    HeaderCrc       CRC-32C of bytes [0, 80)
 * 84     ...  Section CPU (type 1), Section DEVICES (type 2), Section PAGES (type 3), in this order;
 *             the file ends exactly after the third
 * Section  => Type (1 byte) Length (uint32) Data (Length bytes) Crc (CRC-32C of Type, Length and Data)
 * PAGES    => Count (uint32) then Count x (Page uint32, Hash 32 bytes), pages strictly increasing
 *             and below RamBytes / 4096; a page not listed is zero; each hash names a file of the
 *             {@link PageStore}
 * </pre>
 *
 * CPU and DEVICES carry the emulator's Kryo serializations (each begins with its own version);
 * their lengths are bounded by {@link #MAX_CPU} and {@link #MAX_DEVICES}.
 */
public final class CheckpointFile {
    static final byte[] MAGIC = {'K', 'E', 'R', 'F', 'C', 'K', 'P', 'T'};
    public static final int MAJOR = 1;
    public static final int MINOR = 0;
    static final int MAJOR_OFFSET = 8;
    static final int RAM_OFFSET = 12;
    static final int ICOUNT_OFFSET = 16;
    static final int POSITION_OFFSET = 24;
    static final int RECORDING_OFFSET = 48;
    static final int HEADER_CRC_OFFSET = 80;
    static final int HEADER_LENGTH = 84;
    static final int TYPE_CPU = 1, TYPE_DEVICES = 2, TYPE_PAGES = 3;
    static final int SECTION_OVERHEAD = 9;
    /** Where the CPU section's data starts (its first byte is the CPU serializer's version). */
    public static final int CPU_DATA_OFFSET = 84 + 5;
    public static final int MAX_CPU = 4096;
    public static final int MAX_DEVICES = 16 << 20;
    static final int PAGE_ENTRY = 4 + PageMap.HASH_BYTES;
    /** The largest file the grammar allows: header, the three sections at their bounds, a map of 2 GiB of RAM. */
    public static final long MAX_FILE = HEADER_LENGTH + 3L * SECTION_OVERHEAD + MAX_CPU + MAX_DEVICES
            + 4 + (Integer.MAX_VALUE / 4096L) * PAGE_ENTRY;
    /** The file name suffix {@link #fileName} uses. */
    public static final String SUFFIX = ".kcp";

    private CheckpointFile() {}

    /** The file name of the checkpoint at {@code icount}: 20 decimal digits so names sort by icount. */
    public static String fileName(long icount) {
        return String.format("%020d%s", icount, SUFFIX);
    }

    /**
     * Writes {@code data} to {@code file} atomically: a temporary sibling, forced to disk, renamed
     * into place; a failure leaves no file under the final name. The pages the map names must be
     * in the page store before this is called (so a checkpoint never names a missing page).
     */
    public static void write(Path file, CheckpointData data) throws IOException {
        AtomicFile.write(file, encode(data));
    }

    /**
     * Reads and checks a whole checkpoint file; every problem is a {@link FormatException} naming
     * it, including a file that cannot be read at all. Checkpoints are a cache kept beside a
     * recording, so their directory is hostile input: only a regular file is opened (a symbolic
     * link is not followed, a directory, device or fifo is refused before it is opened), and a
     * file larger than {@link #MAX_FILE} is refused before any byte is read.
     */
    public static CheckpointData read(Path file) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new FormatException(file, -1, "no such checkpoint file");
        } catch (IOException e) {
            throw new FormatException(file, -1, "cannot read its attributes: " + reason(e));
        }
        if (!a.isRegularFile()) throw new FormatException(file, -1, kind(a) + ", not a regular file");
        if (a.size() > MAX_FILE)
            throw new FormatException(file, -1, a.size() + " bytes, more than a checkpoint can hold (" + MAX_FILE + ")");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return new CheckpointReader(file, ch).read();
        } catch (NoSuchFileException e) {
            throw new FormatException(file, -1, "no such checkpoint file");
        } catch (FileSystemException e) {
            throw new FormatException(file, -1, "cannot read: " + reason(e));
        }
    }

    /** What a file that is not a regular one is, for a message. */
    public static String kind(BasicFileAttributes a) {
        if (a.isSymbolicLink()) return "a symbolic link";
        if (a.isDirectory()) return "a directory";
        return "a device, fifo or socket";
    }

    private static String reason(IOException e) {
        String r = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        return r == null ? e.getClass().getSimpleName() : r;
    }

    /** The exact bytes {@link #write} stores. */
    static byte[] encode(CheckpointData d) {
        CheckpointHeader h = d.header();
        PageMap ram = d.ram();
        int pagesLength = 4 + ram.size() * PAGE_ENTRY;
        int total = HEADER_LENGTH + 3 * SECTION_OVERHEAD + d.cpu().length + d.devices().length + pagesLength;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) MAJOR).putShort((short) MINOR).putInt(h.ramBytes()).putLong(h.icount());
        Position p = h.position();
        b.putLong(p.excerpt()).putInt(p.inExcerpt()).putLong(p.event()).putInt(p.inBlock());
        b.put(h.recordingId());
        b.putInt(crc(b.array(), 0, HEADER_CRC_OFFSET));
        section(b, TYPE_CPU, d.cpu());
        section(b, TYPE_DEVICES, d.devices());
        ByteBuffer pages = ByteBuffer.allocate(pagesLength).order(ByteOrder.LITTLE_ENDIAN);
        pages.putInt(ram.size());
        byte[] hashes = ram.hashes();
        for (int i = 0; i < ram.size(); i++) pages.putInt(ram.page(i)).put(hashes, i * PageMap.HASH_BYTES, PageMap.HASH_BYTES);
        section(b, TYPE_PAGES, pages.array());
        return b.array();
    }

    private static void section(ByteBuffer b, int type, byte[] data) {
        int start = b.position();
        b.put((byte) type).putInt(data.length).put(data);
        b.putInt(crc(b.array(), start, 5 + data.length));
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
