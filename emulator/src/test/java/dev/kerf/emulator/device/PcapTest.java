package dev.kerf.emulator.device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PcapTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private Path twoFrameCapture() throws IOException {
        Path file = dir.resolve("two.pcap");
        try (PcapWriter writer = new PcapWriter(file)) {
            writer.write(1_700_000_000_123_456_000L, new byte[] {1, 2, 3}, 0, 3);
            writer.write(1_700_000_001_000_001_999L, new byte[] {9, 8, 7, 6, 5}, 1, 3);
        }
        return file;
    }

    @Test
    void writerOutputReadsBack() throws IOException {
        List<PcapFrame> frames = PcapReader.readAll(twoFrameCapture());
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).timestampNanos()).isEqualTo(1_700_000_000_123_456_000L);
        assertThat(frames.get(0).data()).containsExactly(1, 2, 3);
        assertThat(frames.get(1).timestampNanos()).isEqualTo(1_700_000_001_000_001_000L); // µs precision
        assertThat(frames.get(1).data()).containsExactly(8, 7, 6);
    }

    @Test
    void writerBytesAreClassicLittleEndianPcap() throws IOException {
        byte[] bytes = Files.readAllBytes(twoFrameCapture());
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(0xA1B2C3D4);
        assertThat(b.getShort(4)).isEqualTo((short) 2);
        assertThat(b.getShort(6)).isEqualTo((short) 4);
        assertThat(b.getInt(20)).isEqualTo(1);
        assertThat(b.getInt(24)).isEqualTo(1_700_000_000);
        assertThat(b.getInt(28)).isEqualTo(123_456);
        assertThat(b.getInt(32)).isEqualTo(3);
        assertThat(b.getInt(36)).isEqualTo(3);
        assertThat(bytes).hasSize(24 + 16 + 3 + 16 + 3);
    }

    @Test
    void readsBigEndianNanosecondCaptures() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + 2).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0xA1B23C4D).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        b.putInt(10).putInt(999_999_999).putInt(2).putInt(60).put((byte) 0xAB).put((byte) 0xCD);
        List<PcapFrame> frames = PcapReader.readAll(write("be.pcap", b.array()));
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).timestampNanos()).isEqualTo(10_999_999_999L);
        assertThat(frames.get(0).data()).containsExactly(0xAB, 0xCD);
        assertThat(frames.get(0).originalLength()).isEqualTo(60);
    }

    @Test
    void everyTruncationIsReportedWithFileAndOffset() throws IOException {
        byte[] good = Files.readAllBytes(twoFrameCapture());
        for (int length = 0; length < good.length; length++) {
            if (length == 24 || length == 24 + 16 + 3) {
                continue; // clean ends between records
            }
            Path file = write("cut" + length + ".pcap", Arrays.copyOf(good, length));
            assertThatThrownBy(() -> PcapReader.readAll(file))
                    .isInstanceOf(PcapFormatException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("at byte " + length)
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void corruptHeadersAreRejected() throws IOException {
        byte[] good = Files.readAllBytes(twoFrameCapture());
        byte[] badMagic = good.clone();
        badMagic[0] ^= 0x01;
        Path file = write("magic.pcap", badMagic);
        assertThatThrownBy(() -> PcapReader.readAll(file)).hasMessageContaining("at byte 0").hasMessageContaining("magic");

        byte[] badLink = good.clone();
        badLink[20] = 105; // 802.11
        Path link = write("link.pcap", badLink);
        assertThatThrownBy(() -> PcapReader.readAll(link)).hasMessageContaining("at byte 20").hasMessageContaining("Ethernet");

        byte[] hugeFrame = good.clone();
        hugeFrame[24 + 8 + 3] = 0x7F; // incl_len of the first record
        Path huge = write("huge.pcap", hugeFrame);
        assertThatThrownBy(() -> PcapReader.readAll(huge)).hasMessageContaining("at byte 32").hasMessageContaining("implausible");

        byte[] badFraction = good.clone();
        badFraction[24 + 4 + 3] = 0x7F;
        Path fraction = write("frac.pcap", badFraction);
        assertThatThrownBy(() -> PcapReader.readAll(fraction)).hasMessageContaining("at byte 28");
    }
}
