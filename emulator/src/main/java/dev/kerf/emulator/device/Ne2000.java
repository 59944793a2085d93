package dev.kerf.emulator.device;

import java.io.IOException;

/**
 * An NE2000-compatible ISA NIC (DP8390 core) at 0x300, IRQ9, behaving like QEMU's ne2k_isa.
 *
 * <p>Where QEMU departs from the datasheet, QEMU wins (it is the oracle guests are tested on):
 * PROM bytes 12-23 repeat MAC bytes 3-5 four times each, page 2 reads only PSTART/PSTOP (the rest
 * read 0), page 0 offsets 0x0A/0x0B read the RTL8029 ID 'P' 'C', the receive header's length
 * excludes the CRC. PortScriptQemuTest checks this against qemu-system-i386. One deliberate
 * difference: CR reads 0x21 (stopped) at power-on and after a reset, as the datasheet says;
 * QEMU's reads 0 at power-on.
 *
 * <p>Ports: base+0x00..0x0F the DP8390 registers (pages 0-2 selected by CR bits 6-7; byte access
 * only, wider accesses read all-ones), base+0x10 the remote-DMA data port (8 or 16 bits per access
 * by DCR.WTS, or 32 bits for a dword access), base+0x1F reset (a read resets the chip and sets
 * ISR.RST). Buffer memory: the 32-byte PROM at 0x0000 (MAC 52:54:00:12:34:56, each byte doubled,
 * 0x57 0x57 'W' word-mode signature at 28..31) and 32 KiB of RAM at 0x4000-0xBFFF (a 16 KiB ring
 * at pages 0x40-0x80, as drivers written for a real NE2000 use, fits inside); other addresses read
 * 0xFF.
 *
 * <p>Transmit: CR.TXP sends TBCR bytes from page TPSR to the {@link PcapWriter}, then sets TSR.PTX
 * and ISR.PTX. Receive: frames from the {@link NetInput} are filtered like the DP8390 (PAR unicast,
 * broadcast with RCR.AB, multicast by the MAR hash with RCR.AM, everything with RCR.PRO), padded
 * to 60 bytes and written into the ring at CURR behind a 4-byte header (RSR, next page, length =
 * frame + 4, without CRC, as QEMU). A due frame waits while the receiver is off (CR.STP, or
 * RCR.MON: monitor mode, which a real DP8390 would not buffer and Linux calls RXOFF) or the ring
 * lacks room for a maximal frame (QEMU's rule); the first time a frame waits for room, ISR.OVW is
 * set. Nothing is lost. Drivers start the chip during set-up (a remote-DMA read of the PROM sets
 * CR.STA) with RCR.MON on and PAR not yet written: without the MON rule, a frame due at power-on
 * would arrive then and be filtered out. The IRQ line is {@code ISR & IMR & 0x7F}.
 */
public final class Ne2000 implements IoDevice {
    public static final int BASE = 0x300;
    private static final int PROM_SIZE = 32, RAM_START = 0x4000, RAM_END = 0xC000;
    private static final int MAX_FRAME = 1514;
    private static final int RCR_MON = 0x20;
    private static final int CR_STP = 0x01, CR_TXP = 0x04, CR_RREAD = 0x08, CR_RWRITE = 0x10;
    private static final int ISR_PRX = 0x01, ISR_PTX = 0x02, ISR_OVW = 0x10, ISR_RDC = 0x40, ISR_RST = 0x80;
    private static final byte[] MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

    /** The NIC's MAC address (QEMU's default), a fresh copy. */
    public static byte[] macAddress() {
        return MAC.clone();
    }

    private final Clock clock;
    private final IrqLine irq;
    private final NetInput input;
    private final PcapWriter output;
    private long epochNanos;
    private final byte[] mem = new byte[RAM_END];

    private int cmd = CR_STP | 0x20, isr, imr, dcr, rcr, tcr, tsr, rsr;
    private int start, stop, bnry, curr, tpsr, tbcr, rsar, rbcr;
    private final int[] par = new int[6];
    private final int[] mar = new int[8];
    private boolean overflowSignalled;
    private IOException captureError;

