package dev.kerf.formats.snapshot;

import dev.kerf.formats.AtomicFile;
import dev.kerf.formats.FormatException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A booted snapshot, {@code *.ksnap} (docs/formats.md §12): the whole machine at one instruction
 * boundary in one self-contained file. All integers little-endian.
 *
 * <pre>
 * offset size field
 * 0      8    Magic        "KERFSNAP"
 * 8      2    Major        1: another major is refused
 * 10     2    Minor        0
 * 12     4    RamBytes     uint32, a positive multiple of 4096, below 2^31
 * 16     8    Icount       int64 &ge; 0: instructions since the machine booted
 * 24     8    ClockNanos   int64 &ge; 0: the machine clock at the snapshot
 * 32     1    Clock        0 host, 1 virtual
 * 33     3    Reserved     zero
 * 36     4    HeaderCrc    CRC-32C of bytes [0, 36)
 * 40     ...  Sections BOOT (1), CPU (2), DEVICES (3), LINE (4), PAGES (5), DATA (6), in this order;
 *             the file ends exactly after DATA
 * Section => Type (1 byte) Length (uint32) Data (Length bytes) Crc (CRC-32C of Type, Length and Data)
 * PAGES   => Count (uint32), Count x (Page uint32, Hash 32 bytes): the non-zero pages, strictly
 *            increasing, each with the SHA-256 of its 4096 bytes; a page not listed is zero
 * DATA    => a zlib stream (RFC 1950) of Record*: every distinct Hash of PAGES once, in order of
 *            first appearance: Hash (32) Length (uint16, 1..4096) Bytes (the page up to its last
 *            non-zero byte)
 * </pre>
 */
public final class SnapshotFile {
    static final byte[] MAGIC = {'K', 'E', 'R', 'F', 'S', 'N', 'A', 'P'};
    public static final int MAJOR = 1;
    public static final int MINOR = 0;
    static final int HEADER_CRC_OFFSET = 36;
    static final int HEADER_LENGTH = 40;
    static final int BOOT = 1, CPU = 2, DEVICES = 3, LINE = 4, PAGES = 5, DATA = 6;
    static final String[] NAMES = {"", "BOOT", "CPU", "DEVICES", "LINE", "PAGES", "DATA"};
    static final int MAX_BOOT = 1 << 20, MAX_CPU = 4096, MAX_DEVICES = 16 << 20;
    static final int PAGE = 4096, HASH = 32;
    /** Deflate's worst case for n bytes is n + 5 per 16 KiB block + 6; this bound is above it. */
    static long maxData(long rawBytes) {
        return rawBytes + rawBytes / 1024 + 1024;
    }

    /** The file name suffix kerf suggests. */
    public static final String SUFFIX = ".ksnap";

    private SnapshotFile() {}

    /** Writes {@code d} to {@code file} atomically ({@link AtomicFile}: no half-written file under the name). */
    public static void write(Path file, SnapshotData d) throws IOException {
        AtomicFile.write(file, encode(d));
    }

    /** The bytes {@link #write} stores. */
    public static byte[] encode(SnapshotData d) {
        byte[] ram = d.ram();
        int pages = ram.length / PAGE;
        int[] nonZero = new int[pages];
        byte[][] hashes = new byte[pages][];
        int n = 0;
        MessageDigest sha = sha256();
        Map<ByteBuffer, Boolean> seen = new HashMap<>(); // membership only: order comes from the page order
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        DeflaterOutputStream data = new DeflaterOutputStream(raw, new Deflater(Deflater.BEST_SPEED), 1 << 16);
        try {
            for (int p = 0; p < pages; p++) {
                int last = lastNonZero(ram, p * PAGE);
                if (last < 0) continue;
                sha.update(ram, p * PAGE, PAGE);
                byte[] h = sha.digest();
                nonZero[n] = p;
                hashes[n++] = h;
                if (seen.putIfAbsent(ByteBuffer.wrap(h), Boolean.TRUE) == null) {
                    int length = last + 1;
                    data.write(h);
                    data.write(length & 0xFF);
                    data.write(length >>> 8);
                    data.write(ram, p * PAGE, length);
                }
            }
            data.finish();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        ByteBuffer map = ByteBuffer.allocate(4 + n * (4 + HASH)).order(ByteOrder.LITTLE_ENDIAN);
        map.putInt(n);
        for (int i = 0; i < n; i++) map.putInt(nonZero[i]).put(hashes[i]);
        byte[][] sections = {null, boot(d.boot()), d.cpu(), d.devices(), {(byte) d.lineFlags()}, map.array(), raw.toByteArray()};
        long total = HEADER_LENGTH;
        for (int t = BOOT; t <= DATA; t++) total += 9 + sections[t].length;
        if (total > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("a snapshot of " + total + " bytes is too large");
        ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) MAJOR).putShort((short) MINOR).putInt(ram.length).putLong(d.icount())
                .putLong(d.clockNanos()).put((byte) (d.virtualClock() ? 1 : 0)).put(new byte[3]);
        b.putInt(crc(b.array(), 0, HEADER_CRC_OFFSET));
        for (int t = BOOT; t <= DATA; t++) {
            int start = b.position();
            b.put((byte) t).putInt(sections[t].length).put(sections[t]);
            b.putInt(crc(b.array(), start, 5 + sections[t].length));
        }
        return b.array();
    }

