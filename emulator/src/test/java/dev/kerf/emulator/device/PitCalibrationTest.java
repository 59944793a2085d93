package dev.kerf.emulator.device;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Channel 2 and port 0x61 as Linux's TSC calibration drives them (arch/x86/kernel/tsc.c): the
 * gate set high through port 0x61, mode 0 (one-shot) programmed through 0x43/0x42, then either
 * the counter's MSB read unlatched until it steps (quick_pit_calibrate) or port 0x61 bit 5 (OUT2)
 * polled until the terminal count (pit_calibrate_tsc). kerf's TSC is the clock's nanoseconds, so
 * both must come out at 1000 MHz; the gate tests pin the 8254's gate rules the kernel's sequence
 * depends on.
 */
class PitCalibrationTest {
    private final FakeClock clock = new FakeClock();
    private final Pit8254 pit = new Pit8254(clock, new RecordingIrq());
    private final PortB portB = new PortB(clock, pit);

    /** outb((inb(0x61) & ~0x02) | 0x01, 0x61): gate high, speaker off. */
    private void gateHighSpeakerOff() {
        portB.write(0x61, 1, (portB.read(0x61, 1) & ~0x02) | 0x01);
    }

    /** Channel 2, LSB then MSB, mode 0, binary. */
    private void oneShot(int count) {
        pit.write(0x43, 1, 0xB0);
        pit.write(0x42, 1, count & 0xFF);
        pit.write(0x42, 1, count >> 8);
    }

    private int msb() {
        pit.read(0x42, 1); // the LSB, read and dropped as pit_verify_msb does
        return pit.read(0x42, 1);
    }

    private boolean out2() {
        return (portB.read(0x61, 1) & 0x20) != 0;
    }

    @Test
    void quickCalibrationSeesTheMsbStepEvery256TicksAndA1000MhzTsc() {
        clock.now = 12_345;
        gateHighSpeakerOff();
        oneShot(0xFFFF);
        int iterations = 200; // more than the kernel needs for its 500 ppm
        long[] firstSeen = new long[iterations + 1];
        int expect = 0;
        while (expect <= iterations) {
            int m = msb();
            assertThat(m).as("the MSB never skips a value").isBetween(0xFF - expect - 1, 0xFF - expect);
            if (m == 0xFF - expect) {
                if (firstSeen[expect] == 0) firstSeen[expect] = clock.now;
                clock.now += 37; // a polling loop's TSC reads between port reads
            } else {
                expect++;
            }
        }
        long tscDelta = firstSeen[iterations] - firstSeen[1];
        long pitTicks = 256L * (iterations - 1);
        double mhz = tscDelta * (double) PitTime.HZ / pitTicks / 1e6;
        assertThat(mhz).isBetween(999.9, 1000.1);
    }

    @Test
    void pitCalibrateTscSeesOut2RiseAfterTheLatchAndA1000MhzTsc() {
        clock.now = 777;
        gateHighSpeakerOff();
        int latch = (int) (PitTime.HZ / (1000 / 50)); // CAL_MS 50, as in the kernel's first try
        oneShot(latch);
        long start = clock.now;
        int loops = 0;
        while (!out2()) {
            clock.now += 53;
            loops++;
        }
        assertThat(loops).isGreaterThan(1000);
        double khz = (clock.now - start) / 50.0; // TSC cycles per millisecond, as tsc.c divides
        assertThat(khz).isBetween(999_000.0, 1_001_100.0);
        clock.now += 10_000_000;
        assertThat(out2()).as("mode 0 stays high after the terminal count: a one-shot").isTrue();
    }

    @Test
    void out2IsLowFromTheControlWordUntilTerminalCount() {
        gateHighSpeakerOff();
        oneShot(1000);
        clock.now = PitTime.nanosAt(1000);
        assertThat(out2()).isTrue();
        pit.write(0x43, 1, 0xB0); // reprogramming drops OUT at once
        assertThat(out2()).isFalse();
        pit.write(0x42, 1, 10);
        pit.write(0x42, 1, 0);
        clock.now = PitTime.nanosAt(PitTime.ticksAt(clock.now) + 9);
        assertThat(out2()).isFalse();
        clock.now = PitTime.nanosAt(PitTime.ticksAt(clock.now) + 1);
        assertThat(out2()).isTrue();
    }

    @Test
    void aLowGateHoldsTheMode0CountAndACountLoadedWhileLowWaitsForIt() {
        oneShot(1000); // gate low since power-on: the count waits
        clock.now = PitTime.nanosAt(400);
        assertThat(readLatched()).isEqualTo(1000);
        assertThat(out2()).isFalse();
        gateHighSpeakerOff(); // counting starts now, at tick 400
        clock.now = PitTime.nanosAt(700);
        assertThat(readLatched()).isEqualTo(700);
        portB.write(0x61, 1, 0x00); // gate low: held at 700
        clock.now = PitTime.nanosAt(5000);
        assertThat(readLatched()).isEqualTo(700);
        assertThat(out2()).isFalse();
        gateHighSpeakerOff(); // resumes: 700 left from tick 5000
        clock.now = PitTime.nanosAt(5699);
        assertThat(out2()).isFalse();
        clock.now = PitTime.nanosAt(5700);
        assertThat(out2()).isTrue();
    }

    @Test
    void mode2GateLowForcesOutHighAndTheRisingEdgeReloads() {
        pit.write(0x43, 1, 0xB4); // channel 2, mode 2
        pit.write(0x42, 1, 100);
        pit.write(0x42, 1, 0);
        gateHighSpeakerOff();
        clock.now = PitTime.nanosAt(30);
        assertThat(readLatched()).isEqualTo(70);
        portB.write(0x61, 1, 0x00);
        clock.now = PitTime.nanosAt(99);
        assertThat(out2()).isTrue();
        assertThat(readLatched()).isEqualTo(70);
        gateHighSpeakerOff();
        clock.now = PitTime.nanosAt(109);
        assertThat(readLatched()).isEqualTo(90);
    }

    @Test
    void mode1WaitsForTheGatesRisingEdgeWithOutHigh() {
        pit.write(0x43, 1, 0xB2); // channel 2, mode 1 (hardware one-shot)
        pit.write(0x42, 1, 50);
        pit.write(0x42, 1, 0);
        clock.now = PitTime.nanosAt(500);
        assertThat(out2()).isTrue();
        gateHighSpeakerOff(); // the trigger
        assertThat(out2()).isFalse();
        clock.now = PitTime.nanosAt(550);
        assertThat(out2()).isTrue();
    }

    @Test
    void portBReadsGateSpeakerRefreshAndOut2Only() {
        portB.write(0x61, 1, 0xFF);
        int v = portB.read(0x61, 1);
        assertThat(v & 0x03).isEqualTo(0x03);
        assertThat(v & 0xCC).isZero(); // no parity/IOCHK status, enables not stored
        int refresh = v & 0x10;
        clock.now += 15_085;
        assertThat(portB.read(0x61, 1) & 0x10).isNotEqualTo(refresh);
    }

    private int readLatched() {
        pit.write(0x43, 1, 0x80); // latch channel 2
        return pit.read(0x42, 1) | pit.read(0x42, 1) << 8;
    }
}
