package dev.kerf.emulator.device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PcPlatformTest {
    @TempDir
    Path dir;
    private final FakeClock clock = new FakeClock();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private PcPlatform platform(byte[] input) throws IOException {
        return new PcPlatform(new PlatformConfig(64 << 20, clock, input == null ? null : new ByteArrayInputStream(input),
                console, null, null, null, 1_700_000_000L));
    }

    private static void initPic(PcPlatform pc) {
        int[][] sequence = {{0x20, 0x11}, {0xA0, 0x11}, {0x21, 0x20}, {0xA1, 0x28}, {0x21, 0x04}, {0xA1, 0x02},
                {0x21, 0x01}, {0xA1, 0x01}, {0x21, 0x00}, {0xA1, 0x00}};
        for (int[] w : sequence) {
            pc.out(w[0], 1, w[1]);
        }
    }

    @Test
    void debugExitStatusIsQemus() throws IOException {
        try (PcPlatform pc = platform(null)) {
            assertThat(pc.exitRequested()).isFalse();
            pc.out(0x3F8, 1, '!');
            pc.out(0xF4, 4, 0x31);
            assertThat(pc.exitRequested()).isTrue();
            assertThat(pc.exitStatus()).isEqualTo(0x63);
            assertThat(console.toString(StandardCharsets.US_ASCII)).isEqualTo("!"); // flushed at exit
        }
        try (PcPlatform pc = platform(null)) {
            pc.out(0xF4, 1, 0);
            assertThat(pc.exitStatus()).isEqualTo(1);
        }
    }

    @Test
    void unmappedPciAndPostPortsReadAllOnes() throws IOException {
        try (PcPlatform pc = platform(null)) {
            pc.out(0xCF8, 4, 0x80000000);
            assertThat(pc.in(0xCFC, 4)).isEqualTo(0xFFFFFFFF);
            assertThat(pc.in(0xCF8, 4)).isEqualTo(0xFFFFFFFF);
            pc.out(0x80, 1, 0x12);
            assertThat(pc.in(0x80, 1)).isEqualTo(0xFF);
            assertThat(pc.in(0x1234, 2)).isEqualTo(0xFFFF);
            assertThat(pc.in(0x92, 1) & 0x02).isEqualTo(0x02);
            pc.out(0x92, 1, 0x00);
            assertThat(pc.in(0x92, 1) & 0x02).isEqualTo(0x02);
            assertThat(pc.in(0x1F7, 1)).isZero(); // no disk
        }
    }

    @Test
    void wordAccessToAByteDeviceIsSplit() throws IOException {
        try (PcPlatform pc = platform(null)) {
            pc.out(0x70, 2, 0x0F15);          // index 0x15, then data 0x0F (to register 0x15)
            pc.out(0x70, 1, 0x15);
            assertThat(pc.in(0x71, 1)).isEqualTo(0x0F);
        }
    }

    @Test
    void timerInterruptReachesTheCpuThroughThePic() throws IOException {
        try (PcPlatform pc = platform(null)) {
            initPic(pc);
            pc.out(0x43, 1, 0x34);
            pc.out(0x40, 1, 0xA9);
            pc.out(0x40, 1, 0x04);              // 1193: ~1 kHz
            long deadline = pc.nextDeadlineNanos();
            assertThat(deadline).isEqualTo(PitTime.nanosAt(1193));
            clock.now = deadline;
            pc.poll();
            assertThat(pc.interruptRequested()).isTrue();
            assertThat(pc.acknowledgeInterrupt()).isEqualTo(0x20);
            assertThat(pc.interruptRequested()).isFalse();
            assertThat(pc.readTsc(0)).isEqualTo(deadline);
        }
    }

    @Test
    void maskedLatchedTimerDoesNotKeepTheMachineAwake() throws IOException {
        try (PcPlatform pc = platform(null)) {
            initPic(pc);
            pc.out(0x21, 1, 0x01);
            clock.now = pc.nextDeadlineNanos();
            pc.poll();
            assertThat(pc.interruptRequested()).isFalse();
            assertThat(pc.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
            // many periods later the guest unmasks: one latched request, then the next real period
            clock.now = 10 * PitTime.nanosAt(65536) + 5;
            pc.out(0x21, 1, 0x00);
            assertThat(pc.acknowledgeInterrupt()).isEqualTo(0x20);
            pc.out(0x20, 1, 0x20);
            assertThat(pc.interruptRequested()).isFalse();
            assertThat(pc.nextDeadlineNanos()).isEqualTo(PitTime.nanosAt(11 * 65536L));
        }
    }

    /** Runs a fake guest that polls COM1 for input and echoes it; returns (time, byte) of every receive. */
    private List<Long> echoRun(byte[] input) throws IOException {
        clock.now = 0;
        console.reset();
        List<Long> arrivals = new ArrayList<>();
        try (PcPlatform pc = platform(input)) {
            pc.out(0x3FC, 1, 0x0B);
            pc.out(0x3F9, 1, 0x01); // receive interrupt on: the guest waits for input when it idles
            for (int step = 0; step < 200 && !pc.exitRequested(); step++) {
                pc.idle();
                long deadline = pc.nextDeadlineNanos();
                clock.now = Math.min(deadline, clock.now + 50_000);
                pc.poll();
                while ((pc.in(0x3FD, 1) & 1) != 0) {
                    int b = pc.in(0x3F8, 1);
                    arrivals.add(clock.now);
                    if (b == 'q') {
                        pc.out(0xF4, 1, 7);
                    } else {
                        pc.out(0x3F8, 1, b);
                    }
                }
            }
            assertThat(pc.exitStatus()).isEqualTo(15);
        }
        return arrivals;
    }

    @Test
    void virtualConsoleInputIsRepeatable() throws IOException {
        byte[] input = "abc\nq".getBytes(StandardCharsets.US_ASCII);
        List<Long> first = echoRun(input);
        String firstOut = console.toString(StandardCharsets.US_ASCII);
        List<Long> second = echoRun(input);
        assertThat(second).isEqualTo(first).hasSize(5);
        assertThat(first.get(1) - first.get(0)).isGreaterThanOrEqualTo(SerialInput.BYTE_NANOS);
        assertThat(firstOut).isEqualTo("abc\n").isEqualTo(console.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void networkOutputIsFlushedOnCloseAndBadInputNamed() throws IOException {
        Path out = dir.resolve("out.pcap");
        new PcPlatform(new PlatformConfig(1 << 20, clock, null, null, null, null, out, 0)).close();
        assertThat(Files.size(out)).isEqualTo(24);
        Path bad = dir.resolve("bad.pcap");
        Files.write(bad, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> new PcPlatform(new PlatformConfig(1 << 20, clock, null, null, null, bad, null, 0)))
                .isInstanceOf(PcapFormatException.class).hasMessageContaining("bad.pcap").hasMessageContaining("byte 3");
        Path nowhere = dir.resolve("no/such/dir/out.pcap");
        assertThatThrownBy(() -> new PcPlatform(new PlatformConfig(1 << 20, clock, null, null, null, null, nowhere, 0)))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot create the network capture");
        Path missing = dir.resolve("missing.pcap");
        assertThatThrownBy(() -> new PcPlatform(new PlatformConfig(1 << 20, clock, null, null, null, missing, null, 0)))
                .isInstanceOf(IOException.class).hasMessageContaining("missing.pcap");
    }

    @Test
    void virtualClockCountsInstructionsAndIdleJumps() {
        long[] icount = {0};
        VirtualClock virtual = new VirtualClock(() -> icount[0]);
        icount[0] = 1000;
        assertThat(virtual.nanos()).isEqualTo(1000);
        virtual.idleUntil(5000);
        assertThat(virtual.nanos()).isEqualTo(5000);
        icount[0] = 1010;
        assertThat(virtual.nanos()).isEqualTo(5010);
        virtual.idleUntil(10);
        assertThat(virtual.nanos()).isEqualTo(5010);
        assertThatThrownBy(() -> virtual.idleUntil(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostClockWakesEarly() throws InterruptedException {
        HostClock host = new HostClock();
        Thread waker = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            host.wakeUp();
        });
        waker.start();
        long before = host.nanos();
        host.idleUntil(before + 60_000_000_000L);
        assertThat(host.nanos() - before).isLessThan(30_000_000_000L);
        waker.join();
    }
}
