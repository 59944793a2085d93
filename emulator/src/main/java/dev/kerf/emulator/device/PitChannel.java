package dev.kerf.emulator.device;

/**
 * One 8254 counter. Nothing is stepped: the counter's value and output are functions of
 * {@code tick - loadTick} (input ticks since the count was loaded), as QEMU's i8254 computes them.
 *
 * <p>Modes: 0 (interrupt on terminal count), 1 (one-shot; the gate is tied high on channels 0/1,
 * so it starts on load like QEMU), 2 (rate generator), 3 (square wave), 4 and 5 (strobes, 5 starts on
 * load), 6/7 alias 2/3. BCD counting is accepted and stored but counts in binary (as QEMU).
 * The read-back status never shows NULL COUNT (QEMU does not model it).
 *
 * <p>The gate (only channel 2's moves: port 0x61 bit 0; 0 and 1 are tied high) works as the
 * 8254's data sheet has it, where QEMU ignores it in modes 0 and 4: low suspends counting in modes
 * 0, 2, 3 and 4 (the count holds; in modes 2 and 3 OUT goes high), and a count loaded while it is
 * low waits for it. High again resumes modes 0 and 4 where they stopped and restarts modes 2 and
 * 3 from the full count. In modes 1 and 5 the gate is a trigger: a count loaded while it is low
 * waits with OUT high, and each rising edge (re)starts the count.
 */
final class PitChannel {
    static final long NEVER = Long.MAX_VALUE;

    private int mode = 2;
    private int accessMode = 3; // 1 = LSB, 2 = MSB, 3 = LSB then MSB
    private int controlBits = 0x34; // the control word's low 6 bits, for read-back
    private boolean bcd;
    private long count = 0x10000;
    private long loadTick;
    private boolean running;
    private boolean gate;
    /** Counting suspended by a low gate (modes 0, 2, 3, 4): the ticks counted so far, else -1. */
    private long heldElapsed = -1;
    /** Mode 1 or 5 loaded while the gate was low: waiting for a rising edge to start. */
    private boolean armed;

    private boolean writeHigh;   // next write is the MSB of an LSB/MSB pair
    private int writeLow;
    private boolean readHigh;    // next read is the MSB of an LSB/MSB pair
    private boolean latched;
    private int latchedValue;
    private int latchedBytesLeft;
    private boolean statusLatched;
    private int statusValue;

    PitChannel(boolean gate) {
        this.gate = gate;
    }

    /** Largest tick a clock can reach (its nanoseconds are a non-negative long). */
    static final long MAX_TICK = PitTime.ticksAt(Long.MAX_VALUE);

    /**
     * Snapshot state, 27 bytes: mode, access mode, control bits, BCD, count (int32, 1..65536),
     * load tick (int64), running, gate, write phase, low byte written, read phase, count latched,
     * latched value (uint16), latched bytes left, status latched, status value.
     */
    void save(StateWriter w) {
        w.u8(mode);
        w.u8(accessMode);
        w.u8(controlBits);
        w.bool(bcd);
        w.i32((int) count);
        w.i64(loadTick);
        w.bool(running);
        w.bool(gate);
        w.bool(writeHigh);
        w.u8(writeLow);
        w.bool(readHigh);
        w.bool(latched);
        w.u16(latchedValue);
        w.u8(latchedBytesLeft);
        w.bool(statusLatched);
        w.u8(statusValue);
        w.i64(heldElapsed);
        w.bool(armed);
    }

    void load(StateReader r) {
        mode = r.u8("mode", 0, 5);
        accessMode = r.u8("access mode", 1, 3);
        controlBits = r.bits("control bits", 0x3F);
        bcd = r.bool("BCD");
        int at = r.offset();
        int c = r.i32("count");
        if (c < 1 || c > 0x10000) {
            throw r.fail(at, "count " + c + " out of range 1..65536");
        }
        count = c;
        loadTick = r.i64("load tick", 0, MAX_TICK);
        running = r.bool("running");
        gate = r.bool("gate");
        writeHigh = r.bool("write phase");
        writeLow = r.u8("low byte written");
        readHigh = r.bool("read phase");
        latched = r.bool("count latched");
        latchedValue = r.u16("latched count");
        latchedBytesLeft = r.u8("latched bytes left", 0, 2);
        statusLatched = r.bool("status latched");
        statusValue = r.u8("status");
        heldElapsed = r.i64("ticks held by a low gate", -1, MAX_TICK);
        armed = r.bool("armed for a gate edge");
    }

    /** Starts counting like a BIOS-programmed channel (mode 2, count 65536) at tick 0. */
    void startAsBios(int mode) {
        this.mode = mode;
        this.controlBits = 0x30 | (mode << 1);
        this.count = 0x10000;
        this.loadTick = 0;
        this.running = true;
    }

    int mode() {
        return mode;
    }

    boolean running() {
        return running;
    }

    long count() {
        return count;
    }

    long loadTick() {
        return loadTick;
    }

