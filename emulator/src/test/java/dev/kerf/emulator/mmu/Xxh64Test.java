package dev.kerf.emulator.mmu;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class Xxh64Test {
    private static long of(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return Xxh64.of(b, 0, b.length);
    }

    @Test
    void publishedValues() {
        // XXH64, seed 0: the reference implementation's values (xxhsum -H64, python-xxhash)
        assertThat(of("")).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(of("a")).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(of("abc")).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(of("xxhash")).isEqualTo(0x32DD38952C4BC720L);
        // 39 bytes: one 32-byte stripe, then the 4-byte and 1-byte tails
        assertThat(of("Nobody inspects the spammish repetition")).isEqualTo(0xFBCEA83C8A378BF1L);
    }

    @Test
    void anOffsetHashesOnlyItsRange() {
        byte[] b = "--abc--".getBytes(StandardCharsets.US_ASCII);
        assertThat(Xxh64.of(b, 2, 3)).isEqualTo(0x44BC2CF5AD770999L);
    }

    @Test
    void longsHashAsTheirLittleEndianBytes() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n = 0; n <= 13; n++) {
            long[] v = new long[n];
            ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) b.putLong(v[i] = r.nextLong());
            assertThat(Xxh64.ofLongs(v)).as("%d values", n).isEqualTo(Xxh64.of(b.array(), 0, 8 * n));
        }
    }
}
