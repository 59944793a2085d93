package dev.kerf.emulator.device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PcPlatform#captureState()} and {@link PcPlatform#restoreState(byte[])}: each device driven
 * through its ports into a state off its power-on one, captured, restored into a fresh platform,
 * captured again (the same bytes), and then asked the same questions (port reads, with their side
 * effects, interrupts, deadlines, more time) as the original: the same answers. Then hostile bytes.
 */
class DeviceStateTest {
    private static final int DISK_SECTORS = 64;
    /** Offsets of the documented layout (docs/formats.md, "Device state"), with an empty receive FIFO. */
    private static final int PIC_MASTER = 1, PIC_SLAVE = 10, PIT = 19, PIT_CHANNEL = 36, PORT_B = 135, UART = 136;
    private static final int UART_EMPTY = 25, CMOS_SIZE = 154, ATA_SIZE = 545, NE2000_SIZE = 32_802;

    @TempDir
    Path dir;
    private final FakeClock clock = new FakeClock();

    private PcPlatform platform(boolean disk) throws IOException {
        Path image = null;
        if (disk) {
            image = dir.resolve("disk.img");
            if (!Files.exists(image)) {
                byte[] data = new byte[DISK_SECTORS * 512];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (i * 7 + i / 512);
                }
                Files.write(image, data);
            }
        }
        return new PcPlatform(new PlatformConfig(32 << 20, clock, null, null, image, null, null, 1_767_225_600L));
    }

    /** Drives {@code drive} into a fresh platform, restores its state into another, and compares both. */
    private void roundTrip(boolean disk, Consumer<PcPlatform> drive, Consumer<Probe> probe) throws IOException {
        clock.now = 0;
        try (PcPlatform original = platform(disk); PcPlatform fresh = platform(disk); PcPlatform restored = platform(disk)) {
            drive.accept(original);
            byte[] state = original.captureState();
            assertThat(state).as("the drive changed the state").isNotEqualTo(fresh.captureState());
            restored.restoreState(state);
            assertThat(restored.captureState()).as("restore then capture").isEqualTo(state);
            Probe a = new Probe(original), b = new Probe(restored);
            long captured = clock.now;
            probe.accept(a);
            clock.now = captured; // the second platform is asked from the same time on
            probe.accept(b);
            assertThat(b.answers).as("the restored platform answers as the original").isEqualTo(a.answers);
            assertThat(a.answers).isNotEmpty();
            assertThat(restored.captureState()).as("and is left in the same state").isEqualTo(original.captureState());
        }
    }

    /** Questions asked of a platform, answers kept in order. */
    private final class Probe {
        final PcPlatform pc;
        final List<Long> answers = new ArrayList<>();

        Probe(PcPlatform pc) {
            this.pc = pc;
        }

        Probe in(int port, int... more) {
            answers.add((long) pc.in(port, 1));
            for (int p : more) answers.add((long) pc.in(p, 1));
            return this;
        }

        Probe out(int port, int value) {
            pc.out(port, 1, value);
            return this;
        }

        /** INTR, the vector an INTA would get, and the next deadline. */
        Probe interrupts() {
            boolean intr = pc.interruptRequested();
            answers.add(intr ? 1L : 0L);
            if (intr) answers.add((long) pc.acknowledgeInterrupt());
            answers.add(pc.nextDeadlineNanos());
            return this;
        }

        /** Lets time pass on the shared clock (the probe of the second platform repeats it from the same start). */
        Probe at(long nanos) {
            clock.now = nanos;
            pc.poll();
            return this;
        }
    }

    private static void out(PcPlatform pc, int... portValuePairs) {
        for (int i = 0; i < portValuePairs.length; i += 2) pc.out(portValuePairs[i], 1, portValuePairs[i + 1]);
    }

    @Test
    void picPairInitialisedMaskedWithRequestsAndServiceRoundTrips() throws IOException {
        roundTrip(false, pc -> {
            out(pc, 0x20, 0x11, 0xA0, 0x11, 0x21, 0x30, 0xA1, 0x38, 0x21, 0x04, 0xA1, 0x02, 0x21, 0x01, 0xA1, 0x01);
            out(pc, 0x21, 0xE8, 0xA1, 0xEF, 0x4D1, 0x0C);
            clock.now = 60_000_000; // past the PIT's first edges (IRQ0)
            pc.poll();
            pc.acknowledgeInterrupt(); // IRQ0 in service
            clock.now = 120_000_000;
            pc.poll();                 // another IRQ0 request latched behind it
            out(pc, 0x70, 0x0B, 0x71, 0x42); // RTC periodic interrupt on: IRQ8 through the slave
            clock.now = 121_000_000;
            pc.poll();
            out(pc, 0x20, 0x0B, 0xA0, 0x0C); // master: read ISR; slave: poll command pending
            out(pc, 0x20, 0x11);             // master half-way through a new initialisation (ICW1 only)
        }, p -> p.in(0x20, 0x21, 0xA1, 0x4D0, 0x4D1).out(0x21, 0x30).in(0x21).out(0x21, 0x04).in(0xA0, 0xA0)
                .out(0x21, 0x01).interrupts().out(0x21, 0x00).interrupts().out(0x20, 0x20).interrupts()
                .at(200_000_000).interrupts().out(0x20, 0x0A).in(0x20).out(0xA0, 0x0B).in(0xA0));
    }

    @Test
    void pitChannelsWithLatchesMidReadAndHalfWrittenCountsRoundTrip() throws IOException {
        roundTrip(false, pc -> {
            out(pc, 0x43, 0x34, 0x40, 0xE8, 0x40, 0x03); // channel 0: mode 2, count 1000
            clock.now = 1_234_567;
            pc.poll();
            out(pc, 0x43, 0x00);                          // latch channel 0
            pc.in(0x40, 1);                               // ... and read its LSB only
            out(pc, 0x43, 0xB6, 0x42, 0x34);              // channel 2: mode 3, LSB written, MSB pending
            out(pc, 0x61, 0x03);                          // gate 2 up, speaker data on
            out(pc, 0x43, 0x58);                          // channel 1: mode 4, LSB only (no count yet)
            out(pc, 0x43, 0xE4);                          // read-back: status of channel 0 latched
        }, p -> p.in(0x40, 0x40, 0x40, 0x40, 0x40, 0x61, 0x42, 0x41).out(0x42, 0x12).in(0x42, 0x42, 0x61)
                .interrupts().at(2_500_000).in(0x40, 0x40, 0x61).interrupts().at(9_000_000).interrupts()
                .out(0x61, 0x00).in(0x61).out(0x61, 0x01).in(0x42, 0x42));
    }

    @Test
    void uartWithDivisorFifoBytesAndPendingInterruptsRoundTrips() throws IOException {
        roundTrip(false, pc -> {
            out(pc, 0x3FB, 0x80, 0x3F8, 0x03, 0x3F9, 0x01, 0x3FB, 0x1B); // divisor 0x0103, 8E1
            out(pc, 0x3FA, 0xC7, 0x3F9, 0x07, 0x3FC, 0x1B);             // FIFO (trigger 14), IER, loopback + OUT2
            for (int b : "snapshot".getBytes()) pc.out(0x3F8, 1, b);     // into the receive FIFO
            pc.in(0x3F8, 1);                                             // the FIFO's head moves off 0
            out(pc, 0x3FC, 0x0B, 0x3FF, 0x5A);                          // out of loopback, scratch
            clock.now = 50_000;
        }, p -> p.in(0x3FA, 0x3FD, 0x3FE, 0x3FB, 0x3FC, 0x3FF).interrupts().at(2_000_000).in(0x3FA).interrupts()
                .in(0x3F8, 0x3F8, 0x3FA, 0x3FD, 0x3F8, 0x3F8, 0x3F8, 0x3F8, 0x3F8, 0x3FD, 0x3FA)
                .out(0x3FB, 0x9B).in(0x3F8, 0x3F9).out(0x3FB, 0x1B).out(0x3F9, 0x02).in(0x3FA, 0x3FA));
    }

    @Test
    void cmosWithIndexRamAndPeriodicInterruptRoundTrips() throws IOException {
        roundTrip(false, pc -> {
            out(pc, 0x70, 0x40, 0x71, 0x99, 0x70, 0x0A, 0x71, 0x2A, 0x70, 0x0B, 0x71, 0x52); // rate 10, PIE + UIE
            clock.now = 1_700_000_000;
            pc.poll();
            out(pc, 0x70, 0x8C); // index: status C, NMI bit set
        }, p -> p.interrupts().in(0x71).interrupts().at(1_800_000_000).interrupts().in(0x71)
                .out(0x70, 0x40).in(0x71).out(0x70, 0x00).in(0x71).out(0x70, 0x04).in(0x71)
                .out(0x70, 0x0A).in(0x71).out(0x70, 0x17).in(0x71).at(2_100_000_000).out(0x70, 0x0C).in(0x71));
    }

    @Test
    void portsAAndBAndDebugExitRoundTrip() throws IOException {
        roundTrip(false, pc -> out(pc, 0x92, 0x81, 0x61, 0x02, 0xF4, 0x21),
                p -> p.in(0x92, 0x61).out(0x92, 0x00).in(0x92));
        try (PcPlatform a = platform(false); PcPlatform b = platform(false)) {
            a.out(0xF4, 4, 0x21);
            b.restoreState(a.captureState());
            assertThat(b.exitRequested()).isTrue();
            assertThat(b.exitStatus()).isEqualTo(0x43);
        }
    }

    @Test
    void ataInTheMiddleOfAReadRoundTrips() throws IOException {
        roundTrip(true, pc -> {
            out(pc, 0x3F6, 0x00, 0x1F6, 0xE0, 0x1F2, 0x02, 0x1F3, 0x05, 0x1F4, 0x00, 0x1F5, 0x00, 0x1F7, 0x20);
            for (int i = 0; i < 100; i++) pc.in(0x1F0, 2); // 200 bytes of the first sector
        }, p -> {
            p.in(0x3F6, 0x1F1, 0x1F2, 0x1F3, 0x1F4, 0x1F5, 0x1F6).interrupts().in(0x1F7).interrupts();
            for (int i = 0; i < 412; i++) p.answers.add((long) p.pc.in(0x1F0, 2)); // the rest, and into sector 6
            p.in(0x1F7, 0x1F2, 0x1F3);
        });
    }

    @Test
    void ne2000WithRingRegistersAndRemoteDmaMidTransferRoundTrips() throws IOException {
        roundTrip(false, pc -> {
            out(pc, 0x300, 0x21, 0x30E, 0x48, 0x301, 0x46, 0x302, 0x80, 0x303, 0x46, 0x304, 0x40, 0x30C, 0x04);
            out(pc, 0x300, 0x61, 0x301, 0x52, 0x302, 0x54, 0x307, 0x47, 0x308, 0x81, 0x30F, 0x10);  // page 1
            out(pc, 0x300, 0x22, 0x30F, 0x3F);                                                     // page 0, start
            out(pc, 0x30A, 0x10, 0x30B, 0x00, 0x308, 0x00, 0x309, 0x41, 0x300, 0x12);              // remote write 16
            for (int i = 0; i < 16; i++) pc.out(0x310, 1, 0xA0 + i);
            out(pc, 0x30A, 0x08, 0x30B, 0x00, 0x308, 0x04, 0x309, 0x41, 0x300, 0x0A);              // remote read 8
            pc.in(0x310, 1);
            pc.in(0x310, 1);                                                                       // 6 bytes left
        }, p -> p.in(0x300, 0x307, 0x308, 0x309, 0x310, 0x310, 0x310, 0x310, 0x310, 0x310, 0x307).interrupts()
                .out(0x307, 0x40).interrupts().out(0x300, 0x62).in(0x301, 0x302, 0x307, 0x308, 0x30F)
                .out(0x300, 0xA2).in(0x301, 0x302).out(0x300, 0x22).in(0x30C, 0x30A, 0x30B));
    }

    // ---- hostile bytes -------------------------------------------------------------------------

    /** A state with something in every device, and the platform it came from. */
    private byte[] busyState() throws IOException {
        try (PcPlatform pc = platform(false)) {
            out(pc, 0x20, 0x11, 0x21, 0x20, 0x21, 0x04, 0x21, 0x01, 0x43, 0x34, 0x40, 0x10, 0x40, 0x00);
            out(pc, 0x3FC, 0x18, 0x3F8, 'x', 0x3FC, 0x08, 0x70, 0x0B, 0x71, 0x42, 0x300, 0x21, 0x30A, 0x05);
            return pc.captureState();
        }
    }

    @Test
    void theLayoutIsTheDocumentedOne() throws IOException {
        byte[] state = busyState();
        assertThat(state.length).isEqualTo(1 + 18 + 3 * PIT_CHANNEL + 8 + 1 + UART_EMPTY + 1 + CMOS_SIZE + 1 + 5
                + ATA_SIZE + NE2000_SIZE);
        assertThat(state[0]).isEqualTo((byte) PcPlatform.STATE_VERSION);
        assertThat(state[PIC_MASTER + 4]).as("master vector base (ICW2)").isEqualTo((byte) 0x20);
        assertThat(state[PIC_SLAVE + 4]).as("slave vector base at power-on").isEqualTo((byte) 0x70);
        assertThat(Arrays.copyOfRange(state, PIT + 4, PIT + 8)).as("channel 0 count").containsExactly(0, 0, 0, 0x10);
        assertThat(state[UART]).as("one byte in the receive FIFO").isEqualTo((byte) 1);
        assertThat(state[UART + 1]).isEqualTo((byte) 'x');
        int cmos = UART + UART_EMPTY + 1;
        assertThat(state[cmos + 8 + 0x0B]).as("CMOS status B").isEqualTo((byte) 0x42);
        int nic = cmos + CMOS_SIZE + 1 + 5 + ATA_SIZE;
        assertThat(state[nic + 13 + 4 + 1]).as("NE2000 RBCR low").isEqualTo((byte) 0x05);
    }

    @Test
    void everyTruncationIsATypedErrorNamingTheDeviceAndOffsetAndChangesNothing() throws IOException {
        byte[] state = busyState();
        try (PcPlatform target = platform(false)) {
            target.out(0x3FF, 1, 0x77);
            byte[] before = target.captureState();
            // Every length through the ATA's registers (every field boundary and inside of every
            // multi-byte field), then a sample of the bulk buffers, then the last bytes.
            int[] starts = fieldStarts();
            List<String> wrong = new ArrayList<>();
            for (int length = 0; length < state.length; length += length < 1_200 || length > state.length - 64 ? 1 : 101) {
                byte[] cut = Arrays.copyOf(state, length);
                int fieldStart = 0;
                for (int f : starts) {
                    if (f <= length) fieldStart = f;
                }
                try {
                    target.restoreState(cut);
                    wrong.add("cut at " + length + " was accepted");
                } catch (DeviceStateException e) {
                    String prefix = "device state: " + e.device() + " at byte " + fieldStart + ": truncated";
                    if (e.offset() != fieldStart || !e.getMessage().startsWith(prefix)) {
                        wrong.add("cut at " + length + ": " + e.getMessage());
                    }
                }
                if (length % 97 == 0 || length > state.length - 40) {
                    assertThat(target.captureState()).as("unchanged after the cut at %d", length).isEqualTo(before);
                }
            }
            assertThat(wrong).isEmpty();
        }
    }

    /** Field start offsets of busyState()'s layout, enough to tell where a cut field began. */
    private static int[] fieldStarts() {
        List<Integer> s = new ArrayList<>();
        int at = 0;
        int[] layout = layout();
        for (int size : layout) {
            s.add(at);
            at += size;
        }
        s.add(at);
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Field sizes in order, for the busy state (one byte in the UART FIFO). */
    private static int[] layout() {
        List<Integer> f = new ArrayList<>();
        f.add(1);
        for (int i = 0; i < 18; i++) f.add(1);
        for (int c = 0; c < 3; c++) {
            for (int size : new int[] {1, 1, 1, 1, 4, 8, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 8, 1}) f.add(size);
        }
        f.add(8);
        f.add(1);                                       // port B
        f.add(1);                                       // UART FIFO count
        f.add(1);                                       // its byte (read as one block)
        for (int size : new int[] {8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 4}) f.add(size);
        f.add(8);                                       // CMOS epoch
        for (int i = 0; i < 128; i++) f.add(1);
        for (int size : new int[] {1, 1, 8, 8}) f.add(size);
        f.add(1);                                       // port A
        f.add(1);                                       // debug-exit
        f.add(4);
        f.add(1);                                       // ATA
        f.add(8);
        for (int i = 0; i < 12; i++) f.add(1);
        for (int size : new int[] {2, 8, 2, 512}) f.add(size);
        for (int i = 0; i < 13; i++) f.add(1);          // NE2000
        for (int i = 0; i < 3; i++) f.add(2);
        for (int i = 0; i < 15; i++) f.add(1);
        f.add(32_768);
        return f.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void cutsNameTheDeviceTheyFallIn() throws IOException {
        byte[] state = busyState();
        int uartEnd = UART + UART_EMPTY + 1;
        Object[][] cases = {{0, "header"}, {PIC_MASTER + 3, "PIC master"}, {PIC_SLAVE, "PIC slave"}, {PIT + 2, "PIT channel 0"},
            {PIT + PIT_CHANNEL + 5, "PIT channel 1"}, {PIT + 3 * PIT_CHANNEL + 1, "PIT"}, {PORT_B, "port B"}, {UART + 3, "UART"},
            {uartEnd + 50, "CMOS"}, {uartEnd + CMOS_SIZE, "port A"}, {uartEnd + CMOS_SIZE + 2, "debug-exit"},
            {uartEnd + CMOS_SIZE + 6 + 300, "ATA"}, {uartEnd + CMOS_SIZE + 6 + ATA_SIZE + 100, "NE2000"}};
        try (PcPlatform target = platform(false)) {
            for (Object[] c : cases) {
                byte[] cut = Arrays.copyOf(state, (Integer) c[0]);
                assertThatThrownBy(() -> target.restoreState(cut)).isInstanceOfSatisfying(DeviceStateException.class,
                        e -> assertThat(e.device()).as("cut at %s", c[0]).isEqualTo(c[1]));
            }
        }
    }

    @Test
    void aWrongVersionTrailingBytesAndOutOfRangeFieldsAreTypedErrors() throws IOException {
        byte[] state = busyState();
        int cmos = UART + UART_EMPTY + 1;
        int ata = cmos + CMOS_SIZE + 1 + 5;
        try (PcPlatform target = platform(false)) {
            target.out(0x21, 1, 0x5A);
            byte[] before = target.captureState();
            assertRefused(target, with(state, 0, 1), "header", 0, "version 1, this kerf reads version 2");
            byte[] longer = Arrays.copyOf(state, state.length + 1);
            assertRefused(target, longer, "end", state.length, "1 trailing bytes after the last device");
            assertRefused(target, with(state, PIC_MASTER + 6, 4), "PIC master", PIC_MASTER + 6,
                    "init step 0x04 out of range 0x00..0x03");
            assertRefused(target, with(state, PIC_SLAVE + 4, 0x71), "PIC slave", PIC_SLAVE + 4,
                    "vector base 0x71 has bits outside 0xf8");
            assertRefused(target, with(state, PIC_SLAVE + 8, 0x01), "PIC slave", PIC_SLAVE + 8,
                    "ELCR 0x01 has bits outside 0xde");
            assertRefused(target, with(state, PIT + PIT_CHANNEL + 5, 0), "PIT channel 1", PIT + PIT_CHANNEL + 4,
                    "count 0 out of range 1..65536");
            assertRefused(target, with(state, PIT + 2 * PIT_CHANNEL, 6), "PIT channel 2", PIT + 2 * PIT_CHANNEL,
                    "mode 0x06 out of range 0x00..0x05");
            assertRefused(target, with(state, PIT + 3, 2), "PIT channel 0", PIT + 3, "BCD must be 0 or 1, not 2");
            assertRefused(target, with(state, UART, 17), "UART", UART, "receive FIFO count 0x11 out of range 0x00..0x10");
            assertRefused(target, with(state, UART + 21, 0x03), "UART", UART + 21,
                    "IIR 0x03 is no interrupt identification");
            assertRefused(target, with(state, UART + 22, 0x80), "UART", UART + 22,
                    "empty LSR reads in a row -2147483648 is negative");
            assertRefused(target, with(state, cmos + 8 + 128, 0x80), "CMOS", cmos + 8 + 128,
                    "index 0x80 out of range 0x00..0x7f");
            assertRefused(target, with(state, cmos, 0x7F), "CMOS", cmos,
                    "RTC epoch " + epochWithTopByte(state, cmos) + " s is outside the dates the RTC can show");
            assertRefused(target, with(state, cmos + CMOS_SIZE, 0x00), "port A", cmos + CMOS_SIZE,
                    "value 0x00: A20 (bit 1) must be set and bit 0 clear");
            assertRefused(target, with(state, ata + 1 + 8 + 8 + 3, 5), "ATA", ata + 20, "transfer kind 5 unknown (0..3)");
            assertRefused(target, with(state, ata + 21, 0x03), "ATA", ata + 21, "buffer position 768 out of range 0..512");
            assertThat(target.captureState()).as("nothing was restored").isEqualTo(before);
        }
    }

    private static long epochWithTopByte(byte[] state, int at) {
        long v = 0x7F;
        for (int i = 1; i < 8; i++) v = (v << 8) | (state[at + i] & 0xFF);
        return v;
    }

    private static byte[] with(byte[] state, int offset, int value) {
        byte[] copy = state.clone();
        copy[offset] = (byte) value;
        return copy;
    }

    private static void assertRefused(PcPlatform target, byte[] bad, String device, int offset, String problem) {
        assertThatThrownBy(() -> target.restoreState(bad)).isInstanceOfSatisfying(DeviceStateException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("device state: " + device + " at byte " + offset + ": " + problem);
            assertThat(e.device()).isEqualTo(device);
            assertThat(e.offset()).isEqualTo(offset);
        });
    }

    @Test
    void aBadFieldInTheLastDeviceLeavesEveryEarlierOneUnrestored() throws IOException {
        try (PcPlatform source = platform(false); PcPlatform target = platform(false)) {
            out(source, 0x21, 0x12, 0x3FF, 0x34, 0x70, 0x21, 0x92, 0x83);
            byte[] bad = Arrays.copyOf(source.captureState(), source.captureState().length - 1);
            byte[] before = target.captureState();
            assertThatThrownBy(() -> target.restoreState(bad)).isInstanceOf(DeviceStateException.class)
                    .hasMessageContaining("NE2000");
            assertThat(target.captureState()).isEqualTo(before);
            assertThat(target.in(0x21, 1)).as("the PIC mask was not restored").isEqualTo(0xB8);
            assertThat(target.in(0x3FF, 1)).isZero();
        }
    }

    @Test
    void aDiskMismatchIsRefusedWithOneLine() throws IOException {
        byte[] withDisk;
        byte[] without;
        try (PcPlatform d = platform(true); PcPlatform n = platform(false)) {
            withDisk = d.captureState();
            without = n.captureState();
        }
        try (PcPlatform n = platform(false)) {
            assertThatThrownBy(() -> n.restoreState(withDisk)).isInstanceOf(DeviceMismatchException.class)
                    .hasMessage("the snapshot's machine had a disk of 64 sectors; give that disk image again");
        }
        try (PcPlatform d = platform(true)) {
            assertThatThrownBy(() -> d.restoreState(without)).isInstanceOf(DeviceMismatchException.class)
                    .hasMessage("the snapshot's machine had no disk: resume it without one");
        }
        assertThatThrownBy(() -> PcPlatform.checkState(withDisk, 65)).isInstanceOf(DeviceMismatchException.class)
                .hasMessage("the snapshot's machine had a disk of 64 sectors; this disk image has 65");
        PcPlatform.checkState(withDisk, DISK_SECTORS);
        PcPlatform.checkState(without, -1);
    }

    @Test
    void aRestoredPlatformPacesNewConsoleInputFromItsStart() throws IOException {
        clock.now = 5_000_000;
        try (PcPlatform pc = new PcPlatform(new PlatformConfig(32 << 20, clock, new java.io.ByteArrayInputStream(
                new byte[] {'k'}), null, null, null, null, 0, 5_000_000))) {
            long timer = pc.nextDeadlineNanos(); // input is read only when the guest waits for it
            assertThat(timer).isGreaterThan(5_000_000 + SerialInput.BYTE_NANOS);
            pc.out(0x3F9, 1, 0x01); // receive interrupt on
            pc.out(0x3FC, 1, 0x08); // OUT2
            pc.idle();              // the CPU halts: the guest waits for input
            assertThat(pc.nextDeadlineNanos()).isEqualTo(5_000_000 + SerialInput.BYTE_NANOS);
        }
    }

    @Test
    void networkInputIsPacedFromThePlatformsStart() {
        byte[] frame = new byte[60];
        NetInput in = new NetInput(List.of(new PcapFrame(9_000, frame, 60), new PcapFrame(12_000, frame, 60)), 5_000_000);
        assertThat(in.nextDueNanos()).isEqualTo(5_000_000);
        assertThat(in.peek(4_999_999)).isNull();
        assertThat(in.peek(5_000_000)).isNotNull();
        in.consume();
        assertThat(in.nextDueNanos()).isEqualTo(5_003_000);
    }

    @Test
    void theConsoleMatcherFindsTextAcrossWritesAndOverlappingStarts() {
        ConsoleMatcher m = new ConsoleMatcher("aab".getBytes());
        for (byte b : "xaaa".getBytes()) m.accept(b);
        assertThat(m.found()).isFalse();
        m.accept('b');
        assertThat(m.found()).isTrue();
        ConsoleMatcher n = new ConsoleMatcher("abab".getBytes());
        for (byte b : "abaabab".getBytes()) n.accept(b);
        assertThat(n.found()).isTrue();
        ConsoleMatcher o = new ConsoleMatcher("abab".getBytes());
        for (byte b : "abaab".getBytes()) o.accept(b);
        assertThat(o.found()).isFalse();
    }
}
