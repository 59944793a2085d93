package dev.kerf.emulator.device;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Pit8254Test {
    private final FakeClock clock = new FakeClock();
    private final RecordingIrq irq0 = new RecordingIrq();
    private final Pit8254 pit = new Pit8254(clock, irq0);

    private void program(int channel, int mode, int count) {
        pit.write(0x43, 1, (channel << 6) | 0x30 | (mode << 1));
        pit.write(0x40 + channel, 1, count & 0xFF);
        pit.write(0x40 + channel, 1, count >> 8);
    }

    private int readCount(int channel) {
        pit.write(0x43, 1, channel << 6); // counter latch
        return pit.read(0x40 + channel, 1) | (pit.read(0x40 + channel, 1) << 8);
    }

    @Test
    void startsLikeABiosAt18Hz() {
        assertThat(pit.nextDeadlineNanos()).isEqualTo(PitTime.nanosAt(65536));
        assertThat(pit.nextDeadlineNanos()).isBetween(54_925_000L, 54_926_000L);
    }

    @Test
    void mode2PeriodAndIrqDeadlines() {
        clock.now = 1_000;
        long loadTick = PitTime.ticksAt(1_000);
        program(0, 2, 1193);
        long first = PitTime.nanosAt(loadTick + 1193);
        assertThat(pit.nextDeadlineNanos()).isEqualTo(first);
        assertThat(first - 1_000).isBetween(999_000L, 1_001_000L);

        clock.now = first - 1;
        pit.poll(clock.now);
        assertThat(irq0.risingEdges).isZero();
        clock.now = first;
        pit.poll(clock.now);
        assertThat(irq0.risingEdges).isEqualTo(1);
        assertThat(irq0.level).isFalse(); // a pulse: the next edge can latch again
        assertThat(pit.nextDeadlineNanos()).isEqualTo(PitTime.nanosAt(loadTick + 2 * 1193));

        // three periods missed: one coalesced edge, deadline after now
        clock.now = PitTime.nanosAt(loadTick + 5 * 1193) + 10;
        pit.poll(clock.now);
        assertThat(irq0.risingEdges).isEqualTo(2);
        assertThat(pit.nextDeadlineNanos()).isEqualTo(PitTime.nanosAt(loadTick + 6 * 1193));
    }

    @Test
    void mode2CountsDownAndReloads() {
        program(0, 2, 1000);
        clock.now = PitTime.nanosAt(300);
        assertThat(readCount(0)).isEqualTo(700);
        clock.now = PitTime.nanosAt(1300);
        assertThat(readCount(0)).isEqualTo(700);
    }

    @Test
    void mode3CountsByTwoWithTheSamePeriod() {
        program(0, 3, 1000);
        clock.now = PitTime.nanosAt(100);
        assertThat(readCount(0)).isEqualTo(800);
        assertThat(pit.nextDeadlineNanos()).isEqualTo(PitTime.nanosAt(1000));
        clock.now = PitTime.nanosAt(1000);
        pit.poll(clock.now);
        assertThat(irq0.risingEdges).isEqualTo(1);
        assertThat(pit.nextDeadlineNanos()).isEqualTo(PitTime.nanosAt(2000));
    }

    @Test
    void mode0FiresOnce() {
        program(0, 0, 500);
        clock.now = PitTime.nanosAt(500);
        pit.poll(clock.now);
        assertThat(irq0.risingEdges).isEqualTo(1);
        assertThat(pit.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
        clock.now = PitTime.nanosAt(5000);
        pit.poll(clock.now);
        assertThat(irq0.risingEdges).isEqualTo(1);
    }

    @Test
    void controlWordStopsChannelUntilCountWritten() {
        pit.write(0x43, 1, 0x34);
        assertThat(pit.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
        pit.write(0x40, 1, 0x10);
        assertThat(pit.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE); // only the LSB so far
        pit.write(0x40, 1, 0x00);
        assertThat(pit.nextDeadlineNanos()).isEqualTo(PitTime.nanosAt(16));
    }

    @Test
    void latchHoldsValueWhileTimePasses() {
        program(0, 2, 1000);
        clock.now = PitTime.nanosAt(100);
        pit.write(0x43, 1, 0x00);
        clock.now = PitTime.nanosAt(400);
        int lo = pit.read(0x40, 1);
        int hi = pit.read(0x40, 1);
        assertThat(lo | hi << 8).isEqualTo(900);
        assertThat(readCount(0)).isEqualTo(600);
    }

    @Test
    void lowByteOnlyAccessAndReadBackStatus() {
        pit.write(0x43, 1, 0x54); // channel 1, LSB only, mode 2
        pit.write(0x41, 1, 200);
        clock.now = PitTime.nanosAt(50);
        assertThat(pit.read(0x41, 1)).isEqualTo(150);
        pit.write(0x43, 1, 0xE4); // read-back: status only, channel 1
        assertThat(pit.read(0x41, 1)).isEqualTo(0x80 | 0x14);
    }

    @Test
    void channel2GateAndOutputThroughPortB() {
        PortB portB = new PortB(clock, pit);
        pit.write(0x43, 1, 0xB0); // channel 2, LSB/MSB, mode 0
        pit.write(0x42, 1, 100);
        pit.write(0x42, 1, 0);
        portB.write(0x61, 1, 0x01);
        assertThat(portB.read(0x61, 1) & 0x21).isEqualTo(0x01);
        clock.now = PitTime.nanosAt(100);
        assertThat(portB.read(0x61, 1) & 0x20).isEqualTo(0x20);
        assertThat(irq0.risingEdges).isZero();
    }

    @Test
    void tickConversionsAreExactAndOverflowFree() {
        for (long ticks : new long[] {0, 1, 1193, 1_193_182, 123_456_789_012L, 9_000_000_000_000L}) {
            long nanos = PitTime.nanosAt(ticks);
            assertThat(PitTime.ticksAt(nanos)).isEqualTo(ticks);
            if (nanos > 0) {
                assertThat(PitTime.ticksAt(nanos - 1)).isEqualTo(ticks - 1);
            }
        }
        assertThat(PitTime.ticksAt(Long.MAX_VALUE)).isPositive();
    }
}