    /**
     * @param input      frames to receive (NetInput.empty() for none)
     * @param output     capture of transmitted frames, or null to discard them
     * @param epochNanos wall time of machine start, for capture timestamps
     */
    Ne2000(Clock clock, IrqLine irq, NetInput input, PcapWriter output, long epochNanos) {
        this.clock = clock;
        this.irq = irq;
        this.input = input;
        this.output = output;
        this.epochNanos = epochNanos;
        for (int i = 0; i < 6; i++) {
            mem[2 * i] = MAC[i];
            mem[2 * i + 1] = MAC[i];
        }
        for (int i = 12; i < 24; i++) {
            mem[i] = MAC[3 + (i - 12) / 4]; // what QEMU's PROM holds there (its reset doubles twice)
        }
        for (int i = 28; i < 32; i++) {
            mem[i] = 0x57;
        }
        reset();
    }

    /** Delivers the frames that are due and fit. */
    public void poll(long nanos) {
        PcapFrame frame;
        while ((frame = input.peek(nanos)) != null) {
            if (!receiving()) {
                return;
            }
            if (ringFull()) {
                if (!overflowSignalled) {
                    overflowSignalled = true;
                    isr |= ISR_OVW;
                    updateIrq();
                }
                return;
            }
            overflowSignalled = false;
            input.consume();
            receive(frame.data());
        }
    }

    /** The receiver is on: started, not in monitor mode, and with a ring to write to. */
    private boolean receiving() {
        return (cmd & CR_STP) == 0 && (rcr & RCR_MON) == 0 && ringConfigured();
    }

    /** The first failure writing the output capture, or null. */
    IOException captureError() {
        return captureError;
    }

    /** When the next frame is due, unless it is waiting for the guest (stopped NIC or full ring). */
    public long nextDeadlineNanos() {
        if (!receiving() || ringFull()) {
            return Long.MAX_VALUE;
        }
        return input.nextDueNanos();
    }

    @Override
    public int read(int port, int size) {
        int offset = port - BASE;
        if (offset == 0x10) {
            return readData(size);
        }
        if (size != 1) {
            return IoBus.allOnes(size);
        }
        if (offset == 0x1F) {
            reset();
            return 0;
        }
        if (offset > 0x0F) {
            return 0xFF;
        }
        return offset == 0 ? cmd : Ne2000Registers.read(this, cmd >> 6, offset);
    }

    @Override
    public void write(int port, int size, int value) {
        int offset = port - BASE;
        if (offset == 0x10) {
            writeData(size, value);
        } else if (size == 1 && offset == 0) {
            writeCommand(value & 0xFF);
        } else if (size == 1 && offset <= 0x0F) {
            Ne2000Registers.write(this, cmd >> 6, offset, value & 0xFF);
        }
        // 0x1F writes (the other half of the reset handshake) and unused ports do nothing.
    }

    /**
     * Snapshot state, 32,802 bytes: CR, ISR, IMR, DCR, RCR, TCR, TSR, RSR, PSTART, PSTOP, BNRY,
     * CURR, TPSR (one byte each), TBCR, RSAR, RBCR (uint16 each), PAR0-5, MAR0-7, overflow signalled
     * (1 byte), then the 32 KiB buffer RAM (0x4000-0xBFFF; the PROM is fixed). Host-side things
     * (the input capture's position, the output capture) are not state.
     */
    void save(StateWriter w) {
        for (int v : new int[] {cmd, isr, imr, dcr, rcr, tcr, tsr, rsr, start >> 8, stop >> 8, bnry, curr, tpsr}) {
            w.u8(v);
        }
        w.u16(tbcr);
        w.u16(rsar);
        w.u16(rbcr);
        for (int v : par) {
            w.u8(v);
        }
        for (int v : mar) {
            w.u8(v);
        }
        w.bool(overflowSignalled);
        w.bytes(mem, RAM_START, RAM_END - RAM_START);
    }

