package dev.kerf.emulator.device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AtaDiskTest {
    @TempDir
    Path dir;
    private final RecordingIrq irq = new RecordingIrq();

    private AtaDisk diskWith(int sectors) throws IOException {
        byte[] image = new byte[sectors * 512];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (i / 512 * 7 + i);
        }
        Path file = dir.resolve("disk.img");
        Files.write(file, image);
        return new AtaDisk(file, irq);
    }

    private static void selectLba(AtaDisk ata, long lba, int count) {
        ata.write(0x1F6, 1, 0xE0 | (int) (lba >> 24));
        ata.write(0x1F2, 1, count);
        ata.write(0x1F3, 1, (int) lba & 0xFF);
        ata.write(0x1F4, 1, (int) (lba >> 8) & 0xFF);
        ata.write(0x1F5, 1, (int) (lba >> 16) & 0xFF);
    }

    private static byte[] readSector(AtaDisk ata) {
        byte[] data = new byte[512];
        for (int i = 0; i < 512; i += 2) {
            int w = ata.read(0x1F0, 2);
            data[i] = (byte) w;
            data[i + 1] = (byte) (w >> 8);
        }
        return data;
    }

    @Test
    void identifyReportsSizeAndModel() throws IOException {
        try (AtaDisk ata = diskWith(100)) {
            ata.write(0x1F6, 1, 0xA0);
            ata.write(0x1F7, 1, 0xEC);
            assertThat(irq.level).isTrue();
            assertThat(ata.read(0x1F7, 1)).isEqualTo(0x58); // DRDY DSC DRQ
            assertThat(irq.level).isFalse();
            byte[] id = readSector(ata);
            assertThat((id[120] & 0xFF) | (id[121] & 0xFF) << 8).isEqualTo(100);
            assertThat(id[99] & 0x02).isEqualTo(0x02); // word 49 bit 9: LBA
            assertThat(new String(id, 54, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("EKFR");
            assertThat(ata.read(0x1F7, 1)).isEqualTo(0x50);
        }
    }

    @Test
    void readSectorsLba28() throws IOException {
        try (AtaDisk ata = diskWith(100)) {
            byte[] image = Files.readAllBytes(dir.resolve("disk.img"));
            selectLba(ata, 5, 2);
            ata.write(0x1F7, 1, 0x20);
            assertThat(ata.read(0x1F7, 1) & 0x89).isEqualTo(0x08);
            assertThat(readSector(ata)).isEqualTo(java.util.Arrays.copyOfRange(image, 5 * 512, 6 * 512));
            assertThat(irq.level).isTrue(); // second sector ready
            assertThat(ata.read(0x1F7, 1) & 0x08).isEqualTo(0x08);
            assertThat(readSector(ata)).isEqualTo(java.util.Arrays.copyOfRange(image, 6 * 512, 7 * 512));
            assertThat(ata.read(0x1F7, 1)).isEqualTo(0x50);
            assertThat(ata.read(0x1F3, 1)).isEqualTo(7); // the next sector, as QEMU
        }
    }

    @Test
    void writeSectorsReachTheImage() throws IOException {
        try (AtaDisk ata = diskWith(10)) {
            selectLba(ata, 9, 1);
            ata.write(0x1F7, 1, 0x30);
            assertThat(irq.level).isFalse(); // first sector requested without an interrupt
            assertThat(ata.read(0x3F6, 1) & 0x08).isEqualTo(0x08);
            for (int i = 0; i < 256; i++) {
                ata.write(0x1F0, 2, 0xBEEF);
            }
            assertThat(irq.level).isTrue();
            assertThat(ata.read(0x1F7, 1)).isEqualTo(0x50);
        }
        byte[] image = Files.readAllBytes(dir.resolve("disk.img"));
        assertThat(image[9 * 512] & 0xFF).isEqualTo(0xEF);
        assertThat(image[9 * 512 + 511] & 0xFF).isEqualTo(0xBE);
        assertThat(image[8 * 512 + 511]).isEqualTo((byte) (8 * 7 + 8 * 512 + 511));
    }

    @Test
    void outOfRangeAndUnknownCommandsFail() throws IOException {
        try (AtaDisk ata = diskWith(10)) {
            selectLba(ata, 9, 2);
            ata.write(0x1F7, 1, 0x20);
            assertThat(ata.read(0x1F7, 1)).isEqualTo(0x58); // sector 9 exists
            readSector(ata);
            assertThat(ata.read(0x1F7, 1)).isEqualTo(0x51); // sector 10 does not
            assertThat(ata.read(0x1F1, 1)).isEqualTo(0x04); // ABRT, as QEMU
            ata.write(0x1F7, 1, 0xC8); // READ DMA: not here
            assertThat(ata.read(0x1F7, 1) & 0x01).isEqualTo(1);
            assertThat(ata.read(0x1F1, 1)).isEqualTo(0x04); // ABRT
        }
    }

    @Test
    void nIenMasksTheInterrupt() throws IOException {
        try (AtaDisk ata = diskWith(10)) {
            ata.write(0x3F6, 1, 0x02);
            ata.write(0x1F7, 1, 0xE7);
            assertThat(irq.level).isFalse();
            ata.write(0x3F6, 1, 0x00);
            assertThat(irq.level).isTrue();
        }
    }

    @Test
    void chsAddressing() throws IOException {
        try (AtaDisk ata = diskWith(2000)) {
            byte[] image = Files.readAllBytes(dir.resolve("disk.img"));
            ata.write(0x1F6, 1, 0xA0 | 1); // head 1
            ata.write(0x1F2, 1, 1);
            ata.write(0x1F3, 1, 3);        // sector 3
            ata.write(0x1F4, 1, 1);        // cylinder 1
            ata.write(0x1F5, 1, 0);
            ata.write(0x1F7, 1, 0x20);
            long lba = (1 * 16 + 1) * 63 + 2;
            assertThat(readSector(ata)).isEqualTo(java.util.Arrays.copyOfRange(image, (int) lba * 512, (int) lba * 512 + 512));
        }
    }

    @Test
    void noDriveReadsZero() throws IOException {
        try (AtaDisk ata = new AtaDisk(null, irq)) {
            ata.write(0x1F7, 1, 0xEC);
            assertThat(ata.read(0x1F7, 1)).isZero();
            assertThat(ata.read(0x1F2, 1)).isZero();
            assertThat(irq.level).isFalse();
        }
        try (AtaDisk ata = diskWith(10)) {
            ata.write(0x1F6, 1, 0xB0); // the absent slave
            assertThat(ata.read(0x1F7, 1)).isZero();
        }
    }

    @Test
    void missingImageIsAClearError() {
        Path missing = dir.resolve("nope.img");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AtaDisk(missing, irq))
                .isInstanceOf(IOException.class).hasMessageContaining("nope.img");
    }
}
