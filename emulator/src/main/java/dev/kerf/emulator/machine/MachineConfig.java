package dev.kerf.emulator.machine;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything needed to boot the kerf PC.
 *
 * @param kernel   Multiboot v1 ELF kernel
 * @param cmdline  kernel command line (Multiboot cmdline), "" for none
 * @param modules  Multiboot modules in order
 * @param ramBytes RAM size
 * @param virtualClock true: PIT/RTC/TSC are functions of icount (repeatable); false: host time
 * @param disk     ATA image or null
 * @param netIn    pcap to deliver to the NIC or null
 * @param netOut   pcap to capture the NIC's output or null
 * @param maxInsns stop after this many instructions (0 = no limit)
 * @param consoleIn  COM1 input (null = none)
 * @param consoleOut COM1 output
 */
public record MachineConfig(Path kernel, String cmdline, List<Module> modules, int ramBytes, boolean virtualClock,
                            Path disk, Path netIn, Path netOut, long maxInsns,
                            InputStream consoleIn, OutputStream consoleOut) {
    /** A Multiboot module: a file and the command line the bootloader passes with it. */
    public record Module(Path file, String cmdline) {}
}
