package dev.kerf.formats.slice;

import dev.kerf.formats.FileErrors;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.TempFiles;
import dev.kerf.formats.recording.Json.JsonException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads a whole slice file ({@link SliceFile} has the grammar) as hostile input: every length is
 * checked against its type's bound and the bytes left before anything is allocated, every CRC
 * before a section is used, the header JSON strictly; every problem is one FormatException naming
 * the file and the offset. Unknown section types are refused (see {@link SectionType}).
 */
public final class SliceReader {
    /** Random access to the bytes being read. */
    private interface Source {
        long size() throws IOException;

        void read(long pos, ByteBuffer dst) throws IOException;
    }

    private final Path file;
    private final Source src;
    private final long size;
    private long pos;

    private SliceReader(Path file, Source src) throws IOException {
        this.file = file;
        this.src = src;
        this.size = src.size();
    }

    /** Reads and checks the slice file {@code file}. */
    public static Slice read(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new FormatException(file, -1, "is a directory, not a slice file");
        if (Files.exists(file) && !Files.isRegularFile(file)) throw new FormatException(file, -1, "not a regular file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new SliceReader(file, channel(file, ch)).read();
        } catch (NoSuchFileException e) {
            throw new FormatException(file, -1, "no such slice file");
        }
    }

    /** Random access to {@code ch}; an I/O error names {@code file} (the JDK's "Is a directory" names none). */
    private static Source channel(Path file, FileChannel ch) {
        return new Source() {
            public long size() throws IOException {
                try {
                    return ch.size();
                } catch (IOException e) {
                    throw FileErrors.named(file, e);
                }
            }

            public void read(long pos, ByteBuffer dst) throws IOException {
                try {
                    while (dst.hasRemaining()) if (ch.read(dst, pos + dst.position()) < 0) throw new java.io.EOFException();
                } catch (java.io.EOFException e) {
                    throw e;
                } catch (IOException e) {
                    throw FileErrors.named(file, e);
                }
            }
        };
    }

    /** Reads and checks a slice held in memory; {@code name} names it in errors. */
    public static Slice read(byte[] bytes, Path name) throws IOException {
        return new SliceReader(name, new Source() {
            public long size() { return bytes.length; }

            public void read(long pos, ByteBuffer dst) { dst.put(bytes, (int) pos, dst.remaining()); }
        }).read();
    }

    /** {@link #read(InputStream, Path, long)} with the default limit, {@link SliceFile#STDIN_LIMIT}. */
    public static Slice read(InputStream in, Path name) throws IOException {
        return read(in, name, SliceFile.STDIN_LIMIT);
    }

    /**
     * Reads a slice from a stream ({@code -} = stdin): spooled to a registered temporary file first
     * ({@link TempFiles}: deleted after, and at exit however kerf ends), so a hostile stream costs
     * disk, never heap, and at most {@code limit} bytes of it: a longer stream is refused by
     * {@code name} and the partial spool removed. {@code name} names the slice in errors.
     */
    public static Slice read(InputStream in, Path name, long limit) throws IOException {
        Path tmp = TempFiles.createFile("kerf-stdin-", SliceFile.SUFFIX);
        try {
            spool(in, tmp, name, limit);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ)) {
                return new SliceReader(name, channel(tmp, ch)).read();
            }
        } finally {
            TempFiles.delete(tmp);
        }
    }

    /**
     * Copies at most {@code limit} bytes of {@code in} to the fresh file {@code to}.
     *
     * @throws FileSystemException naming {@code name} when the stream is longer
     */
    public static void spool(InputStream in, Path to, Path name, long limit) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try (FileChannel out = FileChannel.open(to, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            // the magic is checked as it arrives: a stream that does not start like a kerf file
            // (< /dev/zero) is refused after its first 8 bytes (by the reader) instead of being spooled
            byte[] head = in.readNBytes(SliceFile.MAGIC.length);
            total = head.length;
            ByteBuffer h = ByteBuffer.wrap(head);
            while (h.hasRemaining()) out.write(h);
            if (!SliceFile.hasMagic(head)) return;
            for (int n; (n = in.read(buf)) >= 0; ) {
                total += n;
                if (total > limit) {
                    throw new FileSystemException(name.toString(), null, "longer than the stdin limit of " + limit
                            + " bytes (--stdin-limit); nothing was read");
                }
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                try {
                    while (b.hasRemaining()) out.write(b);
                } catch (IOException e) {
                    throw FileErrors.named(to, e); // a full temporary directory says so without a name
                }
            }
        }
    }

    private Slice read() throws IOException {
        int minor = preamble();
        long headerAt = pos;
        Section header = section();
        if (header.type() != SectionType.HEADER) throw fail(headerAt, "the first section must be HEADER, found " + header.type());
        SliceHeader h;
        try {
            h = SliceHeaderJson.parse(header.data());
        } catch (JsonException e) {
            throw fail(header.dataOffset() + e.offset(), "slice header: " + e.getMessage());
        }
        List<Section> sections = new ArrayList<>();
        while (true) {
            long at = pos;
            Section s = section();
            if (s.type() == SectionType.END) break;
            if (s.type() == SectionType.HEADER) throw fail(at, "a second HEADER section");
            sections.add(s);
        }
        if (pos != size) throw fail(pos, (size - pos) + " bytes after the END section");
        return new Slice(file, size, minor, h, sections);
    }

    private int preamble() throws IOException {
        if (size < SliceFile.MAGIC.length) throw fail(0, "not a kerf slice (" + size + " bytes, too short for the magic)");
        ByteBuffer m = read(SliceFile.MAGIC.length, "magic");
        if (!Arrays.equals(m.array(), SliceFile.MAGIC)) throw fail(0, "not a kerf slice (bad magic)");
        ByteBuffer v = read(4, "version");
        int major = v.getShort() & 0xFFFF;
        int minor = v.getShort() & 0xFFFF;
        if (major != SliceFile.MAJOR)
            throw fail(8, "slice format " + major + "." + minor + ", this kerf reads " + SliceFile.MAJOR + ".x: "
                    + (major > SliceFile.MAJOR ? "use a newer kerf" : "slice the recording again"));
        return minor;
    }

    private Section section() throws IOException {
        long at = pos;
        ByteBuffer h = read(5, "section header");
        int code = h.get() & 0xFF;
        SectionType type = SectionType.of(code);
        if (type == null) throw fail(at, "unknown section type " + code + " (a newer kerf's slice, or corruption)");
        long length = h.getInt() & 0xFFFFFFFFL;
        if (length > type.maxLength()) throw fail(at + 1, type + " section length " + length + " exceeds its bound of " + type.maxLength());
        if (length + 4 > size - pos) throw fail(at + 1, type + " section length " + length + " runs past the end of the file");
        byte[] data = read((int) length, type + " section").array();
        long crcAt = pos;
        int stored = read(4, type + " section CRC").getInt();
        CRC32C crc = new CRC32C();
        crc.update(h.array());
        crc.update(data);
        if (stored != (int) crc.getValue())
            throw fail(crcAt, String.format("%s section CRC mismatch: stored 0x%08x, computed 0x%08x", type, stored, (int) crc.getValue()));
        return new Section(type, at, data);
    }

    private ByteBuffer read(int n, String what) throws IOException {
        if (n > size - pos) throw fail(pos, what + " cut short: " + n + " bytes needed, " + Math.max(0, size - pos) + " left");
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        src.read(pos, b);
        pos += n;
        return b.flip();
    }

    private FormatException fail(long offset, String message) { return new FormatException(file, offset, message); }
}
