package dev.kerf.emulator.device;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The 256-word IDENTIFY DEVICE block of the {@link AtaDisk} (ATA-7 layout, little-endian words). */
final class AtaIdentify {
    private AtaIdentify() {}

    static void fill(byte[] b, long totalSectors, int heads, int spt) {
        Arrays.fill(b, (byte) 0);
        long lba28 = Math.min(totalSectors, 0x0FFFFFFFL);
        int cylinders = (int) Math.max(2, Math.min(totalSectors / (heads * spt), 16383)); // QEMU's guess
        word(b, 0, 0x0040); // fixed disk
        word(b, 1, cylinders);
        word(b, 3, heads);
        word(b, 6, spt);
        text(b, 10, 20, "KERF0001");
        text(b, 23, 8, "1.0");
        text(b, 27, 40, "KERF HARDDISK");
        word(b, 47, 0x8000); // READ/WRITE MULTIPLE not supported
        word(b, 49, 0x0200); // LBA supported
        word(b, 51, 0x0200); // PIO mode 2 timing
        word(b, 53, 0x0001); // words 54-58 valid
        word(b, 54, cylinders);
        word(b, 55, heads);
        word(b, 56, spt);
        long chs = (long) cylinders * heads * spt;
        word(b, 57, (int) (chs & 0xFFFF));
        word(b, 58, (int) (chs >>> 16));
        word(b, 60, (int) (lba28 & 0xFFFF));
        word(b, 61, (int) (lba28 >>> 16));
        word(b, 80, 0x00F0); // ATA/ATAPI-4..7
        word(b, 82, 0x4000);
        word(b, 83, 0x5000); // bit 14 must be one; bit 12: FLUSH CACHE; no LBA48
        word(b, 84, 0x4000);
        word(b, 85, 0x4000);
        word(b, 86, 0x3000);
        word(b, 87, 0x4000);
    }

    private static void word(byte[] b, int index, int value) {
        b[index * 2] = (byte) value;
        b[index * 2 + 1] = (byte) (value >> 8);
    }

    /** ATA strings: space padded, the two characters of each word swapped. */
    private static void text(byte[] b, int firstWord, int length, String s) {
        byte[] chars = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            byte c = i < chars.length ? chars[i] : (byte) ' ';
            b[firstWord * 2 + (i ^ 1)] = c;
        }
    }
}
