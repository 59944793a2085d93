package dev.kerf.emulator.device;

/**
 * One 8254 counter. Nothing is stepped: the counter's value and output are functions of
 * {@code tick - loadTick} (input ticks since the count was loaded), as QEMU's i8254 computes them.
 *
 * <p>Modes: 0 (interrupt on terminal count), 1 (one-shot; the gate is tied high on channels 0/1,
 * so it starts on load like QEMU), 2 (rate generator), 3 (square wave), 4 and 5 (strobes, 5 starts on
 * load), 6/7 alias 2/3. BCD counting is accepted and stored but counts in binary (as QEMU).
 * The read-back status never shows NULL COUNT (QEMU does not model it).
 * A gate going low does not pause the count (only channel 2 has a software gate, port 0x61);
 * a rising gate restarts modes 1, 2, 3 and 5.
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
        if (high && !gate && running && (mode == 1 || mode == 2 || mode == 3 || mode == 5)) {
            loadTick = tick;
        }
        gate = high;
    }

    boolean gate() {
        return gate;
    }

    private void load(int value, long tick) {
        count = value == 0 ? 0x10000 : value;
        loadTick = tick;
        running = true;
    }

    /** The counting element's value at {@code tick} (16 bits). */
    int currentCount(long tick) {
        if (!running) {
            return (int) (count & 0xFFFF);
        }
        long d = tick - loadTick;
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
        long d = tick - loadTick;
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
        if (!running) {
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
