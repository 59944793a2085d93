package dev.kerf.emulator.loader;

/**
 * Where the loader puts things, following QEMU's Multiboot loader so that a guest sees the same
 * addresses under both: the memory map and the info struct in one low page (QEMU: 0x9000 and
 * 0x9500), the strings and module table on the page after the kernel, then the modules, each on
 * its own page boundary.
 */
public final class MultibootLayout {
    /** The low page holding the memory map and the info struct. */
    public static final int LOW_AREA = 0x9000;
    public static final int MMAP_ADDR = LOW_AREA;
    public static final int INFO_ADDR = LOW_AREA + 0x500;
    public static final int PAGE = 4096;

    /** RAM below the EBDA, as the BIOS reports it (639 KiB). */
    public static final int LOW_RAM_END = 0x9FC00;
    public static final int EBDA_END = 0xA0000;
    public static final int BIOS_START = 0xF0000;
    public static final int HIGH_RAM_START = 0x100000;

    private MultibootLayout() {}

    public static long pageAlign(long address) {
        return (address + PAGE - 1) & -PAGE;
    }
}
