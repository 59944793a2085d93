package dev.kerf.emulator.loader;

import dev.kerf.emulator.machine.BootException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The loadable view of an ELF32 i386 executable: its entry point and PT_LOAD segments, checked
 * against the file's bytes. The input is hostile: every offset and size is checked before use,
 * and a problem becomes a {@link BootException} naming the file and the offset.
 *
 * <p>Only what a Multiboot loader needs is read: the ELF header (52 bytes) and the program
 * header table. Section headers are ignored.
 */
public final class ElfImage {
    static final int EHDR_SIZE = 52;
    static final int PHDR_SIZE = 32;
    static final int PT_LOAD = 1;
    static final int ET_EXEC = 2;
    static final int EM_386 = 3;

    /** One PT_LOAD segment; all values unsigned 32-bit, held in longs. */
    public record Segment(long fileOffset, long vaddr, long paddr, long fileSize, long memSize) {}

    private final long entry;
    private final List<Segment> segments;

    private ElfImage(long entry, List<Segment> segments) {
        this.entry = entry;
        this.segments = List.copyOf(segments);
    }

    public long entry() { return entry; }

    public List<Segment> segments() { return segments; }

    /** True when the bytes start with the ELF magic (whatever else they hold). */
    public static boolean hasElfMagic(byte[] file) {
        return file.length >= 4 && file[0] == 0x7F && file[1] == 'E' && file[2] == 'L' && file[3] == 'F';
    }

    /** Parses and checks {@code file}; {@code name} is used in error messages. */
    public static ElfImage parse(String name, byte[] file) {
        if (!hasElfMagic(file)) {
            throw new BootException(name + ": offset 0: not an ELF file (no ELF magic 7f 45 4c 46)");
        }
        if (file.length < EHDR_SIZE) {
            throw new BootException(name + ": offset " + file.length + ": truncated ELF header (" + file.length
                    + " of " + EHDR_SIZE + " bytes)");
        }
        if (file[4] != 1) {
            throw new BootException(name + ": offset 4: not a 32-bit ELF file (class " + file[4] + ")");
        }
        if (file[5] != 1) {
            throw new BootException(name + ": offset 5: not a little-endian ELF file (data " + file[5] + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getShort(16) & 0xFFFF;
        int machine = b.getShort(18) & 0xFFFF;
        if (machine != EM_386) {
            throw new BootException(name + ": offset 18: ELF machine " + machine + " is not i386 (3)");
        }
        if (type != ET_EXEC) {
            throw new BootException(name + ": offset 16: ELF type " + type + " is not an executable (2)");
        }
        long entry = u32(b, 24);
        return new ElfImage(entry, readSegments(name, b, file.length));
    }

    private static List<Segment> readSegments(String name, ByteBuffer b, int fileLength) {
        long phoff = u32(b, 28);
        int phentsize = b.getShort(42) & 0xFFFF;
        int phnum = b.getShort(44) & 0xFFFF;
        if (phnum == 0) {
            throw new BootException(name + ": offset 44: ELF file has no program headers");
        }
        if (phentsize < PHDR_SIZE) {
            throw new BootException(name + ": offset 42: program header size " + phentsize + " is below " + PHDR_SIZE);
        }
        if (phoff + (long) phentsize * phnum > fileLength) {
            throw new BootException(String.format("%s: offset 0x%x: program header table (%d x %d bytes) runs past the"
                    + " end of the file (%d bytes)", name, phoff, phnum, phentsize, fileLength));
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            if (b.getInt(at) != PT_LOAD) continue;
            Segment s = new Segment(u32(b, at + 4), u32(b, at + 8), u32(b, at + 12), u32(b, at + 16), u32(b, at + 20));
            if (s.fileSize() > s.memSize()) {
                throw new BootException(String.format("%s: offset 0x%x: segment %d has file size %d above its memory"
                        + " size %d", name, at, i, s.fileSize(), s.memSize()));
            }
            if (s.fileOffset() + s.fileSize() > fileLength) {
                throw new BootException(String.format("%s: offset 0x%x: segment %d (file bytes 0x%x..0x%x) runs past"
                        + " the end of the file (%d bytes): truncated?", name, at, i, s.fileOffset(),
                        s.fileOffset() + s.fileSize(), fileLength));
            }
            segments.add(s);
        }
        if (segments.isEmpty()) {
            throw new BootException(String.format("%s: offset 0x%x: ELF file has no PT_LOAD segment", name, phoff));
        }
        return segments;
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }
}
