package dev.kerf.emulator.device;

import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class CmosTest {
    private static final long EPOCH = LocalDateTime.of(2024, 2, 29, 13, 45, 56).toEpochSecond(ZoneOffset.UTC);
    private final FakeClock clock = new FakeClock();
    private final Cmos cmos = new Cmos(clock, EPOCH, 64L << 20);

    private int reg(int index) {
        cmos.write(0x70, 1, index | 0x80); // NMI-disable bit set, as kernels do
        return cmos.read(0x71, 1);
    }

    @Test
    void timeIsBcdAndFollowsTheClock() {
        assertThat(reg(0x00)).isEqualTo(0x56);
        assertThat(reg(0x02)).isEqualTo(0x45);
        assertThat(reg(0x04)).isEqualTo(0x13);
        assertThat(reg(0x07)).isEqualTo(0x29);
        assertThat(reg(0x08)).isEqualTo(0x02);
        assertThat(reg(0x09)).isEqualTo(0x24);
        assertThat(reg(0x32)).isEqualTo(0x20);
        assertThat(reg(0x06)).isEqualTo(0x05); // Thursday (Sunday = 1)
        clock.now = 4_500_000_000L;
        assertThat(reg(0x00)).isEqualTo(0x00);
        assertThat(reg(0x02)).isEqualTo(0x46);
    }

    @Test
    void statusBSelectsBinaryAnd12Hour() {
        cmos.write(0x70, 1, 0x0B);
        cmos.write(0x71, 1, 0x04); // binary, 12-hour
        assertThat(reg(0x00)).isEqualTo(56);
        assertThat(reg(0x04)).isEqualTo(0x80 | 1);
    }

    @Test
    void updateInProgressOnlyNearTheSecondBoundary() {
        clock.now = 500_000_000L;
        assertThat(reg(0x0A) & 0x80).isZero();
        clock.now = 999_900_000L;
        assertThat(reg(0x0A) & 0x80).isEqualTo(0x80);
        clock.now = 1_000_000_000L;
        assertThat(reg(0x0A) & 0x80).isZero();
        assertThat(reg(0x0D)).isEqualTo(0x80);
    }

    @Test
    void memorySizeRegisters() {
        assertThat(reg(0x15) | reg(0x16) << 8).isEqualTo(640);
        assertThat(reg(0x17) | reg(0x18) << 8).isEqualTo(63 * 1024);
        assertThat(reg(0x30) | reg(0x31) << 8).isEqualTo(63 * 1024);
        assertThat(reg(0x34) | reg(0x35) << 8).isEqualTo(48 * 16);
        Cmos big = new Cmos(clock, EPOCH, 1L << 30);
        big.write(0x70, 1, 0x17);
        assertThat(big.read(0x71, 1)).isEqualTo(0xFF); // capped at 65535 KiB
    }

    @Test
    void ramBytesAreKept() {
        cmos.write(0x70, 1, 0x40);
        cmos.write(0x71, 1, 0x99);
        assertThat(reg(0x40)).isEqualTo(0x99);
    }
}
