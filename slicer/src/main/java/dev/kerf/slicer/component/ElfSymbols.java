package dev.kerf.slicer.component;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The function symbols (.symtab, STT_FUNC, size > 0) of a 32-bit ELF executable, and its loaded
 * bytes by address (PT_LOAD file data). Every offset is checked: a damaged file is one
 * {@link ComponentSliceException} naming the file and the offset.
 */
final class ElfSymbols {
    /** A function: [start, end). */
    record Function(String name, long start, long end) {}

    private final String name;
    private final byte[] file;
    private final List<Function> functions;
    /** PT_LOAD segments: vaddr, file offset, file size. */
    private final List<long[]> loads = new ArrayList<>();

    private ElfSymbols(String name, byte[] file) {
        this.name = name;
        this.file = file;
        if (file.length < 52 || file[0] != 0x7F || file[1] != 'E' || file[2] != 'L' || file[3] != 'F' || file[4] != 1 || file[5] != 1) {
            throw fail(0, "not a 32-bit little-endian ELF file");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        readLoads(b);
        this.functions = readFunctions(b);
    }

    static ElfSymbols parse(String name, byte[] file) {
        return new ElfSymbols(name, file);
    }

    /**
     * Symbols and code without an ELF file: {@code functions} (sorted by start) and the bytes
     * {@code code} loaded at {@code base} (a running kernel's text, read from its memory).
     */
    static ElfSymbols of(String name, List<Function> functions, long base, byte[] code) {
        return new ElfSymbols(name, functions, base, code);
    }

    private ElfSymbols(String name, List<Function> functions, long base, byte[] code) {
        this.name = name;
        this.file = code;
        this.functions = List.copyOf(functions);
        loads.add(new long[] {base, 0, code.length});
    }

    List<Function> functions() {
        return functions;
    }

    private ComponentSliceException fail(long offset, String problem) {
        return new ComponentSliceException(name + ": offset " + offset + ": " + problem);
    }

    private long u32(ByteBuffer b, long off) {
        if (off < 0 || off + 4 > file.length) throw fail(off, "truncated");
        return b.getInt((int) off) & 0xFFFFFFFFL;
    }

    private int u16(ByteBuffer b, long off) {
        if (off < 0 || off + 2 > file.length) throw fail(off, "truncated");
        return b.getShort((int) off) & 0xFFFF;
    }

    private void readLoads(ByteBuffer b) {
        long phoff = u32(b, 28);
        int size = u16(b, 42), n = u16(b, 44);
        for (int i = 0; i < n; i++) {
            long ph = phoff + (long) i * size;
            if (u32(b, ph) != 1) continue;
            long offset = u32(b, ph + 4), vaddr = u32(b, ph + 8), filesz = u32(b, ph + 16);
            if (offset + filesz > file.length) throw fail(ph, "segment data past the end of the file");
            loads.add(new long[] {vaddr, offset, filesz});
        }
    }

    private List<Function> readFunctions(ByteBuffer b) {
        long shoff = u32(b, 32);
        int size = u16(b, 46), n = u16(b, 48);
        List<Function> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long sh = shoff + (long) i * size;
            if (u32(b, sh + 4) != 2) continue; // SHT_SYMTAB
            long off = u32(b, sh + 16), len = u32(b, sh + 20), link = u32(b, sh + 24);
            if (off + len > file.length || link >= n) throw fail(sh, "symbol table outside the file");
            long strSh = shoff + link * size;
            long strOff = u32(b, strSh + 16), strLen = u32(b, strSh + 20);
            if (strOff + strLen > file.length) throw fail(strSh, "string table outside the file");
            for (long s = off; s + 16 <= off + len; s += 16) {
                long value = u32(b, s + 4), symSize = u32(b, s + 8);
                int info = file[(int) s + 12] & 0xFF;
                if ((info & 0xF) != 2 || symSize == 0) continue; // STT_FUNC with a size
                // its code is in this file: a larger size would make bytesAt allocate for bytes that are not there
                if (symSize > file.length) throw fail(s, "function size " + symSize + " is larger than the file (" + file.length + " bytes)");
                long nameOff = u32(b, s);
                if (nameOff >= strLen) throw fail(s, "symbol name outside the string table");
                int start = (int) (strOff + nameOff), end = start;
                while (end < strOff + strLen && file[end] != 0) end++;
                out.add(new Function(new String(file, start, end - start, StandardCharsets.ISO_8859_1), value, value + symSize));
            }
        }
        out.sort(Comparator.comparingLong(Function::start).thenComparing(Function::name));
        return List.copyOf(out);
    }

    /** The function holding address {@code a}, or null. */
    Function at(long a) {
        int lo = 0, hi = functions.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Function f = functions.get(mid);
            if (a < f.start()) hi = mid - 1;
            else if (a >= f.end()) lo = mid + 1;
            else return f;
        }
        return null;
    }

    /** The file's bytes loaded at [a, a+n) (zeros where no segment's file data lies: .bss). */
    byte[] bytesAt(long a, int n) {
        byte[] out = new byte[n];
        for (long[] l : loads) {
            long from = Math.max(a, l[0]), to = Math.min(a + n, l[0] + l[2]);
            if (from < to) System.arraycopy(file, (int) (l[1] + from - l[0]), out, (int) (from - a), (int) (to - from));
        }
        return out;
    }
}
