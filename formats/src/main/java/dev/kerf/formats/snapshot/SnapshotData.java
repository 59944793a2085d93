package dev.kerf.formats.snapshot;

import java.util.List;

/**
 * A booted snapshot as the file holds it (docs/formats.md §12): the whole machine at one
 * instruction boundary, with where it came from.
 *
 * @param icount      instructions the machine had retired since it was booted
 * @param clockNanos  the machine clock's reading at the snapshot (device deadlines are in its terms)
 * @param virtualClock the clock the machine ran on
 * @param boot        how the machine was booted and why the snapshot was taken (display and provenance)
 * @param cpu         the CPU section: the emulator's CPU state serialization (it begins with its own version)
 * @param devices     the DEVICES section: the platform's device state (it begins with its own version)
 * @param lineFlags   the LINE section: what a replay must know of COM1 without a device model
 *                    ({@link #LINE_DLAB}, {@link #LINE_LOOPBACK})
 * @param ram         guest RAM, {@code ramBytes} long, a positive multiple of 4096
 */
public record SnapshotData(long icount, long clockNanos, boolean virtualClock, Boot boot, byte[] cpu, byte[] devices,
                           int lineFlags, byte[] ram) {
    /** COM1's divisor latch access bit is set: ports 0x3F8/0x3F9 are the divisor, not data. */
    public static final int LINE_DLAB = 1;
    /** COM1 is in loopback: what the guest sends does not reach the console. */
    public static final int LINE_LOOPBACK = 2;

    public SnapshotData {
        if (icount < 0 || clockNanos < 0) throw new IllegalArgumentException("negative icount or clock");
        if (ram.length == 0 || (ram.length & 0xFFF) != 0) throw new IllegalArgumentException("RAM of " + ram.length + " bytes");
        if ((lineFlags & ~(LINE_DLAB | LINE_LOOPBACK)) != 0) throw new IllegalArgumentException("line flags " + lineFlags);
    }

    public int ramBytes() {
        return ram.length;
    }

    /**
     * Provenance: the kerf that took the snapshot, what made it take it, the images and command
     * line the machine booted from (by name, size and SHA-256: the images are not in the snapshot).
     */
    public record Boot(String kerfVersion, String trigger, Image kernel, String cmdline, List<Image> modules) {
        public Boot {
            modules = List.copyOf(modules);
        }
    }

    /** An image the machine booted from: its file name as given, its size and its SHA-256 (64 lowercase hex digits). */
    public record Image(String name, long size, String sha256, String cmdline) {}
}
