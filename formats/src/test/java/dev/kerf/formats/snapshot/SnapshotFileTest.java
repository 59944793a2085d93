package dev.kerf.formats.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kerf.formats.FormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trip of booted snapshots, and hostile files: always one FormatException naming the file and an offset. */
class SnapshotFileTest {
    static final int RAM = 1 << 20;
    @TempDir Path tmp;
    Path file;
    byte[] good;
    SnapshotData data;

    static SnapshotData sample() {
        byte[] ram = new byte[RAM];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 4096; i++) ram[3 * 4096 + i] = (byte) r.nextInt(); // a full random page
        System.arraycopy(ram, 3 * 4096, ram, 9 * 4096, 4096);                // the same page again: stored once
        ram[20 * 4096] = 1;                                                    // a page holding one byte
        ram[255 * 4096 + 4095] = (byte) 0xFF;                                  // the last byte of the last page
        String sha = "ab".repeat(32);
        SnapshotData.Boot boot = new SnapshotData.Boot("0.1.0", "the console printed \"$ \"",
                new SnapshotData.Image("vmlinuz", 5_700_000, sha, ""), "console=ttyS0 \u00e9",
                List.of(new SnapshotData.Image("initrd.gz", 2_300_000, "cd".repeat(32), "")));
        byte[] cpu = new byte[362];
        for (int i = 0; i < cpu.length; i++) cpu[i] = (byte) (i * 3);
        return new SnapshotData(6_900_000_000L, 7_100_000_123L, true, boot, cpu, new byte[] {1, 9, 8, 7}, SnapshotData.LINE_DLAB, ram);
    }

    @BeforeEach
    void setUp() throws IOException {
        data = sample();
        file = tmp.resolve("booted.ksnap");
        SnapshotFile.write(file, data);
        good = Files.readAllBytes(file);
    }

    @Test
    void roundTripIsExactSkipsZeroPagesAndStoresEachPageOnce() throws IOException {
        SnapshotData back = SnapshotFile.read(file);
        assertThat(back.ram()).isEqualTo(data.ram());
        assertThat(back.cpu()).isEqualTo(data.cpu());
        assertThat(back.devices()).isEqualTo(data.devices());
        assertThat(back.boot()).isEqualTo(data.boot());
        assertThat(back.icount()).isEqualTo(data.icount());
        assertThat(back.clockNanos()).isEqualTo(data.clockNanos());
        assertThat(back.virtualClock()).isTrue();
        assertThat(back.lineFlags()).isEqualTo(SnapshotData.LINE_DLAB);
        assertThat(SnapshotFile.decode(file, good).ram()).isEqualTo(data.ram());
        // 4 non-zero pages in the map, 3 distinct in the data; the random page is incompressible, so the
        // file is about one page: a second copy or the 252 zero pages would show.
        ByteBuffer b = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        long pagesAt = SnapshotFile.devicesDataOffset(data) + 4 + 4 + 5 + 1 + 4;
        assertThat(good[(int) pagesAt]).isEqualTo((byte) SnapshotFile.PAGES);
        assertThat(b.getInt((int) pagesAt + 5)).isEqualTo(4);
        assertThat(good.length).isBetween(4096, 4096 + 1400);
        assertThat(SnapshotFile.encode(data)).isEqualTo(good); // the same machine gives the same bytes
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("booted.ksnap");
        }
        SnapshotFile.Summary sum = SnapshotFile.summary(file);
        assertThat(sum.boot()).isEqualTo(data.boot());
        assertThat(sum.icount()).isEqualTo(data.icount());
        assertThat(sum.ramBytes()).isEqualTo(RAM);
    }

    @Test
    void everyTruncationIsOneErrorNamingTheFile() throws IOException {
        for (int n = 0; n < good.length; n += n < 200 ? 1 : 97) {
            Path cut = tmp.resolve("cut.ksnap");
            Files.write(cut, Arrays.copyOf(good, n));
            Throwable t = catchThrowable(() -> SnapshotFile.read(cut));
            assertThat(t).as("cut at %d", n).isInstanceOf(FormatException.class);
            FormatException f = (FormatException) t;
            assertThat(f.file()).isEqualTo(cut);
            assertThat(f.offset()).as("cut at %d: %s", n, f.getMessage()).isBetween(0L, (long) n);
        }
    }

    @Test
    void everyFlippedByteIsCaught() throws IOException {
        Path bad = tmp.resolve("flip.ksnap");
        for (int i = 0; i < good.length; i += i < 400 ? 1 : 211) {
            byte[] b = good.clone();
            b[i] ^= 0x20;
            Files.write(bad, b);
            Throwable t = catchThrowable(() -> SnapshotFile.read(bad));
            assertThat(t).as("byte %d flipped", i).isInstanceOf(FormatException.class);
            assertThat(((FormatException) t).offset()).as("byte %d: %s", i, t.getMessage()).isBetween(0L, (long) good.length);
        }
    }

    @Test
    void anotherMajorVersionSaysWhatToDo() throws IOException {
        byte[] b = good.clone();
        b[8] = 2;
        fixHeaderCrc(b);
        Path f = tmp.resolve("v2.ksnap");
        Files.write(f, b);
        assertThat(catchThrowable(() -> SnapshotFile.read(f))).isInstanceOf(FormatException.class)
                .hasMessageContaining("snapshot format 2.0, this kerf reads 1.x: use a newer kerf");
        b[8] = 0;
        fixHeaderCrc(b);
        Files.write(f, b);
        assertThat(catchThrowable(() -> SnapshotFile.read(f))).hasMessageContaining("take the snapshot again with this kerf");
        Files.write(f, "KERFCKPT and more bytes than a header holds, enough of them".getBytes());
        assertThat(catchThrowable(() -> SnapshotFile.read(f))).hasMessageContaining("not a kerf snapshot");
    }

    /** A writer that computes every CRC right but lies inside DATA: the page hashes catch it. */
    @Test
    void pageDataThatDoesNotMatchItsHashIsRefusedWithCorrectCrcs() throws IOException {
        byte[] hash = sha(Arrays.copyOfRange(data.ram(), 20 * 4096, 21 * 4096));
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        // Records in the order PAGES names them: page 3 (random), page 20 (one byte), page 255; page 9 repeats page 3.
        for (int p : new int[] {3, 20, 255}) {
            byte[] page = Arrays.copyOfRange(data.ram(), p * 4096, (p + 1) * 4096);
            if (p == 20) page[0] = 2; // wrong content under the right hash
            records.write(p == 20 ? hash : sha(Arrays.copyOfRange(data.ram(), p * 4096, (p + 1) * 4096)));
            records.write(0);
            records.write(16); // 4096 = 0x1000, little-endian
            records.write(page);
        }
        Path f = tmp.resolve("lie.ksnap");
        Files.write(f, withData(deflate(records.toByteArray())));
        assertThat(catchThrowable(() -> SnapshotFile.read(f))).isInstanceOf(FormatException.class)
                .hasMessageContaining("page record 2").hasMessageContaining("do not hash to its SHA-256");
        Files.write(f, withData(deflate(Arrays.copyOf(records.toByteArray(), 100))));
        assertThat(catchThrowable(() -> SnapshotFile.read(f))).hasMessageContaining("ends inside page data");
        Files.write(f, withData(new byte[] {1, 2, 3, 4, 5}));
        assertThat(catchThrowable(() -> SnapshotFile.read(f))).hasMessageContaining("not valid zlib data");
    }

    @Test
    void aLinkOrDirectoryIsRefusedUnopened() throws IOException {
        Path link = tmp.resolve("link.ksnap");
        Files.createSymbolicLink(link, file);
        assertThat(catchThrowable(() -> SnapshotFile.read(link))).hasMessageContaining("symbolic link");
        Path dir = Files.createDirectory(tmp.resolve("dir.ksnap"));
        assertThat(catchThrowable(() -> SnapshotFile.read(dir))).hasMessageContaining("directory");
    }

    /** The good file with its DATA section replaced by {@code data} (its CRC recomputed). */
    private byte[] withData(byte[] payload) {
        int at = dataSectionOffset();
        ByteBuffer b = ByteBuffer.allocate(at + 9 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(good, 0, at).put((byte) SnapshotFile.DATA).putInt(payload.length).put(payload);
        CRC32C c = new CRC32C();
        c.update(b.array(), at, 5 + payload.length);
        b.putInt((int) c.getValue());
        return b.array();
    }

    private int dataSectionOffset() {
        ByteBuffer b = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        int at = SnapshotFile.HEADER_LENGTH;
        for (int t = SnapshotFile.BOOT; t < SnapshotFile.DATA; t++) at += 9 + b.getInt(at + 1);
        return at;
    }

    private static byte[] deflate(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out)) {
            d.write(raw);
        }
        return out.toByteArray();
    }

    private static void fixHeaderCrc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b, 0, SnapshotFile.HEADER_CRC_OFFSET);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(SnapshotFile.HEADER_CRC_OFFSET, (int) c.getValue());
    }

    private static byte[] sha(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
