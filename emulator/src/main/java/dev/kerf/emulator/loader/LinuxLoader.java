package dev.kerf.emulator.loader;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.ResetState;
import dev.kerf.emulator.machine.BootException;
import dev.kerf.emulator.mmu.PhysicalMemory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Boots a Linux/x86 bzImage at its 32-bit protected-mode entry (the 32-bit boot protocol of
 * Documentation/arch/x86/boot.rst), as a boot loader that skips the real-mode setup code does:
 *
 * <ul>
 *   <li>the protected-mode kernel (the file from (setup_sects + 1) * 512, syssize * 16 bytes) at
 *       pref_address when the kernel is relocatable (2.10+), else at 0x100000;</li>
 *   <li>the zero page ({@code struct boot_params}) at {@link #ZERO_PAGE}: zeroed, the image's
 *       setup header copied in, then type_of_loader 0xff, loadflags | CAN_USE_HEAP, heap_end_ptr
 *       0xfe00, code32_start, cmd_line_ptr, ramdisk_image/size, alt_mem_k, ext_mem_k and an e820
 *       map of the machine's RAM (the same map the Multiboot loader reports);</li>
 *   <li>the command line at {@link #CMDLINE}, NUL-terminated, at most cmdline_size bytes;</li>
 *   <li>the initrd (the one module) page-aligned as high as RAM and initrd_addr_max allow, above
 *       everything the kernel uses while it decompresses (load address + init_size);</li>
 *   <li>the CPU: flat 4 GiB __BOOT_CS 0x10 and __BOOT_DS 0x18 in a GDT, protected mode, paging
 *       and interrupts off, ESI = the zero page, every other register 0, EIP = code32_start.</li>
 * </ul>
 */
public final class LinuxLoader {
    /** struct boot_params. */
    public static final int ZERO_PAGE = 0x10000;
    /** The command line; the room up to the EBDA bounds it. */
    public static final int CMDLINE = 0x20000;
    static final int CMDLINE_ROOM = MultibootLayout.LOW_RAM_END - CMDLINE;
    public static final int BOOT_CS = 0x10, BOOT_DS = 0x18;
    static final int KERNEL_DEFAULT = MultibootLayout.HIGH_RAM_START;
    /** boot_params fields outside the setup header. */
    static final int EXT_MEM_K = 0x002, ALT_MEM_K = 0x1E0, E820_ENTRIES = 0x1E8, E820_TABLE = 0x2D0;
    static final int E820_RAM = 1, E820_RESERVED = 2;
    static final int TYPE_OF_LOADER_UNDEFINED = 0xFF;
    static final int HEAP_END = 0xFE00;

    private LinuxLoader() {}

    /** Where things went: for tests and {@code --verbose}. */
    public record Layout(long kernel, long kernelEnd, long initrd, long initrdSize, int cmdlineLength) {}

    /**
     * Loads {@code file} (a bzImage: {@link BzImage#hasMagic}) with {@code cmdline} and at most one
     * module as its initrd, and sets the CPU as the 32-bit boot protocol requires.
     */
    public static Layout boot(String name, byte[] file, String cmdline, List<BootModule> modules, Cpu cpu) {
        BzImage img = BzImage.parse(name, file);
        PhysicalMemory memory = cpu.memory;
        long ram = memory.size();
        if (modules.size() > 1) {
            throw new BootException(name + ": a Linux kernel takes one initrd, not " + modules.size() + " modules");
        }

        long load = img.relocatable() && img.prefAddress() >= KERNEL_DEFAULT ? img.prefAddress() : KERNEL_DEFAULT;
        // the decompressor works from the higher of the load address and pref_address, init_size bytes
        long kernelEnd = Math.max(load, img.prefAddress()) + img.initSize();
        if (load + img.kernelSize() > ram || kernelEnd > ram) {
            throw new BootException(String.format("%s: the kernel needs RAM up to 0x%x (loaded at 0x%x, init_size %d"
                    + " bytes), more than the machine's %d MiB; see --mem", name, kernelEnd, load, img.initSize(),
                    ram >> 20));
        }

        byte[] line = (cmdline == null ? "" : cmdline).getBytes(StandardCharsets.UTF_8);
        if (line.length > img.cmdlineSize()) {
            throw BzImage.bad(name, BzImage.CMDLINE_SIZE, String.format("the command line is %d bytes, longer than"
                    + " the kernel's cmdline_size (%d)", line.length, img.cmdlineSize()));
        }
        if (line.length + 1 > CMDLINE_ROOM) {
            throw new BootException(String.format("%s: the command line is %d bytes; kerf has room for %d", name,
                    line.length, CMDLINE_ROOM - 1));
        }

        long initrd = 0, initrdSize = 0;
        if (!modules.isEmpty()) {
            BootModule m = modules.get(0);
            initrdSize = m.data().length;
            long top = Math.min(img.initrdAddrMax(), ram - 1) + 1;
            initrd = (top - initrdSize) & -MultibootLayout.PAGE;
            if (initrdSize > top || initrd < kernelEnd) {
                throw new BootException(String.format("%s: the initrd (%d bytes) does not fit in RAM between the"
                        + " kernel's end 0x%x and 0x%x (initrd_addr_max 0x%x, RAM %d MiB; see --mem)", m.name(),
                        initrdSize, kernelEnd, top, img.initrdAddrMax(), ram >> 20));
            }
        }

        // every check passed: now write
        memory.fill((int) load, (int) img.kernelSize(), (byte) 0);
        memory.load((int) load, file, img.kernelOffset(), (int) img.kernelSize());
        if (initrdSize > 0) memory.load((int) initrd, modules.get(0).data(), 0, (int) initrdSize);
        memory.load(CMDLINE, line, 0, line.length);
        memory.write8(CMDLINE + line.length, 0);

        memory.fill(ZERO_PAGE, MultibootLayout.PAGE, (byte) 0);
        int hdrLength = img.headerEnd() - BzImage.SETUP_HEADER;
        memory.load(ZERO_PAGE + BzImage.SETUP_HEADER, file, BzImage.SETUP_HEADER, hdrLength);
        memory.write8(ZERO_PAGE + BzImage.TYPE_OF_LOADER, TYPE_OF_LOADER_UNDEFINED);
        memory.write8(ZERO_PAGE + BzImage.LOADFLAGS, img.loadflags() | BzImage.CAN_USE_HEAP);
        memory.write16(ZERO_PAGE + BzImage.HEAP_END_PTR, HEAP_END);
        memory.write32(ZERO_PAGE + BzImage.CODE32_START, (int) load);
        memory.write32(ZERO_PAGE + BzImage.CMD_LINE_PTR, CMDLINE);
        memory.write32(ZERO_PAGE + BzImage.RAMDISK_IMAGE, (int) initrd);
        memory.write32(ZERO_PAGE + BzImage.RAMDISK_SIZE, (int) initrdSize);
        long extKiB = (ram - MultibootLayout.HIGH_RAM_START) >> 10;
        memory.write16(ZERO_PAGE + EXT_MEM_K, (int) Math.min(extKiB, 0xFFFF));
        memory.write32(ZERO_PAGE + ALT_MEM_K, (int) extKiB);
        writeE820(memory, ram);

        ResetState.enterFlatProtectedMode(cpu, BOOT_CS, BOOT_DS);
        Arrays.fill(cpu.reg, 0);
        cpu.reg[Cpu.ESI] = ZERO_PAGE;
        cpu.eip = (int) load;
        return new Layout(load, kernelEnd, initrd, initrdSize, line.length);
    }

    /** The machine's RAM as the BIOS reports it: low RAM, the EBDA, the BIOS area (the boot GDT), high RAM. */
    private static void writeE820(PhysicalMemory memory, long ram) {
        long[][] map = {
            {0, MultibootLayout.LOW_RAM_END, E820_RAM},
            {MultibootLayout.LOW_RAM_END, MultibootLayout.EBDA_END - MultibootLayout.LOW_RAM_END, E820_RESERVED},
            {MultibootLayout.BIOS_START, MultibootLayout.HIGH_RAM_START - MultibootLayout.BIOS_START, E820_RESERVED},
            {MultibootLayout.HIGH_RAM_START, ram - MultibootLayout.HIGH_RAM_START, E820_RAM}};
        int at = ZERO_PAGE + E820_TABLE;
        for (long[] e : map) {
            memory.write32(at, (int) e[0]);
            memory.write32(at + 4, (int) (e[0] >>> 32));
            memory.write32(at + 8, (int) e[1]);
            memory.write32(at + 12, (int) (e[1] >>> 32));
            memory.write32(at + 16, (int) e[2]);
            at += 20;
        }
        memory.write8(ZERO_PAGE + E820_ENTRIES, map.length);
    }
}
