package dev.kerf.emulator.device;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * What the PC's devices are attached to on the host side.
 *
 * @param ramBytes     guest RAM size (CMOS reports it)
 * @param clock        the time source for PIT/RTC/TSC
 * @param consoleIn    bytes typed into COM1 (null: nothing)
 * @param consoleOut   bytes the guest writes to COM1
 * @param disk         ATA primary master image, or null for no disk
 * @param netIn        pcap whose frames are delivered to the NE2000, or null
 * @param netOut       pcap file receiving the frames the guest sends, or null
 * @param rtcEpochSeconds the RTC's time at machine start (virtual clock: fixed, so runs repeat)
 * @param startNanos   the clock's time when the platform starts: 0 at boot, the snapshot's time for a
 *                     resumed machine (console input and network input are paced from it)
 */
public record PlatformConfig(int ramBytes, Clock clock, InputStream consoleIn, OutputStream consoleOut,
                             Path disk, Path netIn, Path netOut, long rtcEpochSeconds, long startNanos) {
    /** A platform that starts at clock 0 (a boot). */
    public PlatformConfig(int ramBytes, Clock clock, InputStream consoleIn, OutputStream consoleOut,
                          Path disk, Path netIn, Path netOut, long rtcEpochSeconds) {
        this(ramBytes, clock, consoleIn, consoleOut, disk, netIn, netOut, rtcEpochSeconds, 0);
    }
}
