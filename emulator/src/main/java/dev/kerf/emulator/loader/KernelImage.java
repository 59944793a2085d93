package dev.kerf.emulator.loader;

import dev.kerf.emulator.machine.BootException;
import dev.kerf.emulator.mmu.PhysicalMemory;

/**
 * Puts a Multiboot kernel's bytes into RAM: the PT_LOAD segments of an ELF file (bss zeroed), or
 * the range named by the header's a.out-kludge address fields (flags bit 16), as QEMU and GRUB do.
 *
 * @param entry physical entry address
 * @param end   first physical address past everything loaded (bss included)
 */
public record KernelImage(long entry, long end) {
    /**
     * RAM the boot process writes after the kernel is loaded, so a kernel may not load there: the
     * low page (memory map, info struct) and the BIOS area (the boot GDT, reserved in the map).
     */
    private static final long[][] RESERVED = {
        {MultibootLayout.LOW_AREA, MultibootLayout.LOW_AREA + 0x1000},
        {MultibootLayout.BIOS_START, MultibootLayout.HIGH_RAM_START}};

    public static KernelImage load(String name, byte[] file, PhysicalMemory memory) {
        boolean elf = ElfImage.hasElfMagic(file);
        ElfImage image = elf ? ElfImage.parse(name, file) : null;
        MultibootHeader header = elf ? MultibootHeader.find(name, file) : MultibootHeader.findOrNull(name, file);
        if (header != null && header.aoutKludge()) {
            return loadKludge(name, file, header, memory);
        }
        if (!elf) {
            throw new BootException(name + ": offset 0: not an ELF file (no ELF magic 7f 45 4c 46)" + (header == null
                    ? " and no Multiboot header: not a kernel" : " and its Multiboot header has no load addresses"));
        }
        return loadElf(name, file, image, memory);
    }

    private static KernelImage loadElf(String name, byte[] file, ElfImage image, PhysicalMemory memory) {
        long end = 0;
        int index = 0;
        for (ElfImage.Segment s : image.segments()) {
            String what = String.format("%s: offset 0x%x: segment %d", name, s.fileOffset(), index++);
            place(what, s.paddr(), s.memSize(), memory);
            memory.load((int) s.paddr(), file, (int) s.fileOffset(), (int) s.fileSize());
            zero(memory, s.paddr() + s.fileSize(), s.memSize() - s.fileSize());
            end = Math.max(end, s.paddr() + s.memSize());
        }
        return new KernelImage(physicalEntry(name, image), end);
    }

    /** A higher-half kernel links its entry at a virtual address; it runs from the physical copy. */
    private static long physicalEntry(String name, ElfImage image) {
        long entry = image.entry();
        for (ElfImage.Segment s : image.segments()) {
            if (entry >= s.vaddr() && entry < s.vaddr() + s.memSize()) {
                return entry - s.vaddr() + s.paddr();
            }
        }
        throw new BootException(String.format("%s: offset 24: entry point 0x%x is outside every loaded segment",
                name, entry));
    }

    private static KernelImage loadKludge(String name, byte[] file, MultibootHeader h, PhysicalMemory memory) {
        String at = String.format("%s: offset 0x%x: Multiboot load addresses", name, h.fileOffset() + 12);
        long start = h.fileOffset() - (h.headerAddr() - h.loadAddr());
        long loadEnd = h.loadEndAddr() == 0 ? h.loadAddr() + file.length - start : h.loadEndAddr();
        long bssEnd = h.bssEndAddr() == 0 ? loadEnd : h.bssEndAddr();
        if (h.headerAddr() < h.loadAddr() || start < 0 || loadEnd < h.loadAddr() || bssEnd < loadEnd
                || start + (loadEnd - h.loadAddr()) > file.length) {
            throw new BootException(at + " are inconsistent with each other or with the file's size ("
                    + file.length + " bytes)");
        }
        place(at, h.loadAddr(), bssEnd - h.loadAddr(), memory);
        memory.load((int) h.loadAddr(), file, (int) start, (int) (loadEnd - h.loadAddr()));
        zero(memory, loadEnd, bssEnd - loadEnd);
        if (h.entryAddr() < h.loadAddr() || h.entryAddr() >= loadEnd) {
            throw new BootException(String.format("%s: entry 0x%x is outside the loaded range", at, h.entryAddr()));
        }
        return new KernelImage(h.entryAddr(), bssEnd);
    }

    /** Checks that [pa, pa+size) is RAM the kernel may use. */
    private static void place(String what, long pa, long size, PhysicalMemory memory) {
        if (!memory.contains(pa, (int) Math.min(size, Integer.MAX_VALUE)) || size > Integer.MAX_VALUE) {
            throw new BootException(String.format("%s (0x%x..0x%x) is outside RAM (%d MiB; see --mem)", what, pa,
                    pa + size, memory.size() >> 20));
        }
        for (long[] r : RESERVED) {
            if (pa < r[1] && pa + size > r[0]) {
                throw new BootException(String.format("%s (0x%x..0x%x) overlaps 0x%x..0x%x, which the loader uses"
                        + " for boot information", what, pa, pa + size, r[0], r[1]));
            }
        }
    }

    private static void zero(PhysicalMemory memory, long pa, long size) {
        memory.fill((int) pa, (int) size, (byte) 0);
    }
}
