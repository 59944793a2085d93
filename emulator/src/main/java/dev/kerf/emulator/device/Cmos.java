package dev.kerf.emulator.device;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * MC146818 CMOS RAM and real-time clock at 0x70 (index; bit 7 = NMI disable, stored and ignored)
 * and 0x71 (data).
 *
 * <p>The time is {@code rtcEpochSeconds + clock.nanos() / 1e9}, UTC, in BCD unless status B's DM
 * bit selects binary, 24-hour unless status B's 24/12 bit is clear (then bit 7 of the hour is PM).
 * Status A's update-in-progress bit is set during the last 244 µs of every clock second, so guests
 * that wait for an update edge see one and never spin forever. Writes to the time registers are
 * stored in RAM but do not set the clock. IRQ8: the periodic interrupt (status B PIE, rate from
 * status A, on the 32.768 kHz divider counted from machine start) and the update-ended interrupt
 * (UIE, each clock second) set status C's PF/UF and IRQF; the line stays high until status C is
 * read. No alarm interrupt.
 * The memory size registers (0x15-0x18, 0x30-0x31, 0x34-0x35) are filled from the RAM size like
 * QEMU does.
 */
public final class Cmos implements IoDevice {
    private static final long NS_PER_S = 1_000_000_000L;
    private static final long UIP_NANOS = 244_000;
    private static final int STATUS_A = 0x0A, STATUS_B = 0x0B, STATUS_C = 0x0C, STATUS_D = 0x0D;

    private static final int PIE = 0x40, UIE = 0x10, IRQF = 0x80;
    private static final long RTC_HZ = 32_768;

    private final Clock clock;
    private final IrqLine irq8;
    private long epochSeconds;
    private final int[] ram = new int[128];
    private int index;
    private int flags; // status C
    private long nextPeriodic = Long.MAX_VALUE;
    private long nextUpdate = Long.MAX_VALUE;

    public Cmos(Clock clock, IrqLine irq8, long epochSeconds, long ramBytes) {
        this.clock = clock;
        this.irq8 = irq8;
        this.epochSeconds = epochSeconds;
        ram[STATUS_A] = 0x26;
        ram[STATUS_B] = 0x02; // 24-hour, BCD
        ram[STATUS_D] = 0x80; // RAM and time valid
        fillMemorySize(ramBytes);
    }

    /**
     * Snapshot state, 154 bytes: RTC epoch (int64 seconds: the RTC time at clock 0), the 128 RAM
     * bytes (the time registers and status A's UIP bit are computed on read; what is stored is
     * what the guest last wrote there), index, status C flags (PF 0x40, UF 0x10), next periodic
     * and next update event (int64 nanos; max = none).
     */
    void save(StateWriter w) {
        w.i64(epochSeconds);
        for (int b : ram) {
            w.u8(b);
        }
        w.u8(index);
        w.u8(flags);
        w.i64(nextPeriodic);
        w.i64(nextUpdate);
    }

    void load(StateReader r) {
        r.device("CMOS");
        int at = r.offset();
        long epoch = r.i64("RTC epoch");
        try {
            LocalDateTime.ofEpochSecond(Math.addExact(epoch, Long.MAX_VALUE / NS_PER_S), 0, ZoneOffset.UTC);
            LocalDateTime.ofEpochSecond(epoch, 0, ZoneOffset.UTC);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw r.fail(at, "RTC epoch " + epoch + " s is outside the dates the RTC can show");
        }
        epochSeconds = epoch;
        for (int i = 0; i < ram.length; i++) {
            ram[i] = r.u8("RAM byte " + i);
        }
        index = r.u8("index", 0, 0x7F);
        flags = r.bits("status C flags", PIE | UIE);
        nextPeriodic = r.i64("next periodic event", 0, Long.MAX_VALUE);
        nextUpdate = r.i64("next update event", 0, Long.MAX_VALUE);
    }

    /** The RTC's time at clock 0, in seconds since 1970 (the NIC's capture timestamps use it too). */
    long epochSeconds() {
        return epochSeconds;
    }

    private void fillMemorySize(long ramBytes) {
        ram[0x15] = 640 & 0xFF;
        ram[0x16] = 640 >> 8;
        long extendedKb = Math.min(Math.max(ramBytes / 1024 - 1024, 0), 0xFFFF);
        ram[0x17] = ram[0x30] = (int) (extendedKb & 0xFF);
        ram[0x18] = ram[0x31] = (int) (extendedKb >> 8);
        long above16m = ramBytes > 16L << 20 ? Math.min((ramBytes - (16L << 20)) / 65536, 0xFFFF) : 0;
        ram[0x34] = (int) (above16m & 0xFF);
        ram[0x35] = (int) (above16m >> 8);
    }