    void load(StateReader r) {
        r.device("NE2000");
        cmd = r.u8("CR");
        isr = r.u8("ISR");
        imr = r.u8("IMR");
        dcr = r.u8("DCR");
        rcr = r.u8("RCR");
        tcr = r.u8("TCR");
        tsr = r.u8("TSR");
        rsr = r.u8("RSR");
        start = r.u8("PSTART") << 8;
        stop = r.u8("PSTOP") << 8;
        bnry = r.u8("BNRY");
        curr = r.u8("CURR");
        tpsr = r.u8("TPSR");
        tbcr = r.u16("TBCR");
        rsar = r.u16("RSAR");
        rbcr = r.u16("RBCR");
        for (int i = 0; i < par.length; i++) {
            par[i] = r.u8("PAR" + i);
        }
        for (int i = 0; i < mar.length; i++) {
            mar[i] = r.u8("MAR" + i);
        }
        overflowSignalled = r.bool("overflow signalled");
        r.bytes(mem, RAM_START, RAM_END - RAM_START, "buffer RAM");
    }

    /** Capture timestamps are {@code epochNanos + clock}; a resumed machine keeps the snapshot's epoch. */
    void setEpochNanos(long epochNanos) {
        this.epochNanos = epochNanos;
    }

    // ---- register file, accessed by Ne2000Registers ------------------------------------------

    int isr() { return isr; }
    int imr() { return imr; }
    int dcr() { return dcr; }
    int rcr() { return rcr; }
    int tcr() { return tcr; }
    int tsr() { return tsr; }
    int rsr() { return rsr; }
    int pageStart() { return start >> 8; }
    int pageStop() { return stop >> 8; }
    int bnry() { return bnry; }
    int curr() { return curr; }
    int tpsr() { return tpsr; }
    int rsar() { return rsar; }
    int par(int i) { return par[i]; }
    int mar(int i) { return mar[i]; }

    void setPageStart(int v) { start = v << 8; }
    void setPageStop(int v) { stop = v << 8; }
    void setBnry(int v) { bnry = v; }
    void setTpsr(int v) { tpsr = v; }
    void setTbcr(int v, boolean high) { tbcr = high ? (tbcr & 0xFF) | (v << 8) : (tbcr & 0xFF00) | v; }
    void setRsar(int v, boolean high) { rsar = high ? (rsar & 0xFF) | (v << 8) : (rsar & 0xFF00) | v; }
    void setRbcr(int v, boolean high) { rbcr = high ? (rbcr & 0xFF) | (v << 8) : (rbcr & 0xFF00) | v; }
    void setRcr(int v) { rcr = v; }
    void setTcr(int v) { tcr = v; }
    void setDcr(int v) { dcr = v; }
    void setPar(int i, int v) { par[i] = v; }
    void setCurr(int v) { curr = v; }
    void setMar(int i, int v) { mar[i] = v; }

    void setImr(int v) {
        imr = v;
        updateIrq();
    }

    void acknowledgeIsr(int bits) {
        isr &= ~(bits & 0x7F);
        updateIrq();
    }

    // ---- behaviour ----------------------------------------------------------------------------

    private void reset() {
        isr = ISR_RST;
        cmd |= CR_STP;
        updateIrq();
    }

    private void writeCommand(int value) {
        cmd = value;
        if ((value & CR_STP) != 0) {
            return;
        }
        isr &= ~ISR_RST;
        if ((value & (CR_RREAD | CR_RWRITE)) != 0 && rbcr == 0) {
            isr |= ISR_RDC; // a zero-length remote DMA completes at once
        }
        if ((value & CR_TXP) != 0) {
            transmit();
        }
        updateIrq();
    }

    private void transmit() {
        int index = tpsr << 8;
        if (index >= RAM_END) {
            index -= RAM_END - RAM_START;
        }
        if (output != null && captureError == null && index >= RAM_START && index + tbcr <= RAM_END) {
            try {
                output.write(epochNanos + clock.nanos(), mem, index, tbcr);
            } catch (IOException e) {
                captureError = e; // reported when the platform closes; the guest's send still succeeds
            }
        }
        tsr = 0x01; // PTX
        isr |= ISR_PTX;
        cmd &= ~CR_TXP;
    }

    private int readData(int size) {
        int bytes = size == 4 ? 4 : (dcr & 0x01) != 0 ? 2 : 1;
        int value = 0;
        for (int i = 0; i < bytes; i++) {
            value |= memRead(rsar + i) << (8 * i);
        }
        dmaAdvance(bytes);
        return value;
    }

