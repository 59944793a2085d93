package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.loader.ElfImage;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.emulator.usermode.UserRegisters;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The initial image of a rebuilt program against a recorded log: the recorded stack (the run of
 * contiguous pages around the initial ESP: argv, envp and the strings they point to stay as the
 * kernel laid them out) plus the rebuilt ELF's PT_LOAD segments in place of the recorded
 * program's pages, EIP at its entry, the other registers as recorded. Meaningful when the log
 * starts at the program's first instruction (a slice taken from its exec, the default).
 */
public final class RebuiltImage {
    private static final int PT_LOAD = 1, PF_W = 2;
    /**
     * The most memory a rebuilt program's PT_LOAD segments may span (docs/cli.md, "Input limits"):
     * every page of it gets a frame in the replay machine, so a 1 GiB {@code p_memsz} would cost a
     * 1 GiB array; no program of the 32-bit guest (64 MiB of RAM by default) needs this much.
     */
    public static final long MAX_LOADED_BYTES = 256L << 20;

    private RebuiltImage() {}

    /**
     * @throws dev.kerf.emulator.machine.BootException for a file that is not an i386 ELF executable
     *         (naming {@code name} and the offset)
     * @throws SyscallReplayException when its segments overlap the recorded stack or span too much (the
     *         message does not repeat {@code name}: the caller names the file it read)
     */
    public static ProcessImage of(ProcessImage recorded, byte[] elf, String name) {
        return of(recorded, elf, name, SyscallAbi.KERF);
    }