    @Override
    public int read(int port, int size) {
        if ((port & 1) == 0) {
            return 0xFF; // the index port is write-only
        }
        return readRegister(index);
    }

    @Override
    public void write(int port, int size, int value) {
        if ((port & 1) == 0) {
            index = value & 0x7F;
            return;
        }
        switch (index) {
            case STATUS_A -> {
                ram[STATUS_A] = (ram[STATUS_A] & 0x80) | (value & 0x7F);
                schedule();
            }
            case STATUS_B -> {
                ram[STATUS_B] = value & 0xFF;
                schedule();
            }
            case STATUS_C, STATUS_D -> { } // read-only
            default -> ram[index] = value & 0xFF;
        }
    }

    /** Sets PF/UF for the periodic and update events that passed and drives IRQ8. */
    public void poll(long nanos) {
        if (nanos >= nextPeriodic) {
            flags |= PIE;
            nextPeriodic = nextBoundary(nanos, periodTicks());
        }
        if (nanos >= nextUpdate) {
            flags |= UIE;
            nextUpdate = (nanos / NS_PER_S + 1) * NS_PER_S;
        }
        updateIrq();
    }

    /** The next periodic or update event whose flag is not already pending, or Long.MAX_VALUE. */
    public long nextDeadlineNanos() {
        long deadline = (flags & PIE) == 0 ? nextPeriodic : Long.MAX_VALUE;
        return (flags & UIE) == 0 ? Math.min(deadline, nextUpdate) : deadline;
    }

    /** Recomputes the event times after status A or B changed. */
    private void schedule() {
        long now = clock.nanos();
        long period = periodTicks();
        nextPeriodic = (ram[STATUS_B] & PIE) != 0 && period > 0 ? nextBoundary(now, period) : Long.MAX_VALUE;
        nextUpdate = (ram[STATUS_B] & UIE) != 0 ? (now / NS_PER_S + 1) * NS_PER_S : Long.MAX_VALUE;
        updateIrq();
    }

    /** The periodic rate in 32.768 kHz ticks (status A bits 0-3; 1 and 2 act as 8 and 9), 0 = off. */
    private long periodTicks() {
        int rate = ram[STATUS_A] & 0x0F;
        if (rate == 0) {
            return 0;
        }
        if (rate <= 2) {
            rate += 7;
        }
        return 1L << (rate - 1);
    }

    /** The first time after {@code nanos} that is a multiple of {@code period} 32.768 kHz ticks. */
    private static long nextBoundary(long nanos, long period) {
        long ticks = (nanos / NS_PER_S) * RTC_HZ + (nanos % NS_PER_S) * RTC_HZ / NS_PER_S;
        long next = (ticks / period + 1) * period;
        return (next / RTC_HZ) * NS_PER_S + ((next % RTC_HZ) * NS_PER_S + RTC_HZ - 1) / RTC_HZ;
    }

    private void updateIrq() {
        boolean pending = (flags & ram[STATUS_B] & (PIE | UIE)) != 0;
        irq8.set(pending);
    }

    private int readStatusC() {
        poll(clock.nanos()); // events that passed since the last poll belong to this read
        boolean pending = (flags & ram[STATUS_B] & (PIE | UIE)) != 0;
        int value = flags | (pending ? IRQF : 0);
        flags = 0;
        updateIrq();
        return value;
    }

    private int readRegister(int reg) {
        long nanos = clock.nanos();
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSeconds + nanos / NS_PER_S, 0, ZoneOffset.UTC);
        return switch (reg) {
            case 0x00 -> encode(t.getSecond());
            case 0x02 -> encode(t.getMinute());
            case 0x04 -> encodeHour(t.getHour());
            case 0x06 -> encode(t.getDayOfWeek().getValue() % 7 + 1); // 1 = Sunday
            case 0x07 -> encode(t.getDayOfMonth());
            case 0x08 -> encode(t.getMonthValue());
            case 0x09 -> encode(t.getYear() % 100);
            case 0x32 -> encode(t.getYear() / 100 % 100);
            case STATUS_A -> (ram[STATUS_A] & 0x7F) | (nanos % NS_PER_S >= NS_PER_S - UIP_NANOS ? 0x80 : 0);
            case STATUS_C -> readStatusC();
            default -> ram[reg];
        };
    }

    private int encodeHour(int hour) {
        if ((ram[STATUS_B] & 0x02) != 0) {
            return encode(hour);
        }
        int h12 = hour % 12 == 0 ? 12 : hour % 12;
        return encode(h12) | (hour >= 12 ? 0x80 : 0);
    }

    private int encode(int value) {
        if ((ram[STATUS_B] & 0x04) != 0) {
            return value;
        }
        return ((value / 10) << 4) | (value % 10);
    }
}