    private void writeData(int size, int value) {
        int bytes = size == 4 ? 4 : (dcr & 0x01) != 0 ? 2 : 1;
        for (int i = 0; i < bytes; i++) {
            int address = rsar + i;
            if (address >= RAM_START && address < RAM_END) {
                mem[address] = (byte) (value >>> (8 * i));
            }
        }
        dmaAdvance(bytes);
    }

    private int memRead(int address) {
        if (address < PROM_SIZE || (address >= RAM_START && address < RAM_END)) {
            return mem[address] & 0xFF;
        }
        return 0xFF;
    }

    /** Remote DMA bookkeeping: the address wraps from PSTOP to PSTART; RDC when the count runs out. */
    private void dmaAdvance(int bytes) {
        rsar = (rsar + bytes) & 0xFFFF;
        if (rsar == stop) {
            rsar = start;
        }
        if (rbcr <= bytes) {
            rbcr = 0;
            isr |= ISR_RDC;
            updateIrq();
        } else {
            rbcr -= bytes;
        }
    }

    private boolean ringConfigured() {
        return start >= RAM_START && stop <= RAM_END && start < stop;
    }

    /** QEMU's rule: the ring must have room for a maximal frame plus its header. */
    private boolean ringFull() {
        int index = curr << 8;
        int boundary = bnry << 8;
        int avail = index < boundary ? boundary - index : (stop - start) - (index - boundary);
        return avail < MAX_FRAME + 4;
    }

    private void receive(byte[] frame) {
        if (frame.length < 6 || frame.length > MAX_FRAME + 4 || !accepts(frame)) {
            return;
        }
        int size = Math.max(frame.length, 60);
        int index = curr << 8;
        if (index >= RAM_END || index < RAM_START || start >= stop) {
            index = start;
        }
        int total = size + 4;
        int next = index + ((total + 4 + 255) & ~0xFF);
        if (next >= stop) {
            next -= stop - start;
        }
        rsr = 0x01 | ((frame[0] & 0x01) != 0 ? 0x20 : 0); // PRX, PHY for multi/broadcast
        mem[index] = (byte) rsr;
        mem[index + 1] = (byte) (next >> 8);
        mem[index + 2] = (byte) total;
        mem[index + 3] = (byte) (total >> 8);
        index += 4;
        for (int i = 0; i < size; i++) {
            if (index == stop) {
                index = start;
            }
            if (index >= RAM_END) {
                break;
            }
            mem[index++] = i < frame.length ? frame[i] : 0;
        }
        curr = next >> 8;
        isr |= ISR_PRX;
        updateIrq();
    }

    private boolean accepts(byte[] frame) {
        if ((rcr & 0x10) != 0) {
            return true; // promiscuous
        }
        boolean broadcast = true;
        for (int i = 0; i < 6; i++) {
            broadcast &= frame[i] == (byte) 0xFF;
        }
        if (broadcast) {
            return (rcr & 0x04) != 0;
        }
        if ((frame[0] & 0x01) != 0) {
            if ((rcr & 0x08) == 0) {
                return false;
            }
            int hash = multicastHash(frame);
            return (mar[hash >> 3] & (1 << (hash & 7))) != 0;
        }
        for (int i = 0; i < 6; i++) {
            if ((frame[i] & 0xFF) != par[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The DP8390 multicast hash: the top 6 bits of the Ethernet CRC-32 of the destination address,
     * computed most-significant-bit first without final inversion (Linux's ether_crc).
     */
    static int multicastHash(byte[] frame) {
        int crc = 0xFFFFFFFF;
        for (int i = 0; i < 6; i++) {
            int octet = frame[i];
            for (int bit = 0; bit < 8; bit++, octet >>= 1) {
                boolean feedback = (crc < 0) ^ ((octet & 1) != 0);
                crc <<= 1;
                if (feedback) {
                    crc ^= 0x04C11DB7;
                }
            }
        }
        return crc >>> 26;
    }

    private void updateIrq() {
        irq.set((isr & imr & 0x7F) != 0);
    }
}
