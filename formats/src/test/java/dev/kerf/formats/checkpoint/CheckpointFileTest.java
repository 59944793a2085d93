package dev.kerf.formats.checkpoint;

import dev.kerf.formats.journal.Position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kerf.formats.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Round trip of checkpoint files, and hostile files: always one FormatException naming the file and an offset inside it. */
class CheckpointFileTest {
    @TempDir Path tmp;
    Path file;
    byte[] good;
    CheckpointData data;

    static CheckpointData sample(int ramBytes) {
        byte[] id = new byte[32];
        for (int i = 0; i < 32; i++) id[i] = (byte) (i * 7 + 1);
        byte[] cpu = new byte[120];
        for (int i = 0; i < cpu.length; i++) cpu[i] = (byte) (i ^ 0x5A);
        byte[] hashes = new byte[3 * 32];
        for (int i = 0; i < hashes.length; i++) hashes[i] = (byte) (i * 13);
        PageMap map = new PageMap(new int[] {0, 5, ramBytes / 4096 - 1}, hashes);
        return new CheckpointData(new CheckpointHeader(123_456_789L, new Position(17, 300, 1_000_000, 12), id, ramBytes),
                cpu, new byte[] {1, 2, 3}, map);
    }

    @BeforeEach
    void setUp() throws IOException {
        data = sample(1 << 20);
        file = tmp.resolve(CheckpointFile.fileName(data.header().icount()));
        CheckpointFile.write(file, data);
        good = Files.readAllBytes(file);
    }

