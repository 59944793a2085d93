package dev.kerf.emulator.device;

/**
 * The Intel 8254 interval timer at 0x40-0x43: three {@link PitChannel}s fed by a 1.193182 MHz
 * input derived from the {@link Clock}; channel 0's OUT drives IRQ0, channel 2's gate and OUT are
 * on port 0x61 ({@link PortB}).
 *
 * <p>Time model: nothing is stepped per tick. {@link #poll(long)} compares the clock with the
 * next rising edge of channel 0's OUT and pulses IRQ0 once if one or more edges passed (missed
 * ticks coalesce, as the PIC's IRR would latch them anyway); {@link #nextDeadlineNanos()} is the
 * first nanosecond at which the next edge has happened. Like a BIOS-initialised PC, channel 0
 * starts in mode 2 with count 65536 (18.2 Hz).
 */
public final class Pit8254 implements IoDevice {
    private final Clock clock;
    private final IrqLine irq0;
    private final PitChannel[] channels = {new PitChannel(true), new PitChannel(true), new PitChannel(false)};
    private long nextIrqTick;

    public Pit8254(Clock clock, IrqLine irq0) {
        this.clock = clock;
        this.irq0 = irq0;
        channels[0].startAsBios(2);
        nextIrqTick = channels[0].nextRisingEdge(0);
    }

    /** Raises IRQ0's edge if channel 0's OUT rose since the last poll. */
    public void poll(long nanos) {
        if (nextIrqTick == PitChannel.NEVER) {
            return;
        }
        long tick = PitTime.ticksAt(nanos);
        if (tick >= nextIrqTick) {
            irq0.pulse();
            nextIrqTick = channels[0].nextRisingEdge(tick);
        }
    }

    public long nextDeadlineNanos() {
        return nextIrqTick == PitChannel.NEVER ? Long.MAX_VALUE : PitTime.nanosAt(nextIrqTick);
    }

    @Override
    public int read(int port, int size) {
        int index = port & 3;
        if (index == 3) {
            return 0xFF; // the control register is write-only
        }
        return channels[index].readCount(now());
    }

    @Override
    public void write(int port, int size, int value) {
        int index = port & 3;
        long tick = now();
        if (index < 3) {
            if (channels[index].writeCount(value, tick) && index == 0) {
                nextIrqTick = channels[0].nextRisingEdge(tick);
            }
            return;
        }
        int select = (value >> 6) & 3;
        if (select == 3) {
            readBack(value, tick);
            return;
        }
        channels[select].control(value, tick);
        if (select == 0 && (value & 0x30) != 0) {
            nextIrqTick = PitChannel.NEVER; // stopped until the new count arrives
        }
    }

    /** Read-back command: bits 1-3 select channels, bit 5 clear = latch count, bit 4 clear = latch status. */
    private void readBack(int value, long tick) {
        for (int i = 0; i < 3; i++) {
            if ((value & (2 << i)) == 0) {
                continue;
            }
            if ((value & 0x20) == 0) {
                channels[i].latchCount(tick);
            }
            if ((value & 0x10) == 0) {
                channels[i].latchStatus(tick);
            }
        }
    }

    /** Snapshot state: channels 0, 1, 2 ({@link PitChannel#save}), then the next IRQ0 edge tick (int64; max = never). */
    void save(StateWriter w) {
        for (PitChannel c : channels) {
            c.save(w);
        }
        w.i64(nextIrqTick);
    }

    void load(StateReader r) {
        for (int i = 0; i < 3; i++) {
            r.device("PIT channel " + i);
            channels[i].load(r);
        }
        r.device("PIT");
        int at = r.offset();
        long tick = r.i64("next IRQ0 tick");
        if (tick != PitChannel.NEVER && (tick < 0 || tick > PitChannel.MAX_TICK + 0x10001)) {
            throw r.fail(at, "next IRQ0 tick " + tick + " out of range");
        }
        nextIrqTick = tick;
    }

    /** Channel 2's gate (port 0x61 bit 0). */
    void setGate2(boolean high) {
        channels[2].setGate(high, now());
    }

    boolean gate2() {
        return channels[2].gate();
    }

    /** Channel 2's OUT pin now (port 0x61 bit 5). */
    boolean output2() {
        return channels[2].output(now());
    }

    private long now() {
        return PitTime.ticksAt(clock.nanos());
    }
}
