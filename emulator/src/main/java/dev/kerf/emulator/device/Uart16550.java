package dev.kerf.emulator.device;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A 16550A UART (COM1 at 0x3F8, IRQ4). Transmission is instantaneous: a byte written to THR goes
 * to the console output at once and THR/TSR are empty again (THRE and TEMT stay set). Receive
 * bytes come from a {@link SerialInput} into a 16-byte FIFO (1 byte with FIFOs off), only while
 * there is room; a virtual clock's input is read only when the guest waits for it ({@link #idle},
 * or {@link #POLLING_READS} LSR reads in a row that find nothing with the receive interrupt off).
 * The character-timeout interrupt fires 4 character times ({@code 4 * BYTE_NANOS}) after the last
 * FIFO activity when the FIFO holds fewer bytes than the trigger level.
 *
 * <p>The IRQ line is the interrupt-pending state gated by MCR.OUT2, as a PC's COM port wiring
 * does. QEMU does not gate, but its reset value of MCR has OUT2 set, and so does ours: a guest that
 * never touches MCR gets interrupts on both; one that writes MCR without OUT2 loses them here. Loopback (MCR bit 4) sends THR to the own
 * receiver and reflects MCR into MSR. Output is buffered and flushed at a newline, a full
 * buffer, {@link #flush()}, before input may block, and on {@link #close()}.
 */
public final class Uart16550 implements IoDevice {
    private static final int IIR_NONE = 0x01, IIR_MSI = 0x00, IIR_THRI = 0x02, IIR_RDI = 0x04, IIR_RLSI = 0x06,
            IIR_CTI = 0x0C;
    private static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_BI_PE_FE = 0x1C, LSR_THRE = 0x20, LSR_TEMT = 0x40;
    private static final int MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    private static final int FIFO_SIZE = 16;
    /** Empty LSR reads in a row after which a guest without receive interrupts is taken to poll for input. */
    static final int POLLING_READS = 64;

    private final Clock clock;
    private final IrqLine irq;
    private final OutputStream out;
    private final byte[] outBuffer = new byte[4096];
    private int outCount;
    private boolean outputBroken;
    private SerialInput input = SerialInput.NONE;
    private ConsoleMatcher watch;

    private final int[] rxFifo = new int[FIFO_SIZE];
    private int rxHead, rxCount;
    private long timeoutAt = Long.MAX_VALUE;
    private boolean timeoutPending;
    private boolean thrPending;
    /**
     * LSR reads in a row (no other UART access between) that found the receiver empty: a guest
     * polling for input makes many, a driver checking its transmitter one or two.
     */
    private int emptyLsrReads;

    private int ier, lcr, mcr = MCR_OUT2, lsr = LSR_THRE | LSR_TEMT, msr = 0xB0, scr, fcr;
    private int divisor = 12; // 9600 baud until the guest programs it
    private int iir = IIR_NONE;

    /** @param out console output, or null to discard */
    public Uart16550(Clock clock, IrqLine irq, OutputStream out) {
        this.clock = clock;
        this.irq = irq;
        this.out = out;
    }

    /** Attaches the receive side; call before the machine runs. */
    public void attachInput(SerialInput input) {
        this.input = input;
    }

    /** Watches the bytes the guest transmits (not loopback), as the OUT writes them; null to stop. */
    void watch(ConsoleMatcher matcher) {
        this.watch = matcher;
    }

    /** Moves due input into the receive FIFO and raises a character timeout when one is due. */
    public void poll(long nanos) {
        while (rxCount < rxCapacity()) {
            int b = input.next(nanos);
            if (b < 0) {
                break;
            }
            receive(b, nanos);
        }
        if (fifoEnabled() && rxCount > 0 && !timeoutPending && nanos >= timeoutAt) {
            timeoutPending = true; // character timeout exists in FIFO mode only
        }
        updateIrq();
    }

    public long nextDeadlineNanos() {
        long deadline = rxCount < rxCapacity() ? input.nextDeadlineNanos() : Long.MAX_VALUE;
        if (fifoEnabled() && rxCount > 0 && !timeoutPending && (ier & 0x01) != 0) {
            deadline = Math.min(deadline, timeoutAt);
        }
        return deadline;
    }

    /**
     * The CPU halted with interrupts enabled. When the guest has the receive interrupt on (IER
     * bit 0, and OUT2 so it reaches the PIC) and has taken every byte it was given, it may be
     * waiting for the next one: the input is asked for it (under a virtual clock this is where the
     * console is read; see {@link VirtualSerialInput}).
     */
    public void idle(long nanos) {
        if ((ier & 0x01) != 0 && (mcr & MCR_OUT2) != 0 && rxCount == 0) {
            input.request(nanos);
        }
    }

    @Override
    public int read(int port, int size) {
        int reg = port & 7;
        boolean dlab = (lcr & 0x80) != 0;
        emptyLsrReads = reg == 5 && rxCount == 0 ? emptyLsrReads + 1 : 0;
        if (emptyLsrReads >= POLLING_READS && (ier & 0x01) == 0) {
            // A guest without receive interrupts that keeps reading LSR, nothing received,
            // nothing else done with the UART: it polls for input, so the input is asked for a byte.
            input.request(clock.nanos());
        }
        return switch (reg) {
            case 0 -> dlab ? divisor & 0xFF : readRbr();
            case 1 -> dlab ? (divisor >> 8) & 0xFF : ier;
            case 2 -> readIir();
            case 3 -> lcr;
            case 4 -> mcr;
            case 5 -> readLsr();
            case 6 -> readMsr();
            default -> scr;
        };
    }

    @Override
    public void write(int port, int size, int value) {
        emptyLsrReads = 0;
        int reg = port & 7;
        value &= 0xFF;
        boolean dlab = (lcr & 0x80) != 0;
        switch (reg) {
            case 0 -> {
                if (dlab) {
                    divisor = (divisor & 0xFF00) | value;
                } else {
                    transmit(value);
                }
            }
            case 1 -> {
                if (dlab) {
                    divisor = (divisor & 0x00FF) | (value << 8);
                } else {
                    writeIer(value);
                }
            }
            case 2 -> writeFcr(value);
            case 3 -> lcr = value;
            case 4 -> writeMcr(value);
            case 7 -> scr = value;
            default -> { } // LSR and MSR are read-only (factory test writes ignored)
        }
        updateIrq();
    }

    /**
     * Writes buffered console output through. If the host side fails (a closed pipe, as with
     * {@code kerf run ... | head}), output is dropped from then on, like a serial line with nothing
     * attached: the guest is not disturbed.
     */
    /** Bit 0: the divisor latch is selected (LCR.DLAB); bit 1: loopback (MCR.LOOP). What a replay keeps of COM1. */
    public int lineFlags() {
        return ((lcr & 0x80) != 0 ? 1 : 0) | ((mcr & MCR_LOOP) != 0 ? 2 : 0);
    }

    public void flush() {
        if (out == null || outCount == 0 || outputBroken) {
            outCount = 0;
            return;
        }
        try {
            out.write(outBuffer, 0, outCount);
            out.flush();
        } catch (IOException e) {
            outputBroken = true;
        } finally {
            outCount = 0;
        }
    }

    public void close() {
        flush();
    }

    /**
     * Snapshot state: the receive FIFO (count 0..16, at most 1 with FIFOs off, then that many
     * bytes, oldest first), character-timeout time (int64 nanos; max = none), timeout pending, THR
     * interrupt pending, IER, LCR, MCR, LSR, MSR, SCR, FCR, divisor (uint16), IIR. Host-side
     * things (the output stream and its buffer, the console input) are not state.
     */
    void save(StateWriter w) {
        w.u8(rxCount);
        for (int i = 0; i < rxCount; i++) {
            w.u8(rxFifo[(rxHead + i) % FIFO_SIZE]);
        }
        w.i64(timeoutAt);
        w.bool(timeoutPending);
        w.bool(thrPending);
        w.u8(ier);
        w.u8(lcr);
        w.u8(mcr);
        w.u8(lsr);
        w.u8(msr);
        w.u8(scr);
        w.u8(fcr);
        w.u16(divisor);
        w.u8(iir);
        w.i32(emptyLsrReads);
    }

    void load(StateReader r) {
        r.device("UART");
        int countAt = r.offset();
        int count = r.u8("receive FIFO count", 0, FIFO_SIZE);
        byte[] bytes = new byte[count];
        r.bytes(bytes, 0, count, "receive FIFO");
        long timeout = r.i64("character timeout", 0, Long.MAX_VALUE);
        boolean timeoutNow = r.bool("timeout pending");
        boolean thr = r.bool("THR interrupt pending");
        int newIer = r.bits("IER", 0x0F);
        int newLcr = r.u8("LCR");
        int newMcr = r.bits("MCR", 0x1F);
        int newLsr = r.u8("LSR");
        int newMsr = r.u8("MSR");
        int newScr = r.u8("SCR");
        int newFcr = r.bits("FCR", 0xC9);
        int newDivisor = r.u16("divisor");
        int iirAt = r.offset();
        int newIir = r.u8("IIR");
        if (newIir != IIR_NONE && newIir != IIR_MSI && newIir != IIR_THRI && newIir != IIR_RDI
                && newIir != IIR_RLSI && newIir != IIR_CTI) {
            throw r.fail(iirAt, String.format("IIR 0x%02x is no interrupt identification", newIir));
        }
        int pollsAt = r.offset();
        int polls = r.i32("empty LSR reads in a row");
        if (polls < 0) throw r.fail(pollsAt, "empty LSR reads in a row " + polls + " is negative");
        if ((newFcr & 0x01) == 0 && count > 1) {
            throw r.fail(countAt, "receive FIFO count " + count + " with FIFOs off (at most 1)");
        }
        for (int i = 0; i < count; i++) {
            rxFifo[i] = bytes[i] & 0xFF;
        }
        rxHead = 0;
        rxCount = count;
        timeoutAt = timeout;
        timeoutPending = timeoutNow;
        thrPending = thr;
        ier = newIer;
        lcr = newLcr;
        mcr = newMcr;
        lsr = newLsr;
        msr = newMsr;
        scr = newScr;
        fcr = newFcr;
        divisor = newDivisor;
        iir = newIir;
        emptyLsrReads = polls;
    }

    /** The divisor latch (115200 / divisor = baud); kept for completeness, pacing does not use it. */
    int divisor() {
        return divisor;
    }

    private boolean fifoEnabled() {
        return (fcr & 0x01) != 0;
    }

    private int rxCapacity() {
        return fifoEnabled() ? FIFO_SIZE : 1;
    }

    private void receive(int b, long nanos) {
        if (rxCount >= rxCapacity()) {
            lsr |= LSR_OE;
            return;
        }
        rxFifo[(rxHead + rxCount) % FIFO_SIZE] = b;
        rxCount++;
        lsr |= LSR_DR;
        timeoutAt = nanos + 4 * SerialInput.BYTE_NANOS;
    }

    private int readRbr() {
        if (rxCount == 0) {
            return 0;
        }
        int b = rxFifo[rxHead];
        rxHead = (rxHead + 1) % FIFO_SIZE;
        rxCount--;
        timeoutPending = false;
        if (rxCount == 0) {
            lsr &= ~LSR_DR;
            timeoutAt = Long.MAX_VALUE;
        } else {
            timeoutAt = clock.nanos() + 4 * SerialInput.BYTE_NANOS;
        }
        updateIrq();
        return b;
    }

    private int readIir() {
        int value = iir | ((fcr & 0x01) != 0 ? 0xC0 : 0);
        if ((iir & 0x0F) == IIR_THRI) {
            thrPending = false;
            updateIrq();
        }
        return value;
    }

    private int readLsr() {
        int value = lsr;
        lsr &= ~(LSR_OE | LSR_BI_PE_FE);
        updateIrq();
        return value;
    }

    private int readMsr() {
        int value = msr;
        msr &= 0xF0;
        updateIrq();
        return value;
    }

    private void transmit(int b) {
        thrPending = false;
        updateIrq(); // the line drops, so the next THRE is a fresh edge
        if ((mcr & MCR_LOOP) != 0) {
            receive(b, clock.nanos());
        } else {
            if (watch != null) {
                watch.accept(b);
            }
            emit(b);
        }
        thrPending = (ier & 0x02) != 0;
    }

    private void emit(int b) {
        if (out == null) {
            return;
        }
        outBuffer[outCount++] = (byte) b;
        if (b == '\n' || outCount == outBuffer.length) {
            flush();
        }
    }

    private void writeIer(int value) {
        int changed = (ier ^ value) & 0x0F;
        ier = value & 0x0F;
        if ((changed & 0x02) != 0) {
            thrPending = (ier & 0x02) != 0 && (lsr & LSR_THRE) != 0;
        }
    }

    private void writeFcr(int value) {
        if (((value ^ fcr) & 0x01) != 0 || (value & 0x02) != 0) {
            rxHead = 0;
            rxCount = 0;
            lsr &= ~LSR_DR;
            timeoutPending = false;
            timeoutAt = Long.MAX_VALUE;
        }
        fcr = value & 0xC9; // DMA mode and trigger bits are kept; clear bits self-reset
    }

    private void writeMcr(int value) {
        int old = mcr;
        mcr = value & 0x1F;
        if ((mcr & MCR_LOOP) != 0) {
            int lines = ((mcr & 0x02) << 3) | ((mcr & 0x01) << 5) | ((mcr & 0x04) << 4) | ((mcr & 0x08) << 4);
            int changed = (msr ^ lines) >> 4;
            int delta = (changed & 0x0B) | (((msr & ~lines) >> 4) & 0x04); // TERI: RI fell
            msr = lines | (msr & 0x0F) | delta;
        } else if ((old & MCR_LOOP) != 0) {
            msr = 0xB0 | (msr & 0x0F);
        }
    }

    private int rxTriggerLevel() {
        if ((fcr & 0x01) == 0) {
            return 1;
        }
        return switch (fcr >> 6) {
            case 0 -> 1;
            case 1 -> 4;
            case 2 -> 8;
            default -> 14;
        };
    }

    /** Recomputes IIR by 16550 priority and drives the IRQ line (gated by OUT2). */
    private void updateIrq() {
        int id = IIR_NONE;
        if ((ier & 0x04) != 0 && (lsr & (LSR_OE | LSR_BI_PE_FE)) != 0) {
            id = IIR_RLSI;
        } else if ((ier & 0x01) != 0 && timeoutPending) {
            id = IIR_CTI;
        } else if ((ier & 0x01) != 0 && rxCount >= rxTriggerLevel() && rxCount > 0) {
            id = IIR_RDI;
        } else if ((ier & 0x02) != 0 && thrPending) {
            id = IIR_THRI;
        } else if ((ier & 0x08) != 0 && (msr & 0x0F) != 0) {
            id = IIR_MSI;
        }
        iir = id;
        irq.set(id != IIR_NONE && (mcr & MCR_OUT2) != 0);
    }
}