    /**
     * As above for a guest whose calls follow {@code abi}; on Linux the initial stack's auxiliary
     * vector is made to describe the rebuilt program ({@link #patchAuxv}).
     */
    public static ProcessImage of(ProcessImage recorded, byte[] elf, String name, SyscallAbi abi) {
        ElfImage image = ElfImage.parse(name, elf);
        checkSpan(image);
        int[] flags = loadFlags(elf);
        int esp = recorded.registers().get(4);
        TreeMap<Integer, PageMapping> pages = new TreeMap<>();
        for (PageMapping m : recorded.pages()) pages.put(m.page(), m);
        int lo = esp >>> 12, hi = lo;
        if (!pages.containsKey(lo)) throw new SyscallReplayException("the log's initial ESP 0x" + Integer.toHexString(esp) + " is not in a mapped page");
        while (pages.containsKey(lo - 1)) lo--;
        while (pages.containsKey(hi + 1)) hi++;
        TreeMap<Integer, PageMapping> out = new TreeMap<>(pages.subMap(lo, true, hi, true));
        List<MemoryWrite> contents = new ArrayList<>();
        for (MemoryWrite w : recorded.contents()) clip(w, lo, hi, contents);
        for (int i = 0; i < image.segments().size(); i++) {
            ElfImage.Segment s = image.segments().get(i);
            if (s.memSize() == 0) continue;
            long first = s.vaddr() >>> 12, last = (s.vaddr() + s.memSize() - 1) >>> 12;
            if (last >= (1 << 20)) throw new SyscallReplayException("segment " + i + " runs past 4 GiB");
            for (long p = first; p <= last; p++) {
                if (p >= lo && p <= hi) throw new SyscallReplayException(String.format("segment %d (0x%x..0x%x) overlaps the recorded stack",
                        i, s.vaddr(), s.vaddr() + s.memSize()));
                PageMapping old = out.get((int) p);
                out.put((int) p, new PageMapping((int) p, (flags[i] & PF_W) != 0 || old != null && old.writable()));
            }
            if (s.fileSize() > 0) {
                contents.add(new MemoryWrite((int) s.vaddr(), Arrays.copyOfRange(elf, (int) s.fileOffset(), (int) (s.fileOffset() + s.fileSize()))));
            }
        }
        if (abi.hasAuxv()) {
            Integer vdso = patchAuxv(elf, esp, hi, contents);
            // the vDSO stays where the kernel put it, if the process had it at the start (else a fault brings it in)
            for (int p = vdso == null ? -1 : vdso >>> 12; p >= 0 && pages.containsKey(p) && !out.containsKey(p); p++) {
                out.put(p, pages.get(p));
                for (MemoryWrite w : recorded.contents()) clip(w, p, p, contents);
            }
        }
        byte[] regs = recorded.registers().bytes().clone();
        ByteBuffer.wrap(regs).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * UserRegisters.EIP, (int) image.entry());
        return new ProcessImage(recorded.pid(), recorded.name(), recorded.cr0(), recorded.cr4(), recorded.segments(), recorded.userGates(),
                recorded.supervisor(), new UserRegisters(regs), new ArrayList<>(out.values()), contents, recorded.descriptors());
    }

    private static final int AT_NULL = 0, AT_SYSINFO_EHDR = 33, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_ENTRY = 9, PT_PHDR = 6;
    /** Most auxiliary-vector entries looked at (Linux passes about 20). */
    private static final int MAX_AUXV = 256;

    /**
     * The Linux initial stack (argc, argv, NULL, envp, NULL, then the auxiliary vector of type/value
     * pairs up to AT_NULL) as the kernel left it at ESP describes the recorded program: its program
     * headers' address, size and count, and its entry (AT_PHDR, AT_PHENT, AT_PHNUM, AT_ENTRY). A
     * static program's start-up code reads its headers from there (glibc finds its TLS segment that
     * way), so those four values are replaced by the rebuilt program's; the rest stays (AT_RANDOM,
     * AT_SYSINFO: the vDSO, AT_EXECFN...). The new values are appended to {@code contents} (later
     * writes win).
     *
     * @return AT_SYSINFO_EHDR, the vDSO's address, or null when the vector has none
     */
    static Integer patchAuxv(byte[] elf, int esp, int stackTopPage, List<MemoryWrite> contents) {
        long top = (long) (stackTopPage + 1) << 12;
        long p = Integer.toUnsignedLong(esp);
        long argc = Integer.toUnsignedLong(u32(contents, p));
        p += 4 * (argc + 2); // argc, argv[argc], NULL
        while (p + 4 <= top && u32(contents, p) != 0) p += 4; // envp
        p += 4;
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        int phoff = b.getInt(28), phentsize = b.getShort(42) & 0xFFFF, phnum = b.getShort(44) & 0xFFFF;
        Integer phdr = null;
        for (int i = 0; i < phnum; i++) {
            int at = phoff + i * phentsize;
            int type = b.getInt(at), off = b.getInt(at + 4), vaddr = b.getInt(at + 8), filesz = b.getInt(at + 16);
            if (type == PT_PHDR) phdr = vaddr;
            if (type == PT_LOAD && phdr == null && Integer.compareUnsigned(off, phoff) <= 0
                    && Integer.toUnsignedLong(phoff) + (long) phnum * phentsize <= Integer.toUnsignedLong(off) + Integer.toUnsignedLong(filesz)) {
                phdr = vaddr + (phoff - off);
            }
        }
        Integer vdso = null;
        for (int n = 0; ; n++, p += 8) {
            if (p + 8 > top || n == MAX_AUXV) {
                throw new SyscallReplayException(String.format("the log's initial stack at ESP 0x%08x holds no auxiliary vector ending in AT_NULL"
                        + " (a rebuilt program needs the one its kernel's exec left: the log must start at the program's first instruction)", esp));
            }
            int type = u32(contents, p);
            if (type == AT_NULL) return vdso;
            if (type == AT_SYSINFO_EHDR) vdso = u32(contents, p + 4);
            Integer value = switch (type) {
                case AT_PHDR -> phdr;
                case AT_PHENT -> phentsize;
                case AT_PHNUM -> phnum;
                case AT_ENTRY -> b.getInt(24);
                default -> null;
            };
            if (value != null) contents.add(new MemoryWrite((int) (p + 4), ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array()));
        }
    }

    /** The u32 at {@code va} in the image's contents (bytes no write covers are zero; later writes win). */
    private static int u32(List<MemoryWrite> contents, long va) {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            long at = va + k;
            int byteValue = 0;
            for (MemoryWrite w : contents) {
                long start = Integer.toUnsignedLong(w.address());
                if (at >= start && at < start + w.bytes().length) byteValue = w.bytes()[(int) (at - start)] & 0xFF;
            }
            v |= byteValue << (8 * k);
        }
        return v;
    }

    /** Refuses segments whose pages add up to more than {@link #MAX_LOADED_BYTES}, before any page is listed. */
    private static void checkSpan(ElfImage image) {
        long pages = 0;
        for (ElfImage.Segment s : image.segments()) {
            if (s.memSize() > 0) pages += ((s.vaddr() + s.memSize() - 1) >>> 12) - (s.vaddr() >>> 12) + 1;
        }
        if (pages << 12 > MAX_LOADED_BYTES) {
            throw new SyscallReplayException(String.format("its PT_LOAD segments span %,d pages (%,d MiB); a rebuilt program may load"
                    + " at most %d MiB", pages, (pages << 12) >> 20, MAX_LOADED_BYTES >> 20));
        }
    }

    private static void clip(MemoryWrite w, int lo, int hi, List<MemoryWrite> out) {
        long start = Math.max(Integer.toUnsignedLong(w.address()), (long) lo << 12);
        long end = Math.min(Integer.toUnsignedLong(w.address()) + w.bytes().length, (long) (hi + 1) << 12);
        if (start >= end) return;
        int from = (int) (start - Integer.toUnsignedLong(w.address()));
        out.add(new MemoryWrite((int) start, Arrays.copyOfRange(w.bytes(), from, from + (int) (end - start))));
    }

    /** p_flags of each PT_LOAD header, in file order (ElfImage has checked the table's bounds). */
    private static int[] loadFlags(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        int phoff = b.getInt(28), size = b.getShort(42) & 0xFFFF, n = b.getShort(44) & 0xFFFF;
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int at = phoff + i * size;
            if (b.getInt(at) == PT_LOAD) out.add(b.getInt(at + 24));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
