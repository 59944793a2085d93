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
 * stored in RAM but do not set the clock. No alarm or periodic interrupt (IRQ8 stays low).
 * The memory size registers (0x15-0x18, 0x30-0x31, 0x34-0x35) are filled from the RAM size like
 * QEMU does.
 */
public final class Cmos implements IoDevice {
    private static final long NS_PER_S = 1_000_000_000L;
    private static final long UIP_NANOS = 244_000;
    private static final int STATUS_A = 0x0A, STATUS_B = 0x0B, STATUS_C = 0x0C, STATUS_D = 0x0D;

    private final Clock clock;
    private final long epochSeconds;
    private final int[] ram = new int[128];
    private int index;

    public Cmos(Clock clock, long epochSeconds, long ramBytes) {
        this.clock = clock;
        this.epochSeconds = epochSeconds;
        ram[STATUS_A] = 0x26;
        ram[STATUS_B] = 0x02; // 24-hour, BCD
        ram[STATUS_D] = 0x80; // RAM and time valid
        fillMemorySize(ramBytes);
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
            case STATUS_A -> ram[STATUS_A] = (ram[STATUS_A] & 0x80) | (value & 0x7F);
            case STATUS_C, STATUS_D -> { } // read-only
            default -> ram[index] = value & 0xFF;
        }
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
            case STATUS_C -> 0; // no interrupt flags: reading would clear them
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
