package dev.kerf.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuantityTest {
    @Test
    void sizesUseBinarySuffixes() {
        assertThat(Quantity.parseSize("4096")).isEqualTo(4096);
        assertThat(Quantity.parseSize("64M")).isEqualTo(64L << 20);
        assertThat(Quantity.parseSize("64m")).isEqualTo(64L << 20);
        assertThat(Quantity.parseSize("512K")).isEqualTo(512L << 10);
        assertThat(Quantity.parseSize("1G")).isEqualTo(1L << 30);
        assertThat(Quantity.parseSize("2MiB")).isEqualTo(2L << 20);
        assertThat(Quantity.parseSize("2MB")).isEqualTo(2L << 20);
        assertThat(Quantity.parseSize("1.5K")).isEqualTo(1536);
    }

    @Test
    void countsUseDecimalSuffixesAndFractions() {
        assertThat(Quantity.parseCount("1000")).isEqualTo(1000);
        assertThat(Quantity.parseCount("12.5M")).isEqualTo(12_500_000);
        assertThat(Quantity.parseCount("3G")).isEqualTo(3_000_000_000L);
        assertThat(Quantity.parseCount("2k")).isEqualTo(2000);
        assertThat(Quantity.parseCount("4Mi")).isEqualTo(4L << 20);
        assertThat(Quantity.parseCount("1ki")).isEqualTo(1024);
    }

    @Test
    void rejectsGarbageNegativeAndFractionalResults() {
        assertThatThrownBy(() -> Quantity.parseSize("lots")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Quantity.parseSize("")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Quantity.parseCount("-5")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Quantity.parseCount("1.0000001K")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Quantity.parseCount("99999999999T")).hasMessageContaining("too large");
    }
}
