package dev.kerf.emulator.device;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the NIC the way a DP8390 driver (Linux ne.c / 8390.c) does. */
class Ne2000Test {
    private static final int IO = 0x300, DATA = IO + 0x10;
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    private final FakeClock clock = new FakeClock();
    private final RecordingIrq irq = new RecordingIrq();
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private Ne2000 nic(List<PcapFrame> frames) throws IOException {
        return new Ne2000(clock, irq, new NetInput(frames), new PcapWriter(captured), 1_000_000_000_000L);
    }

    private static void reg(Ne2000 nic, int offset, int value) {
        nic.write(IO + offset, 1, value);
    }

    private static int reg(Ne2000 nic, int offset) {
        return nic.read(IO + offset, 1);
    }

    private static void init(Ne2000 nic) {
        nic.read(IO + 0x1F, 1);               // reset
        assertThat(reg(nic, 0x07) & 0x80).isEqualTo(0x80);
        reg(nic, 0x00, 0x21);                 // page 0, no DMA, stop
        reg(nic, 0x0E, 0x49);                 // word transfers
        reg(nic, 0x0A, 0);
        reg(nic, 0x0B, 0);
        reg(nic, 0x0C, 0x04);                 // accept broadcast
        reg(nic, 0x0D, 0x02);                 // internal loopback while setting up
        reg(nic, 0x04, 0x40);                 // TPSR
        reg(nic, 0x01, 0x46);                 // PSTART
        reg(nic, 0x02, 0x80);                 // PSTOP
        reg(nic, 0x03, 0x46);                 // BNRY
        reg(nic, 0x07, 0xFF);
        reg(nic, 0x0F, 0x00);
        reg(nic, 0x00, 0x61);                 // page 1
        for (int i = 0; i < 6; i++) {
            reg(nic, 1 + i, Ne2000.macAddress()[i] & 0xFF);
        }
        reg(nic, 0x07, 0x47);                 // CURR
        reg(nic, 0x00, 0x22);                 // page 0, start
        reg(nic, 0x07, 0xFF);
        reg(nic, 0x0F, 0x3F);
        reg(nic, 0x0D, 0x00);
    }

    private static byte[] remoteRead(Ne2000 nic, int address, int length) {
        reg(nic, 0x0A, length & 0xFF);
        reg(nic, 0x0B, length >> 8);
        reg(nic, 0x08, address & 0xFF);
        reg(nic, 0x09, address >> 8);
        reg(nic, 0x00, 0x0A);
        byte[] data = new byte[length];
        for (int i = 0; i < length; i += 2) {
            int w = nic.read(DATA, 2);
            data[i] = (byte) w;
            if (i + 1 < length) {
                data[i + 1] = (byte) (w >> 8);
            }
        }
        assertThat(reg(nic, 0x07) & 0x40).isEqualTo(0x40); // RDC
        reg(nic, 0x07, 0x40);
        return data;
    }

    private static void remoteWrite(Ne2000 nic, int address, byte[] data) {
        reg(nic, 0x0A, data.length & 0xFF);
        reg(nic, 0x0B, data.length >> 8);
        reg(nic, 0x08, address & 0xFF);
        reg(nic, 0x09, address >> 8);
        reg(nic, 0x00, 0x12);
        for (int i = 0; i < data.length; i += 2) {
            int hi = i + 1 < data.length ? data[i + 1] & 0xFF : 0;
            nic.write(DATA, 2, (data[i] & 0xFF) | hi << 8);
        }
        assertThat(reg(nic, 0x07) & 0x40).isEqualTo(0x40);
        reg(nic, 0x07, 0x40);
    }

    private static byte[] frame(byte[] destination, int length, int fill) {
        byte[] f = new byte[length];
        Arrays.fill(f, (byte) fill);
        System.arraycopy(destination, 0, f, 0, 6);
        return f;
    }

    @Test
    void promHoldsTheDoubledMacAddress() throws IOException {
        Ne2000 nic = nic(List.of());
        init(nic);
        reg(nic, 0x0E, 0x48); // byte transfers, as ne.c probes
        byte[] prom = new byte[32];
        reg(nic, 0x0A, 32);
        reg(nic, 0x0B, 0);
        reg(nic, 0x08, 0);
        reg(nic, 0x09, 0);
        reg(nic, 0x00, 0x0A);
        for (int i = 0; i < 32; i++) {
            prom[i] = (byte) nic.read(DATA, 1);
        }
        for (int i = 0; i < 6; i++) {
            assertThat(prom[2 * i]).isEqualTo(Ne2000.macAddress()[i]);
            assertThat(prom[2 * i + 1]).isEqualTo(Ne2000.macAddress()[i]);
        }
        assertThat(prom[28]).isEqualTo((byte) 0x57);
        assertThat(prom[30]).isEqualTo((byte) 0x57);
    }

    @Test
    void transmitCapturesTheFrameToPcap() throws IOException {
        Ne2000 nic = nic(List.of());
        init(nic);
        byte[] f = frame(BROADCAST, 64, 0x33);
        remoteWrite(nic, 0x4000, f);
        clock.now = 2_500_000;
        reg(nic, 0x04, 0x40);
        reg(nic, 0x05, 64);
        reg(nic, 0x06, 0);
        reg(nic, 0x00, 0x26);                 // TXP
        assertThat(reg(nic, 0x00) & 0x04).isZero();
        assertThat(reg(nic, 0x04) & 0x01).isEqualTo(1); // TSR.PTX
        assertThat(reg(nic, 0x07) & 0x02).isEqualTo(0x02);
        assertThat(irq.level).isTrue();
        reg(nic, 0x07, 0x02);
        assertThat(irq.level).isFalse();

        byte[] pcap = captured.toByteArray();
        ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(0xA1B2C3D4);
        assertThat(b.getInt(24)).isEqualTo(1000);    // epoch seconds
        assertThat(b.getInt(28)).isEqualTo(2500);    // + 2.5 ms
        assertThat(b.getInt(32)).isEqualTo(64);
        assertThat(Arrays.copyOfRange(pcap, 40, 104)).isEqualTo(f);
    }

