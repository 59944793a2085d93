package dev.kerf.emulator.device;

import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class CmosTest {
    private static final long EPOCH = LocalDateTime.of(2024, 2, 29, 13, 45, 56).toEpochSecond(ZoneOffset.UTC);
    private final FakeClock clock = new FakeClock();
    private final RecordingIrq irq8 = new RecordingIrq();
    private final Cmos cmos = new Cmos(clock, irq8, EPOCH, 64L << 20);

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
        Cmos big = new Cmos(clock, IrqLine.NONE, EPOCH, 1L << 30);
        big.write(0x70, 1, 0x17);
        assertThat(big.read(0x71, 1)).isEqualTo(0xFF); // capped at 65535 KiB
    }

    @Test
    void periodicInterruptAtTheProgrammedRate() {
        assertThat(cmos.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
        cmos.write(0x70, 1, 0x0A);
        cmos.write(0x71, 1, 0x26); // rate 6: 1024 Hz, 32 ticks of 32.768 kHz
        cmos.write(0x70, 1, 0x0B);
        cmos.write(0x71, 1, 0x42); // PIE
        assertThat(cmos.nextDeadlineNanos()).isEqualTo(976_563L); // ceil(32 * 1e9 / 32768)
        cmos.poll(976_562L);
        assertThat(irq8.level).isFalse();
        cmos.poll(976_563L);
        assertThat(irq8.level).isTrue();
        assertThat(cmos.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE); // PF already pending
        assertThat(reg(0x0C)).isEqualTo(0xC0);
        assertThat(irq8.level).isFalse();
        assertThat(reg(0x0C)).isZero();
        assertThat(cmos.nextDeadlineNanos()).isEqualTo(1_953_125L);
        cmos.poll(10_000_000L); // several periods late: one event, next boundary after now
        assertThat(irq8.risingEdges).isEqualTo(2);
        assertThat(reg(0x0C)).isEqualTo(0xC0);
        assertThat(cmos.nextDeadlineNanos()).isEqualTo(10_742_188L);
    }

    @Test
    void updateEndedInterruptEverySecond() {
        clock.now = 300_000_000L;
        cmos.write(0x70, 1, 0x0B);
        cmos.write(0x71, 1, 0x12); // UIE
        assertThat(cmos.nextDeadlineNanos()).isEqualTo(1_000_000_000L);
        cmos.poll(1_000_000_000L);
        assertThat(irq8.level).isTrue();
        assertThat(reg(0x0C)).isEqualTo(0x90);
        clock.now = 5_500_000_000L; // read late without a poll: the events fold into this read
        assertThat(reg(0x0C)).isEqualTo(0x90);
        assertThat(cmos.nextDeadlineNanos()).isEqualTo(6_000_000_000L);
    }

    @Test
    void ramBytesAreKept() {
        cmos.write(0x70, 1, 0x40);
        cmos.write(0x71, 1, 0x99);
        assertThat(reg(0x40)).isEqualTo(0x99);
    }
}
