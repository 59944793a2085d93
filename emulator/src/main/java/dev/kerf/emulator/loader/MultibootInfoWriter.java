package dev.kerf.emulator.loader;

import dev.kerf.emulator.machine.BootException;
import dev.kerf.emulator.mmu.PhysicalMemory;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the Multiboot v1 information a kernel finds at EBX: the info struct, the memory map,
 * the command line, the boot loader name "kerf", and the modules with their table.
 *
 * <p>Info struct (offsets in bytes): 0 flags, 4 mem_lower, 8 mem_upper, 12 boot_device,
 * 16 cmdline, 20 mods_count, 24 mods_addr, 28..43 symbols (unused), 44 mmap_length,
 * 48 mmap_addr, 52..63 drives/config (unused), 64 boot_loader_name. Module entry (16 bytes):
 * mod_start, mod_end, string, reserved. Memory map entry (24 bytes): size (=20, not counting
 * itself), base_addr (64), length (64), type (1 = RAM, 2 = reserved).
 */
public final class MultibootInfoWriter {
    public static final int INFO_MEMORY = 1, INFO_BOOT_DEVICE = 1 << 1, INFO_CMDLINE = 1 << 2, INFO_MODS = 1 << 3,
            INFO_MMAP = 1 << 6, INFO_BOOT_LOADER_NAME = 1 << 9;
    public static final String BOOT_LOADER_NAME = "kerf";
    /** QEMU's value: "no BIOS drive" (0x80 = first hard disk, partitions unset). */
    static final int BOOT_DEVICE = 0x8000FFFF;
    static final int INFO_SIZE = 88;
    static final int MOD_ENTRY_SIZE = 16;
    static final int MMAP_ENTRY_SIZE = 24;

    private final PhysicalMemory memory;

    public MultibootInfoWriter(PhysicalMemory memory) {
        this.memory = memory;
    }

    /**
     * Writes everything, using RAM from {@code freeStart} (the end of the kernel) upwards for the
     * strings, the module table and the modules. Returns the info struct's address.
     */
    public int write(long freeStart, String cmdline, List<BootModule> modules) {
        long cursor = MultibootLayout.pageAlign(freeStart);
        long modTable = cursor;
        cursor += (long) MOD_ENTRY_SIZE * modules.size();
        long cmdlineAddr = cursor;
        cursor = putString(cursor, cmdline);
        long nameAddr = cursor;
        cursor = putString(cursor, BOOT_LOADER_NAME);
        long[] strings = new long[modules.size()];
        for (int i = 0; i < modules.size(); i++) {
            strings[i] = cursor;
            cursor = putString(cursor, modules.get(i).string());
        }
        for (int i = 0; i < modules.size(); i++) {
            cursor = MultibootLayout.pageAlign(cursor);
            BootModule m = modules.get(i);
            long end = checkFits(m, cursor);
            memory.load((int) cursor, m.data(), 0, m.data().length);
            int entry = (int) modTable + i * MOD_ENTRY_SIZE;
            memory.write32(entry, (int) cursor);
            memory.write32(entry + 4, (int) end);
            memory.write32(entry + 8, (int) strings[i]);
            memory.write32(entry + 12, 0);
            cursor = end;
        }
        int mmapLength = writeMemoryMap();
        writeInfo((int) cmdlineAddr, modules.size(), (int) modTable, mmapLength, (int) nameAddr);
        return MultibootLayout.INFO_ADDR;
    }

    private long checkFits(BootModule m, long start) {
        long end = start + m.data().length;
        if (end > memory.size()) {
            throw new BootException(String.format("module %s (%d bytes) does not fit in RAM: it would end at 0x%x,"
                    + " RAM ends at 0x%x (%d MiB; see --mem)", m.name(), m.data().length, end, memory.size(),
                    memory.size() >> 20));
        }
        return end;
    }

    private long putString(long at, String s) {
        byte[] bytes = (s + "\0").getBytes(StandardCharsets.UTF_8);
        if (at + bytes.length > memory.size()) {
            throw new BootException(String.format("the boot command lines (%d bytes at 0x%x) do not fit in RAM"
                    + " (%d MiB; see --mem)", bytes.length, at, memory.size() >> 20));
        }
        memory.load((int) at, bytes, 0, bytes.length);
        return at + bytes.length;
    }

    /** The PC's map as the BIOS reports it: low RAM, EBDA, BIOS ROM, RAM from 1 MiB. */
    private int writeMemoryMap() {
        int at = MultibootLayout.MMAP_ADDR;
        at = mmapEntry(at, 0, MultibootLayout.LOW_RAM_END, 1);
        at = mmapEntry(at, MultibootLayout.LOW_RAM_END, MultibootLayout.EBDA_END - MultibootLayout.LOW_RAM_END, 2);
        at = mmapEntry(at, MultibootLayout.BIOS_START, MultibootLayout.HIGH_RAM_START - MultibootLayout.BIOS_START, 2);
        at = mmapEntry(at, MultibootLayout.HIGH_RAM_START, memory.size() - MultibootLayout.HIGH_RAM_START, 1);
        return at - MultibootLayout.MMAP_ADDR;
    }

    private int mmapEntry(int at, long base, long length, int type) {
        memory.write32(at, MMAP_ENTRY_SIZE - 4);
        memory.write32(at + 4, (int) base);
        memory.write32(at + 8, (int) (base >>> 32));
        memory.write32(at + 12, (int) length);
        memory.write32(at + 16, (int) (length >>> 32));
        memory.write32(at + 20, type);
        return at + MMAP_ENTRY_SIZE;
    }

    private void writeInfo(int cmdline, int modsCount, int modsAddr, int mmapLength, int name) {
        int at = MultibootLayout.INFO_ADDR;
        memory.fill(at, INFO_SIZE, (byte) 0);
        memory.write32(at, INFO_MEMORY | INFO_BOOT_DEVICE | INFO_CMDLINE | INFO_MODS | INFO_MMAP
                | INFO_BOOT_LOADER_NAME);
        memory.write32(at + 4, MultibootLayout.LOW_RAM_END / 1024);
        memory.write32(at + 8, (memory.size() - MultibootLayout.HIGH_RAM_START) / 1024);
        memory.write32(at + 12, BOOT_DEVICE);
        memory.write32(at + 16, cmdline);
        memory.write32(at + 20, modsCount);
        memory.write32(at + 24, modsAddr);
        memory.write32(at + 44, mmapLength);
        memory.write32(at + 48, MultibootLayout.MMAP_ADDR);
        memory.write32(at + 64, name);
    }
}