    @Test
    void framesArriveInTheRingPacedByTheirTimestamps() throws IOException {
        List<PcapFrame> frames = new ArrayList<>();
        byte[] first = frame(BROADCAST, 42, 0x11);      // shorter than 60: padded
        byte[] second = frame(Ne2000.macAddress(), 300, 0x22);
        byte[] foreign = frame(new byte[] {2, 0, 0, 0, 0, 1}, 100, 0x44);
        frames.add(new PcapFrame(5_000_000_000L, first, 42));
        frames.add(new PcapFrame(5_000_000_000L + 1_000_000, foreign, 100));
        frames.add(new PcapFrame(5_000_000_000L + 2_000_000, second, 300));
        Ne2000 nic = nic(frames);

        nic.poll(0);
        assertThat(nic.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE); // stopped: the frame waits
        init(nic);
        assertThat(nic.nextDeadlineNanos()).isZero();
        nic.poll(clock.now);
        assertThat(reg(nic, 0x07) & 0x01).isEqualTo(1);
        assertThat(irq.level).isTrue();
        assertThat(nic.nextDeadlineNanos()).isEqualTo(1_000_000);

        reg(nic, 0x00, 0x62);
        int curr = reg(nic, 0x07);
        reg(nic, 0x00, 0x22);
        assertThat(curr).isEqualTo(0x48);
        byte[] header = remoteRead(nic, 0x4700, 4);
        assertThat(header[0]).isEqualTo((byte) 0x21);       // PRX | PHY (broadcast)
        assertThat(header[1]).isEqualTo((byte) 0x48);
        assertThat((header[2] & 0xFF) | (header[3] & 0xFF) << 8).isEqualTo(64);
        byte[] body = remoteRead(nic, 0x4704, 60);
        assertThat(Arrays.copyOf(body, 42)).isEqualTo(first);
        assertThat(body[59]).isZero();

        clock.now = 1_999_999;
        nic.poll(clock.now); // the foreign unicast is filtered out; the next is not due yet
        reg(nic, 0x00, 0x62);
        assertThat(reg(nic, 0x07)).isEqualTo(0x48);
        reg(nic, 0x00, 0x22);
        assertThat(nic.nextDeadlineNanos()).isEqualTo(2_000_000);

        clock.now = 2_000_000;
        nic.poll(clock.now);
        byte[] header2 = remoteRead(nic, 0x4800, 4);
        assertThat(header2[0]).isEqualTo((byte) 0x01);
        assertThat((header2[2] & 0xFF) | (header2[3] & 0xFF) << 8).isEqualTo(304);
        assertThat(header2[1]).isEqualTo((byte) 0x4A);
        assertThat(remoteRead(nic, 0x4804, 300)).isEqualTo(second);
        assertThat(nic.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void framesWaitWhileTheReceiverIsInMonitorMode() throws IOException {
        byte[] toUs = frame(Ne2000.macAddress(), 60, 0x33);
        Ne2000 nic = nic(List.of(new PcapFrame(0, toUs, 60)));
        nic.read(IO + 0x1F, 1);                                // reset, then set up as Linux's ne.c does:
        reg(nic, 0x0E, 0x49);                                  // word transfers
        reg(nic, 0x0C, 0x20);                                  // RCR: monitor (receiver off)
        reg(nic, 0x01, 0x46);
        reg(nic, 0x02, 0x80);
        remoteRead(nic, 0x0000, 32);                           // PROM read with CR.STA: the chip runs
        nic.poll(clock.now);
        assertThat(nic.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
        init(nic);                                             // PAR written, RCR = accept broadcast
        assertThat(nic.nextDeadlineNanos()).isZero();
        nic.poll(clock.now);
        assertThat(reg(nic, 0x07) & 0x01).as("ISR.PRX").isEqualTo(1);
        assertThat(remoteRead(nic, 0x4704, 60)).isEqualTo(toUs);
    }

    @Test
    void fullRingHoldsFramesAndSignalsOverwriteWarning() throws IOException {
        List<PcapFrame> frames = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            frames.add(new PcapFrame(i, frame(BROADCAST, 1000, i), 1000));
        }
        Ne2000 nic = nic(frames);
        init(nic);
        nic.poll(100);
        int isr = reg(nic, 0x07);
        assertThat(isr & 0x11).isEqualTo(0x11); // PRX and OVW
        assertThat(nic.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
        reg(nic, 0x00, 0x62);
        int curr = reg(nic, 0x07);
        reg(nic, 0x00, 0x22);
        reg(nic, 0x03, curr == 0x46 ? 0x7F : curr - 1); // the driver consumed everything
        assertThat(nic.nextDeadlineNanos()).isLessThanOrEqualTo(100);
        reg(nic, 0x07, 0xFF);
        nic.poll(100);
        assertThat(reg(nic, 0x07) & 0x01).isEqualTo(1);
    }

    @Test
    void multicastHashMatchesEtherCrc() {
        // 01:00:5e:00:00:01: Linux's ether_crc(6, addr) >> 26 is 31 (computed independently)
        byte[] allHosts = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
        assertThat(Ne2000.multicastHash(allHosts)).isEqualTo(31);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(allHosts, 0, 6);
        assertThat(Ne2000.multicastHash(allHosts)).isEqualTo(Integer.reverse(~(int) crc.getValue()) >>> 26);
    }
}
