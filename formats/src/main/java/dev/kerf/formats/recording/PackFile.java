package dev.kerf.formats.recording;

import dev.kerf.formats.FormatException;
import dev.kerf.formats.AtomicFile;
import dev.kerf.formats.FileErrors;
import dev.kerf.formats.TempFiles;
import dev.kerf.formats.journal.ExcerptFormat;
import dev.kerf.formats.journal.JournalReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A recording as one portable file. All integers little-endian.
 *
 * <pre>
 * Pack =>
 *   Magic       => 8 bytes "KERFPACK"            (offset 0)
 *   Major       => uint16 (1)                    (offset 8)
 *   Minor       => uint16 (0)                    (offset 10)
 *   EntryCount  => uint32, 2..{@value #MAX_ENTRIES} (offset 12)
 *   Entry       => EntryCount times, from offset 16:
 *     Type       => uint8: 1 manifest, 2 image, 3 journal
 *     NameLength => uint16, 1..255
 *     Name       => UTF-8: "manifest.json" | "images/" + 64 hex digits | "journal"
 *     Length     => uint64, bytes of the entry's data
 *     Crc        => uint32 CRC-32C of the entry's data
 *   TableCrc    => uint32 CRC-32C of bytes [0, TableCrc's offset): header and every Entry
 *   Data        => the entries' data back to back in table order; the file ends right after it
 * </pre>
 * Order: the manifest first, the images in manifest order (each once), the journal last. The
 * journal's data is its excerpts ({@link ExcerptFormat}) back to back: real bytes, never the
 * queue file's sparse size.
 */
final class PackFile {
    static final byte[] MAGIC = "KERFPACK".getBytes(StandardCharsets.US_ASCII);
    static final int MAJOR = 1;
    static final int MINOR = 0;
    static final int HEADER = 16;
    static final int MAX_ENTRIES = 4096;
    static final int TYPE_MANIFEST = 1;
    static final int TYPE_IMAGE = 2;
    static final int TYPE_JOURNAL = 3;

    private PackFile() {}

    /** One row of the entry table. */
    record Entry(int type, String name, long length, int crc) {
        int tableBytes() { return 1 + 2 + name.getBytes(StandardCharsets.UTF_8).length + 8 + 4; }
    }

    static void pack(Recording rec, Path out) throws IOException {
        List<String> names = new ArrayList<>();
        names.add(Recording.MANIFEST);
        for (Manifest.ImageRef r : Recording.imageRefs(rec.manifest()))
            if (!names.contains(Recording.IMAGES + "/" + r.sha256())) names.add(Recording.IMAGES + "/" + r.sha256());
        names.add(Recording.JOURNAL);
        int tableEnd = HEADER;
        for (String n : names) tableEnd += new Entry(0, n, 0, 0).tableBytes();
        try (AtomicFile f = AtomicFile.create(out)) {
            FileChannel ch = f.channel();
            ch.position(tableEnd + 4);
            List<Entry> table = new ArrayList<>();
            for (String n : names) table.add(n.equals(Recording.JOURNAL) ? journal(rec, ch, out) : file(rec.dir().resolve(n), n, ch, out));
            try {
                ch.write(ByteBuffer.wrap(table(table, tableEnd)), 0);
            } catch (IOException e) {
                throw FileErrors.named(out, e);
            }
            f.commit();
        }
    }

    private static Entry file(Path p, String name, FileChannel ch, Path out) throws IOException {
        byte[] b = Files.readAllBytes(p);
        CRC32C c = new CRC32C();
        c.update(b);
        writeFully(ch, ByteBuffer.wrap(b), out);
        return new Entry(name.equals(Recording.MANIFEST) ? TYPE_MANIFEST : TYPE_IMAGE, name, b.length, (int) c.getValue());
    }

    private static Entry journal(Recording rec, FileChannel ch, Path out) throws IOException {
        CRC32C c = new CRC32C();
        long length = 0;
        try (JournalReader r = JournalReader.open(rec.journalDir())) {
            for (byte[] x; (x = r.nextExcerpt()) != null; ) {
                c.update(x);
                length += x.length;
                writeFully(ch, ByteBuffer.wrap(x), out);
            }
        }
        return new Entry(TYPE_JOURNAL, Recording.JOURNAL, length, (int) c.getValue());
    }

    private static byte[] table(List<Entry> entries, int tableEnd) {
        ByteBuffer b = ByteBuffer.allocate(tableEnd + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) MAJOR).putShort((short) MINOR).putInt(entries.size());
        for (Entry e : entries) {
            byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
            b.put((byte) e.type()).putShort((short) n.length).put(n).putLong(e.length()).putInt(e.crc());
        }
        CRC32C c = new CRC32C();
        c.update(b.array(), 0, tableEnd);
        b.putInt((int) c.getValue());
        return b.array();
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, Path out) throws IOException {
        try {
            while (b.hasRemaining()) ch.write(b);
        } catch (IOException e) {
            throw FileErrors.named(out, e); // a full disk says so without a file name
        }
    }

    static void unpack(Path file, Path dir) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) throw new FormatException(file, -1, "not a regular file");
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) throw new FileSystemException(dir.toString(), null,
                Files.isSymbolicLink(dir) ? "is a symbolic link; kerf does not write through links" : "already exists");
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = TempFiles.createDirectory(parent, "." + dir.getFileName() + ".unpack");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            new PackReader(file, ch).extract(tmp);
            Recording.openDir(tmp);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            TempFiles.unregister(tmp);
        } catch (IOException | RuntimeException e) {
            TempFiles.delete(tmp);
            throw e;
        }
    }

}
