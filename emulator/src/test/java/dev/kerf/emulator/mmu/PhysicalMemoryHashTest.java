package dev.kerf.emulator.mmu;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The paged RAM hash and the write tracking behind it: every way into RAM marks what it wrote. */
class PhysicalMemoryHashTest {
    private static final int SIZE = 64 << 12;

    /** The definition, computed from nothing but the bytes (docs/formats.md §5.1). */
    private static long byDefinition(byte[] ram) {
        ByteBuffer hashes = ByteBuffer.allocate(ram.length / 4096 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < ram.length; p += 4096) hashes.putLong(Xxh64.of(ram, p, 4096));
        return Xxh64.of(hashes.array(), 0, hashes.capacity());
    }

    @Test
    void aNewMemoryHashesAsAllZeroPagesAndNothingIsWritten() {
        PhysicalMemory m = new PhysicalMemory(SIZE);
        assertThat(m.pagesWritten()).isZero();
        assertThat(PhysicalMemory.ZERO_PAGE_HASH).isEqualTo(Xxh64.of(new byte[4096], 0, 4096));
        assertThat(m.ramHash()).isEqualTo(byDefinition(new byte[SIZE])).isEqualTo(m.recomputedRamHash());
    }

    @Test
    void theValuesDocsFormatsMdGives() {
        assertThat(PhysicalMemory.ZERO_PAGE_HASH).isEqualTo(0xAC869B6F32D8BBDBL);
        assertThat(new PhysicalMemory(8 * 4096).ramHash()).isEqualTo(0xCBC169B74DC44BC4L);
    }

    @Test
    void everyWriteMethodMarksWhatItWroteAndTheHashFollows() {
        java.util.List<Consumer<PhysicalMemory>> writes = java.util.List.of(
                m -> m.write8(0x3007, 0x5A),
                m -> m.write16(0x4FFF, 0xBEEF),          // crosses into page 5
                m -> m.write32(0x6FFE, 0x12345678),      // crosses into page 7
                m -> m.load(0x8FF0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}, 0, 18),
                m -> m.fill(0x10000, 3 * 4096 + 1, (byte) 0x77),
                m -> { m.array()[0x20010] = 9; m.written(0x20010, 1); },
                m -> m.touch(0x30000));
        int[][] pages = {{3}, {4, 5}, {6, 7}, {8, 9}, {16, 17, 18, 19}, {32}, {48}};
        for (int i = 0; i < writes.size(); i++) {
            PhysicalMemory m = new PhysicalMemory(SIZE);
            long before = m.ramHash();
            writes.get(i).accept(m);
            assertThat(m.pagesWritten()).as("write %d", i).isEqualTo(pages[i].length);
            long after = m.ramHash();
            assertThat(after).as("write %d", i).isEqualTo(byDefinition(m.array())).isEqualTo(m.recomputedRamHash());
            if (i < writes.size() - 1) assertThat(after).as("write %d", i).isNotEqualTo(before);
            assertThat(m.pagesWritten()).as("write %d: hashed, nothing written since", i).isZero();
        }
    }

    @Test
    void writesPastTheEndOfRamAreDroppedAndMarkNothing() {
        PhysicalMemory m = new PhysicalMemory(SIZE);
        m.write8(SIZE, 1);
        m.write32(SIZE - 2, 1);
        m.written(SIZE, 4096);
        assertThat(m.pagesWritten()).isZero();
    }

    @Test
    void restoreMarksOnlyThePagesThatDiffer() {
        PhysicalMemory m = new PhysicalMemory(SIZE);
        m.fill(0, SIZE, (byte) 1);
        m.ramHash();
        byte[] image = m.array().clone();
        image[5 * 4096 + 17] = 2;
        image[SIZE - 1] = 3;
        m.restore(image);
        assertThat(m.pagesWritten()).isEqualTo(2);
        assertThat(m.array()).isEqualTo(image);
        assertThat(m.ramHash()).isEqualTo(byDefinition(image));
        assertThatThrownBy(() -> m.restore(new byte[4096])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theHashDropsTheWriteEntriesItWasToldOf() {
        PhysicalMemory m = new PhysicalMemory(SIZE);
        int[] drops = {0};
        m.watchWriteEntries(() -> drops[0]++);
        m.ramHash();
        m.ramHash();
        assertThat(drops[0]).isEqualTo(2);
    }

    @Test
    void anUnreportedWriteIntoTheArrayFailsTheNextHashWithAssertionsOn() {
        assumeTrue(PhysicalMemory.class.desiredAssertionStatus(), "Java assertions are off");
        PhysicalMemory m = new PhysicalMemory(SIZE);
        m.ramHash();
        m.array()[0x2345] = 1; // not reported with written(): the cached hash of page 2 is stale
        assertThatThrownBy(m::ramHash).isInstanceOf(AssertionError.class)
                .hasMessageContaining("a write to RAM was not tracked (page 0x2)");
    }
}
