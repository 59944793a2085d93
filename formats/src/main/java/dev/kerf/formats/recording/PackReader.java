package dev.kerf.formats.recording;

import dev.kerf.formats.FileErrors;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.journal.ExcerptFormat;
import dev.kerf.formats.journal.JournalWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Reads a packed recording ({@link PackFile} has the grammar) treating it as hostile: every
 * length is checked against the file before anything is allocated or copied; every entry's CRC
 * and every image's SHA-256 is checked; problems name the pack file and offset.
 */
final class PackReader {
    private static final int COPY_CHUNK = 1 << 16;

    private final Path file;
    private final FileChannel ch;
    private final long size;
    private long pos;

    PackReader(Path file, FileChannel ch) throws IOException {
        this.file = file;
        this.ch = ch;
        this.size = ch.size();
    }

    /** Checks the whole file and writes its entries as a recording directory into {@code dir}. */
    void extract(Path dir) throws IOException {
        List<PackFile.Entry> table = table();
        long dataStart = pos;
        for (PackFile.Entry e : table) checkCrc(e);
        pos = dataStart;
        Manifest manifest = null;
        for (PackFile.Entry e : table) {
            switch (e.type()) {
                case PackFile.TYPE_MANIFEST -> manifest = manifest(e, dir);
                case PackFile.TYPE_IMAGE -> image(e, dir, manifest);
                default -> journal(e, dir);
            }
        }
        for (Manifest.ImageRef r : Recording.imageRefs(manifest))
            if (table.stream().noneMatch(e -> e.name().equals(Recording.IMAGES + "/" + r.sha256())))
                throw fail(PackFile.HEADER, "image " + r.name() + " (" + r.sha256() + ") named by the manifest is not in the pack");
    }

    /** First pass: every entry's data against its CRC, before anything is parsed or written. */
    private void checkCrc(PackFile.Entry e) throws IOException {
        long start = pos;
        CRC32C crc = new CRC32C();
        for (long left = e.length(); left > 0; ) {
            ByteBuffer b = read((int) Math.min(left, COPY_CHUNK), e.name());
            crc.update(b);
            left -= b.limit();
        }
        if ((int) crc.getValue() != e.crc())
            throw fail(start, String.format("%s: CRC mismatch: stored 0x%08x, computed 0x%08x", e.name(), e.crc(), (int) crc.getValue()));
    }