    /** Control word for this channel (not a latch command, not read-back). */
    void control(int value, long tick) {
        int access = (value >> 4) & 3;
        if (access == 0) {
            latchCount(tick);
            return;
        }
        accessMode = access;
        mode = (value >> 1) & 7;
        if (mode >= 6) {
            mode -= 4;
        }
        bcd = (value & 1) != 0;
        controlBits = value & 0x3F;
        writeHigh = false;
        readHigh = false;
        running = false; // waits for a new count; mode 0 output goes low
        heldElapsed = -1;
        armed = false;
    }

    void latchCount(long tick) {
        if (!latched) {
            latched = true;
            latchedValue = currentCount(tick);
            latchedBytesLeft = accessMode == 3 ? 2 : 1;
        }
    }

    void latchStatus(long tick) {
        if (!statusLatched) {
            statusLatched = true;
            statusValue = (output(tick) ? 0x80 : 0) | controlBits; // NULL COUNT reads 0, as in QEMU
        }
    }

    /** A count byte written to the channel's port; true when a full count was loaded. */
    boolean writeCount(int value, long tick) {
        value &= 0xFF;
        switch (accessMode) {
            case 1 -> load(value, tick);
            case 2 -> load(value << 8, tick);
            default -> {
                if (!writeHigh) {
                    writeLow = value;
                    writeHigh = true;
                    return false;
                }
                writeHigh = false;
                load(writeLow | (value << 8), tick);
            }
        }
        return true;
    }

    int readCount(long tick) {
        if (statusLatched) {
            statusLatched = false;
            return statusValue;
        }
        int value = latched ? latchedValue : currentCount(tick);
        int accessNow = accessMode;
        int result;
        if (accessNow == 1) {
            result = value & 0xFF;
        } else if (accessNow == 2) {
            result = (value >> 8) & 0xFF;
        } else {
            result = readHigh ? (value >> 8) & 0xFF : value & 0xFF;
            readHigh = !readHigh;
        }
        if (latched && --latchedBytesLeft <= 0) {
            latched = false;
        }
        return result;
    }

    void setGate(boolean high, long tick) {
        if (high == gate) {
            return;
        }
        gate = high;
        if (!running) {
            return;
        }
        boolean trigger = mode == 1 || mode == 5;
        if (!high) {
            if (!trigger && heldElapsed < 0) {
                heldElapsed = tick - loadTick; // the count holds where it is
            }
        } else if (trigger || mode == 2 || mode == 3) {
            loadTick = tick; // (re)start from the full count
            heldElapsed = -1;
            armed = false;
        } else if (heldElapsed >= 0) {
            loadTick = tick - heldElapsed; // modes 0 and 4 go on where they stopped
            heldElapsed = -1;
        }
    }

    boolean gate() {
        return gate;
    }

    private void load(int value, long tick) {
        count = value == 0 ? 0x10000 : value;
        loadTick = tick;
        running = true;
        armed = !gate && (mode == 1 || mode == 5);
        heldElapsed = !gate && !armed ? 0 : -1;
    }

    /** Ticks counted since the load (frozen while the gate holds the count). */
    private long elapsed(long tick) {
        return heldElapsed >= 0 ? heldElapsed : tick - loadTick;
    }

    /** The counting element's value at {@code tick} (16 bits). */
    int currentCount(long tick) {
        if (!running || armed) {
            return (int) (count & 0xFFFF);
        }
        long d = elapsed(tick);
        long value = switch (mode) {
            case 2 -> count - (d % count);
            case 3 -> count - ((2 * d) % count);
            default -> count - d;
        };
        return (int) (value & 0xFFFF);
    }

    /** The OUT pin at {@code tick}. */
    boolean output(long tick) {
        if (!running) {
            return mode != 0;
        }
        if (armed || (heldElapsed >= 0 && (mode == 2 || mode == 3))) {
            return true;
        }
        long d = elapsed(tick);
        return switch (mode) {
            case 0 -> d >= count;
            case 1 -> d >= count;
            case 2 -> (d % count) != 0 || d == 0;
            case 3 -> (d % count) < ((count + 1) >> 1);
            default -> d != count; // 4, 5: low for one tick at terminal count
        };
    }

    /**
     * The first tick after {@code afterTick} at which OUT has a rising edge that interrupts
     * (IRQ0 on channel 0), or NEVER. Modes 2 and 3 rise at each period boundary; 0 and 1 once,
     * at terminal count; 4 and 5 once, one tick after it.
     */
    long nextRisingEdge(long afterTick) {
        if (!running || armed || heldElapsed >= 0) {
            return NEVER;
        }
        long d = afterTick - loadTick;
        return switch (mode) {
            case 2, 3 -> loadTick + (d < count ? count : (d / count + 1) * count);
            case 0, 1 -> d < count ? loadTick + count : NEVER;
            default -> d < count + 1 ? loadTick + count + 1 : NEVER;
        };
    }
}