    @Test
    void roundTripIsExactAndLeavesNoTemporaryFile() throws IOException {
        assertThat(CheckpointFile.read(file)).isEqualTo(data);
        assertThat(good).hasSize(CheckpointFile.HEADER_LENGTH + 3 * CheckpointFile.SECTION_OVERHEAD + 120 + 3 + 4 + 3 * 36);
        assertThat(Arrays.copyOf(good, 8)).isEqualTo("KERFCKPT".getBytes());
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("00000000000123456789.kcp");
        }
    }

    /**
     * The checkpoint directory is hostile: a directory, a symbolic link (even to a good checkpoint,
     * or to /dev/zero), a fifo are refused without being opened or followed — one FormatException
     * naming the file — and a file larger than any checkpoint is refused before it is read.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // opening a fifo blocks
    void onlyARegularFileIsOpened() throws Exception {
        Path dir = tmp.resolve("dir.kcp");
        Files.createDirectory(dir);
        Path zero = tmp.resolve("zero.kcp");
        Files.createSymbolicLink(zero, Path.of("/dev/zero"));
        Path link = tmp.resolve("link.kcp");
        Files.createSymbolicLink(link, file);
        Path fifo = tmp.resolve("fifo.kcp");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        Path big = tmp.resolve("big.kcp");
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(good), CheckpointFile.MAX_FILE - good.length + 1); // sparse
        }
        String[][] cases = {{dir.toString(), "a directory, not a regular file"}, {zero.toString(), "a symbolic link, not a regular file"},
                {link.toString(), "a symbolic link, not a regular file"}, {fifo.toString(), "a device, fifo or socket, not a regular file"},
                {big.toString(), (CheckpointFile.MAX_FILE + 1) + " bytes, more than a checkpoint can hold"}};
        for (String[] c : cases) {
            assertThat(catchThrowable(() -> CheckpointFile.read(Path.of(c[0])))).isInstanceOf(FormatException.class)
                    .hasMessage(c[0] + ": " + c[1] + (c[0].equals(big.toString()) ? " (" + CheckpointFile.MAX_FILE + ")" : ""));
        }
        assertThat(CheckpointFile.read(file)).isEqualTo(data);
    }

    @Test
    void rewritingReplacesAtomically() throws IOException {
        CheckpointData other = new CheckpointData(data.header(), new byte[0], new byte[0], new PageMap(new int[0], new byte[0]));
        CheckpointFile.write(file, other);
        assertThat(CheckpointFile.read(file)).isEqualTo(other);
    }

    @Test
    void failedWriteLeavesNothing() {
        Path missingDir = tmp.resolve("no").resolve("such.kcp");
        assertThat(catchThrowable(() -> CheckpointFile.write(missingDir, data))).isInstanceOf(IOException.class);
        assertThat(missingDir.getParent()).doesNotExist();
    }

    @Test
    void everyTruncationIsCaught() throws IOException {
        for (int len = 0; len < good.length; len++) {
            FormatException f = fails(Arrays.copyOf(good, len));
            assertThat(f.offset()).as("cut at %d", len).isBetween(0L, (long) len);
        }
    }

    @Test
    void everyByteFlippedIsCaught() throws IOException {
        for (int i = 0; i < good.length; i++) {
            for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                byte[] b = good.clone();
                b[i] ^= (byte) mask;
                FormatException f = fails(b);
                assertThat(f.offset()).as("byte %d ^ 0x%x: %s", i, mask, f.getMessage()).isBetween(0L, (long) good.length);
            }
        }
    }

    @Test
    void extraBytesAreCaught() throws IOException {
        byte[] b = Arrays.copyOf(good, good.length + 1);
        assertThat(fails(b).getMessage()).contains("1 bytes after the last section");
    }

    @Test
    void namedDamage() throws IOException {
        byte[] b = good.clone();
        b[0] = 'X';
        assertThat(fails(b).getMessage()).contains("not a kerf checkpoint (bad magic)");
        b = good.clone();
        b[8] = 2;
        FormatException f = fails(b);
        assertThat(f.offset()).isEqualTo(8);
        assertThat(f.getMessage()).contains("checkpoint format 2.x, this kerf reads 1.x");
        assertThat(fails(Files.readAllBytes(writeForeign())).getMessage()).contains("bad magic");
    }

    @Test
    void hugeLengthFieldsAreBoundedBeforeAllocating() throws IOException {
        int cpuLengthAt = CheckpointFile.HEADER_LENGTH + 1;
        byte[] b = withCrcFixed(good.clone(), cpuLengthAt, 0xFFFFFFF0);
        FormatException f = fails(b);
        assertThat(f.offset()).isEqualTo(cpuLengthAt);
        assertThat(f.getMessage()).contains("exceeds its bound");
        b = withCrcFixed(good.clone(), cpuLengthAt, 4000); // within the bound, beyond the file
        assertThat(fails(b).getMessage()).contains("runs past the end of the file");
        int devicesLengthAt = CheckpointFile.HEADER_LENGTH + CheckpointFile.SECTION_OVERHEAD + 120 + 1;
        b = withCrcFixed(good.clone(), devicesLengthAt, CheckpointFile.MAX_DEVICES);
        assertThat(fails(b).getMessage()).contains("device state length 16777216 runs past the end");
    }

    @Test
    void pageMapNonsenseIsCaughtEvenWithAValidCrc() throws IOException {
        int pagesAt = good.length - 4 - (4 + 3 * 36); // start of the page map data
        byte[] b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(pagesAt, 1_000_000);
        assertThat(fails(resealLast(b, pagesAt)).getMessage()).contains("page map count 1000000 does not fit");
        b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(pagesAt + 4 + 36, 0); // page 5 -> 0: out of order
        assertThat(fails(resealLast(b, pagesAt)).getMessage()).contains("out of order");
        b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(pagesAt + 4 + 72, 256); // RAM is 256 pages
        assertThat(fails(resealLast(b, pagesAt)).getMessage()).contains("page 256 is beyond RAM");
    }

    @Test
    void missingFileIsAFormatException() {
        Path none = tmp.resolve("none.kcp");
        FormatException f = (FormatException) catchThrowable(() -> CheckpointFile.read(none));
        assertThat(f.file()).isEqualTo(none);
    }

    /** Sets the uint32 at {@code at} (a section's length) and recomputes that section's CRC where the old length put it. */
    private static byte[] withCrcFixed(byte[] b, int at, int value) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return b;
    }

    /** Recomputes the CRC of the last section (the page map, whose data starts at {@code dataAt}). */
    private static byte[] resealLast(byte[] b, int dataAt) {
        int start = dataAt - 5;
        int crc = CheckpointFile.crc(b, start, b.length - 4 - start);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, crc);
        return b;
    }

    private Path writeForeign() throws IOException {
        Path p = tmp.resolve("foreign.kcp");
        Files.write(p, new byte[200]);
        return p;
    }

    private FormatException fails(byte[] bytes) throws IOException {
        Path p = tmp.resolve("bad.kcp");
        Files.write(p, bytes);
        Throwable t = catchThrowable(() -> CheckpointFile.read(p));
        assertThat(t).as("no error for %d bytes", bytes.length).isInstanceOf(FormatException.class);
        FormatException f = (FormatException) t;
        assertThat(f.file()).isEqualTo(p);
        assertThat(f.getMessage()).startsWith(p.toString()).doesNotContain("\n");
        return f;
    }
}