    private List<PackFile.Entry> table() throws IOException {
        ByteBuffer h = read(PackFile.HEADER, "header");
        byte[] magic = new byte[8];
        h.get(magic);
        if (!java.util.Arrays.equals(magic, PackFile.MAGIC)) throw fail(0, "not a packed kerf recording (bad magic)");
        int major = h.getShort() & 0xFFFF;
        if (major != PackFile.MAJOR)
            throw fail(8, "pack format " + major + ".x, this kerf reads " + PackFile.MAJOR + ".x: "
                    + (major > PackFile.MAJOR ? "use a newer kerf" : "use an older kerf"));
        h.getShort();
        long count = h.getInt() & 0xFFFFFFFFL;
        if (count < 2 || count > PackFile.MAX_ENTRIES) throw fail(12, "entry count " + count + " outside 2.." + PackFile.MAX_ENTRIES);
        CRC32C crc = new CRC32C();
        crc.update(h.array());
        List<PackFile.Entry> table = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++) table.add(entry(i, (int) count, crc, names));
        long tableCrcAt = pos;
        int stored = read(4, "table CRC").getInt();
        if (stored != (int) crc.getValue())
            throw fail(tableCrcAt, String.format("table CRC mismatch: stored 0x%08x, computed 0x%08x", stored, (int) crc.getValue()));
        long data = 0;
        for (PackFile.Entry e : table) data += e.length();
        if (data != size - pos)
            throw fail(pos, "entries hold " + data + " bytes but " + (size - pos) + " follow the table");
        return table;
    }

    private PackFile.Entry entry(int i, int count, CRC32C crc, Set<String> names) throws IOException {
        long at = pos;
        ByteBuffer a = read(3, "entry " + i);
        crc.update(a.array());
        int type = a.get() & 0xFF;
        int nameLength = a.getShort() & 0xFFFF;
        if (nameLength == 0 || nameLength > 255) throw fail(at + 1, "entry " + i + ": name length " + nameLength);
        ByteBuffer b = read(nameLength + 12, "entry " + i);
        crc.update(b.array());
        byte[] n = new byte[nameLength];
        b.get(n);
        String name = new String(n, StandardCharsets.UTF_8);
        long length = b.getLong();
        int entryCrc = b.getInt();
        int expected = i == 0 ? PackFile.TYPE_MANIFEST : i == count - 1 ? PackFile.TYPE_JOURNAL : PackFile.TYPE_IMAGE;
        boolean nameOk = switch (type) {
            case PackFile.TYPE_MANIFEST -> name.equals(Recording.MANIFEST);
            case PackFile.TYPE_JOURNAL -> name.equals(Recording.JOURNAL);
            case PackFile.TYPE_IMAGE -> name.startsWith(Recording.IMAGES + "/") && Recording.isSha256(name.substring(7));
            default -> false;
        };
        if (type != expected || !nameOk || !names.add(name))
            throw fail(at, "entry " + i + ": unexpected entry type " + type + " named \"" + name + "\"");
        if (length < 0 || length > size) throw fail(at + 3 + nameLength, "entry " + i + ": length " + Long.toUnsignedString(length) + " exceeds the file");
        return new PackFile.Entry(type, name, length, entryCrc);
    }

    private Manifest manifest(PackFile.Entry e, Path dir) throws IOException {
        if (e.length() > ManifestJson.MAX_BYTES) throw fail(pos, "manifest larger than 1 MiB");
        long at = pos;
        byte[] b = read((int) e.length(), "manifest").array();
        Manifest m;
        try {
            m = ManifestJson.parse(b);
        } catch (Json.JsonException x) {
            throw fail(at + x.offset, "manifest: " + x.getMessage());
        }
        Path out = dir.resolve(Recording.MANIFEST);
        try {
            Files.write(out, b, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException x) {
            throw FileErrors.named(out, x);
        }
        return m;
    }

    private void image(PackFile.Entry e, Path dir, Manifest m) throws IOException {
        String sha = e.name().substring(Recording.IMAGES.length() + 1);
        long at = pos;
        if (Recording.imageRefs(m).stream().noneMatch(r -> r.sha256().equals(sha) && r.size() == e.length()))
            throw fail(at, e.name() + ": not an image the manifest names, or of another size");
        MessageDigest md = sha256();
        if (!Files.isDirectory(dir.resolve(Recording.IMAGES), LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(dir.resolve(Recording.IMAGES));
        Path target = dir.resolve(e.name());
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            for (long left = e.length(); left > 0; ) {
                byte[] b = read((int) Math.min(left, COPY_CHUNK), e.name()).array();
                md.update(b);
                try {
                    out.write(b);
                } catch (IOException x) {
                    throw FileErrors.named(target, x);
                }
                left -= b.length;
            }
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equals(sha)) throw fail(at, e.name() + ": data hashes to " + actual);
    }

    private void journal(PackFile.Entry e, Path dir) throws IOException {
        long end = pos + e.length();
        try (JournalWriter w = JournalWriter.create(dir.resolve(Recording.JOURNAL))) {
            while (pos < end) {
                long at = pos;
                if (end - pos < ExcerptFormat.HEADER_LENGTH) throw fail(at, "journal: excerpt header cut short");
                ByteBuffer h = read(ExcerptFormat.HEADER_LENGTH, "journal");
                long payload = h.getInt(ExcerptFormat.PAYLOAD_LENGTH_OFFSET) & 0xFFFFFFFFL;
                if (payload > ExcerptFormat.MAX_PAYLOAD || payload + ExcerptFormat.CRC_LENGTH > end - pos)
                    throw fail(at + ExcerptFormat.PAYLOAD_LENGTH_OFFSET, "journal: payload length " + payload + " runs past the entry");
                byte[] x = new byte[ExcerptFormat.OVERHEAD + (int) payload];
                h.get(0, x, 0, ExcerptFormat.HEADER_LENGTH);
                read((int) payload + ExcerptFormat.CRC_LENGTH, "journal").get(x, ExcerptFormat.HEADER_LENGTH, (int) payload + 4);
                try {
                    w.appendExcerpt(x);
                } catch (ExcerptFormat.ExcerptException ex) {
                    throw fail(at + ex.offset(), "journal: " + ex.getMessage());
                } catch (IOException ex) {
                    throw FileErrors.named(dir.resolve(Recording.JOURNAL), ex);
                }
            }
        }
    }

    private ByteBuffer read(int n, String what) throws IOException {
        if (n > size - pos) throw fail(pos, what + " cut short: " + n + " bytes needed, " + (size - pos) + " left");
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (b.hasRemaining()) if (ch.read(b, pos + b.position()) < 0) throw fail(pos, what + " cut short");
        } catch (IOException x) {
            throw FileErrors.named(file, x); // "Is a directory", an I/O error: say which file
        }
        pos += n;
        return b.flip();
    }

    private FormatException fail(long offset, String message) { return new FormatException(file, offset, message); }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }
}