    private static int lastNonZero(byte[] ram, int from) {
        for (int i = PAGE - 1; i >= 0; i--) if (ram[from + i] != 0) return i;
        return -1;
    }

    private static byte[] boot(SnapshotData.Boot boot) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        string(out, boot.kerfVersion());
        string(out, boot.trigger());
        image(out, boot.kernel());
        string(out, boot.cmdline());
        if (boot.modules().size() > 0xFFFF) throw new IllegalArgumentException("too many modules");
        out.write(boot.modules().size() & 0xFF);
        out.write(boot.modules().size() >>> 8);
        for (SnapshotData.Image m : boot.modules()) image(out, m);
        return out.toByteArray();
    }

    private static void image(ByteArrayOutputStream out, SnapshotData.Image i) {
        string(out, i.name());
        ByteBuffer size = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(i.size());
        out.writeBytes(size.array());
        out.writeBytes(HexFormat.of().parseHex(i.sha256()));
        string(out, i.cmdline());
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) throw new IllegalArgumentException("a string of " + b.length + " bytes is too long for a snapshot");
        out.write(b.length & 0xFF);
        out.write(b.length >>> 8);
        out.writeBytes(b);
    }

    /**
     * Reads and checks a whole snapshot; every problem is a {@link FormatException} naming the file
     * and the offset. Only a regular file is opened (a link is not followed); RAM is allocated only
     * after the header was checked and the heap can hold it; every page is checked against its
     * SHA-256 before the data is returned.
     */
    public static SnapshotData read(Path file) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such snapshot file");
        }
        if (a.isSymbolicLink()) throw new FormatException(file, -1, "a symbolic link, not a snapshot file");
        if (a.isDirectory()) throw new FormatException(file, -1, "a directory, not a snapshot file");
        if (!a.isRegularFile()) throw new FormatException(file, -1, "a device, fifo or socket, not a snapshot file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return new Reader(file, ch, a.size()).read();
        } catch (FileSystemException e) {
            throw new FormatException(file, -1, "cannot read: " + (e.getReason() == null ? e.getMessage() : e.getReason()));
        }
    }

    /**
     * As {@link #read(Path)}, from the whole file's bytes already in memory (a recording's start
     * image, whose SHA-256 the recording checked); {@code file} names it in errors.
     */
    public static SnapshotData decode(Path file, byte[] bytes) {
        try {
            return new Reader(file, bytes).read();
        } catch (IOException e) {
            throw new IllegalStateException("reading memory failed", e);
        }
    }

    /**
     * The largest snapshot file a machine of {@code ramBytes} can have: every section at its bound,
     * every page distinct and incompressible. A recording refuses a start image above it.
     */
    public static long maxFileBytes(long ramBytes) {
        long pages = ramBytes / PAGE;
        return HEADER_LENGTH + 6 * 9 + MAX_BOOT + MAX_CPU + MAX_DEVICES + 1 + 4 + pages * (4 + HASH)
                + maxData(pages * (HASH + 2 + PAGE));
    }

    /** True when {@code head} (at least 8 bytes) starts like a snapshot file. */
    public static boolean hasMagic(byte[] head) {
        return head.length >= 8 && Arrays.equals(Arrays.copyOf(head, 8), MAGIC);
    }

    /** Where the CPU section's data begins in the file {@code d} was read from (for error offsets). */
    public static long cpuDataOffset(SnapshotData d) {
        return HEADER_LENGTH + 9 + boot(d.boot()).length + 5;
    }

    /** Where the DEVICES section's data begins in the file {@code d} was read from (for error offsets). */
    public static long devicesDataOffset(SnapshotData d) {
        return cpuDataOffset(d) + d.cpu().length + 4 + 5;
    }

    /** Reads the header and the BOOT section only: what {@code kerf info} shows of a snapshot. */
    public static Summary summary(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            Reader r = new Reader(file, ch, ch.size());
            r.header();
            SnapshotData.Boot boot = r.bootSection();
            return new Summary(r.ramBytes, r.icount, r.clockNanos, r.virtual, boot, ch.size());
        }
    }

    /** The header and provenance of a snapshot, without its RAM. */
    public record Summary(int ramBytes, long icount, long clockNanos, boolean virtualClock, SnapshotData.Boot boot, long fileBytes) {}

    private static final class Reader {
        private final Path file;
        private final FileChannel ch;
        private final byte[] whole;
        private final long size;
        private long pos;
        int ramBytes;
        long icount, clockNanos;
        boolean virtual;

        Reader(Path file, FileChannel ch, long size) {
            this.file = file;
            this.ch = ch;
            this.whole = null;
            this.size = size;
        }

        Reader(Path file, byte[] whole) {
            this.file = file;
            this.ch = null;
            this.whole = whole;
            this.size = whole.length;
        }

        SnapshotData read() throws IOException {
            header();
            SnapshotData.Boot boot = bootSection();
            long cpuAt = pos + 5;
            byte[] cpu = section(CPU, MAX_CPU);
            if (cpu.length == 0) throw bad(cpuAt - 4, "empty CPU section");
            byte[] devices = section(DEVICES, MAX_DEVICES);
            long lineAt = pos + 5;
            byte[] line = section(LINE, 1);
            if (line.length != 1) throw bad(lineAt - 4, "LINE section of " + line.length + " bytes, not 1");
            if ((line[0] & ~(SnapshotData.LINE_DLAB | SnapshotData.LINE_LOOPBACK)) != 0)
                throw bad(lineAt, String.format("unknown COM1 line flags 0x%02x", line[0] & 0xFF));
            long pagesAt = pos + 5;
            byte[] map = section(PAGES, 4 + (long) (ramBytes / PAGE) * (4 + HASH));
            int count = pageCount(map, pagesAt);
            byte[] ram = allocateRam();
            long dataAt = pos + 5;
            byte[] data = section(DATA, maxData((long) count * (HASH + 2 + PAGE)));
            if (pos != size) throw bad(pos, (size - pos) + " bytes after the DATA section");
            fill(ram, map, count, pagesAt, data, dataAt);
            return new SnapshotData(icount, clockNanos, virtual, boot, cpu, devices, line[0], ram);
        }

        private byte[] allocateRam() {
            long heap = Runtime.getRuntime().maxMemory();
            String problem = String.format("the snapshot's machine has %d MiB of RAM, more than this JVM can hold"
                    + " (heap %d MiB; raise -Xmx)", ramBytes >> 20, heap >> 20);
            if (ramBytes > heap) throw bad(12, problem);
            try {
                return new byte[ramBytes];
            } catch (OutOfMemoryError e) {
                throw bad(12, problem);
            }
        }

        void header() throws IOException {
            byte[] h = bytes(HEADER_LENGTH, "header");
            if (!Arrays.equals(Arrays.copyOf(h, 8), MAGIC)) throw bad(0, "not a kerf snapshot (bad magic)");
            ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
            int major = Short.toUnsignedInt(b.getShort(8));
            if (major != MAJOR)
                throw bad(8, "snapshot format " + major + "." + Short.toUnsignedInt(b.getShort(10)) + ", this kerf reads "
                        + MAJOR + ".x: " + (major > MAJOR ? "use a newer kerf" : "take the snapshot again with this kerf"));
            if (b.getInt(HEADER_CRC_OFFSET) != crc(h, 0, HEADER_CRC_OFFSET)) throw bad(HEADER_CRC_OFFSET, "header CRC mismatch");
            long ram = Integer.toUnsignedLong(b.getInt(12));
            if (ram == 0 || (ram & 0xFFF) != 0 || ram > Integer.MAX_VALUE) throw bad(12, "RAM size " + ram + " bytes is not a multiple of 4 KiB below 2 GiB");
            ramBytes = (int) ram;
            icount = b.getLong(16);
            if (icount < 0) throw bad(16, "negative icount");
            clockNanos = b.getLong(24);
            if (clockNanos < 0) throw bad(24, "negative clock");
            int clock = h[32];
            if (clock != 0 && clock != 1) throw bad(32, "clock kind " + clock + " (0 host or 1 virtual)");
            virtual = clock == 1;
            if (h[33] != 0 || h[34] != 0 || h[35] != 0) throw bad(33, "reserved bytes are not zero");
        }

        SnapshotData.Boot bootSection() throws IOException {
            long at = pos + 5;
            byte[] b = section(BOOT, MAX_BOOT);
            Fields f = new Fields(b, at);
            String version = f.string("kerfVersion");
            String trigger = f.string("trigger");
            SnapshotData.Image kernel = f.image("kernel");
            String cmdline = f.string("cmdline");
            int n = f.u16("module count");
            List<SnapshotData.Image> modules = new ArrayList<>();
            for (int i = 0; i < n; i++) modules.add(f.image("module " + (i + 1)));
            if (f.at != b.length) throw bad(at + f.at, (b.length - f.at) + " bytes after the BOOT fields");
            return new SnapshotData.Boot(version, trigger, kernel, cmdline, modules);
        }

        private int pageCount(byte[] map, long at) {
            if (map.length < 4) throw bad(at, "PAGES section shorter than its count");
            ByteBuffer b = ByteBuffer.wrap(map).order(ByteOrder.LITTLE_ENDIAN);
            long count = Integer.toUnsignedLong(b.getInt(0));
            if (count > ramBytes / PAGE) throw bad(at, count + " pages, more than " + (ramBytes / PAGE) + " pages of RAM");
            if (map.length != 4 + count * (4 + HASH)) throw bad(at, "PAGES section of " + map.length + " bytes does not hold " + count + " pages");
            long prev = -1;
            for (int i = 0; i < count; i++) {
                long page = Integer.toUnsignedLong(b.getInt(4 + i * (4 + HASH)));
                long off = at + 4 + (long) i * (4 + HASH);
                if (page >= ramBytes / PAGE) throw bad(off, "page " + page + " is beyond the RAM");
                if (page <= prev) throw bad(off, "page " + page + " is not above the page before it (" + prev + ")");
                prev = page;
            }
            return (int) count;
        }

        private void fill(byte[] ram, byte[] map, int count, long mapAt, byte[] data, long dataAt) {
            Map<ByteBuffer, List<Integer>> wanted = new HashMap<>(); // lookups only; order comes from the records
            List<ByteBuffer> order = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ByteBuffer h = ByteBuffer.wrap(map, 4 + i * (4 + HASH) + 4, HASH).slice();
                int page = ByteBuffer.wrap(map).order(ByteOrder.LITTLE_ENDIAN).getInt(4 + i * (4 + HASH));
                wanted.computeIfAbsent(h, k -> {
                    order.add(k);
                    return new ArrayList<>();
                }).add(page);
            }
            MessageDigest sha = sha256();
            byte[] page = new byte[PAGE];
            long inflated = 0;
            try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(data), new Inflater(), 1 << 16))) {
                for (int r = 0; r < order.size(); r++) {
                    byte[] hash = new byte[HASH];
                    in.readFully(hash);
                    if (!ByteBuffer.wrap(hash).equals(order.get(r)))
                        throw bad(dataAt, "page record " + (r + 1) + " (byte " + inflated + " of the inflated data) holds hash "
                                + hex(hash, 8) + "..., not the next hash PAGES names (" + hex(order.get(r), 8) + "...)");
                    int length = in.readUnsignedByte() | in.readUnsignedByte() << 8;
                    if (length < 1 || length > PAGE)
                        throw bad(dataAt, "page record " + (r + 1) + " (byte " + inflated + " of the inflated data) has length " + length);
                    Arrays.fill(page, (byte) 0);
                    in.readFully(page, 0, length);
                    sha.update(page);
                    if (!Arrays.equals(sha.digest(), hash))
                        throw bad(dataAt, "page record " + (r + 1) + " (byte " + inflated + " of the inflated data): its bytes do not"
                                + " hash to its SHA-256 (damaged)");
                    for (int p : wanted.get(order.get(r))) System.arraycopy(page, 0, ram, p * PAGE, PAGE);
                    inflated += HASH + 2 + length;
                }
                if (in.read() != -1) throw bad(dataAt, "the inflated DATA goes on after the last page record (byte " + inflated + ")");
            } catch (EOFException e) {
                throw bad(dataAt, "the DATA stream ends inside page data (byte " + inflated + " of the inflated data)");
            } catch (IOException e) {
                throw bad(dataAt, "the DATA stream is not valid zlib data (" + e.getMessage() + ")");
            }
        }

        private byte[] section(int type, long max) throws IOException {
            long start = pos;
            byte[] head = bytes(5, NAMES[type] + " section header");
            if (head[0] != type)
                throw bad(start, "section type " + (head[0] & 0xFF) + " where the " + NAMES[type] + " section (" + type + ") belongs");
            long length = Integer.toUnsignedLong(ByteBuffer.wrap(head, 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
            if (length > max) throw bad(start + 1, NAMES[type] + " section of " + length + " bytes, more than its bound " + max);
            if (length > size - pos - 4) throw bad(start + 1, NAMES[type] + " section of " + length + " bytes runs past the end of the file");
            if (length > Integer.MAX_VALUE - 16) throw bad(start + 1, NAMES[type] + " section too large");
            byte[] data = bytes((int) length, NAMES[type] + " section");
            byte[] crcBytes = bytes(4, NAMES[type] + " section CRC");
            CRC32C c = new CRC32C();
            c.update(head);
            c.update(data);
            if (ByteBuffer.wrap(crcBytes).order(ByteOrder.LITTLE_ENDIAN).getInt() != (int) c.getValue())
                throw bad(pos - 4, NAMES[type] + " section CRC mismatch");
            return data;
        }

        private byte[] bytes(int n, String what) throws IOException {
            if (n > size - pos) throw bad(pos, "the file ends inside the " + what + " (" + (size - pos) + " of " + n + " bytes left)");
            if (whole != null) {
                byte[] b = Arrays.copyOfRange(whole, (int) pos, (int) pos + n);
                pos += n;
                return b;
            }
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining()) {
                if (ch.read(b, pos + b.position()) < 0) throw bad(pos + b.position(), "the file ends inside the " + what);
            }
            pos += n;
            return b.array();
        }

        FormatException bad(long offset, String problem) {
            return new FormatException(file, offset, problem);
        }

        /** The BOOT section's fields, each checked against the bytes left. */
        private final class Fields {
            final byte[] b;
            final long base;
            int at;

            Fields(byte[] b, long base) {
                this.b = b;
                this.base = base;
            }

            int u16(String what) {
                need(2, what);
                int v = (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
                at += 2;
                return v;
            }

            String string(String what) {
                int n = u16(what + " length");
                need(n, what);
                try {
                    String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, at, n)).toString();
                    at += n;
                    return s;
                } catch (CharacterCodingException e) {
                    throw bad(base + at, what + " is not UTF-8");
                }
            }

            SnapshotData.Image image(String what) {
                String name = string(what + " name");
                need(8, what + " size");
                long sz = ByteBuffer.wrap(b, at, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                if (sz < 0) throw bad(base + at, what + " size is negative");
                at += 8;
                need(HASH, what + " SHA-256");
                String sha = HexFormat.of().formatHex(b, at, at + HASH);
                at += HASH;
                return new SnapshotData.Image(name, sz, sha, string(what + " cmdline"));
            }

            private void need(int n, String what) {
                if (n > b.length - at) throw bad(base + at, "the BOOT section ends inside the " + what);
            }
        }
    }

    private static String hex(byte[] b, int n) {
        return HexFormat.of().formatHex(b, 0, n);
    }

    private static String hex(ByteBuffer b, int n) {
        byte[] x = new byte[n];
        b.duplicate().get(x);
        return hex(x, n);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
