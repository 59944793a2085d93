package dev.kerf.emulator.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds small Multiboot kernels byte by byte, so loader tests need no toolchain. */
public final class TestKernels {
    static final int LOAD_ADDR = 0x100000;
    static final int CODE_OFFSET = 0x1000;

    private TestKernels() {}

    /**
     * An ELF32 i386 executable with one PT_LOAD at 1 MiB: the Multiboot header (flags 3), then
     * {@code code}, then {@code bss} zero bytes. Entry = the first code byte.
     */
    public static byte[] elf(byte[] code, int bss) {
        int headerSize = 12;
        int fileSize = headerSize + code.length;
        ByteBuffer b = ByteBuffer.allocate(CODE_OFFSET + fileSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) 3).putInt(20, 1);
        b.putInt(24, LOAD_ADDR + headerSize);
        b.putInt(28, 52);                      // phoff
        b.putShort(40, (short) 52).putShort(42, (short) 32).putShort(44, (short) 1);
        b.putInt(52, 1).putInt(56, CODE_OFFSET).putInt(60, LOAD_ADDR).putInt(64, LOAD_ADDR);
        b.putInt(68, fileSize).putInt(72, fileSize + bss).putInt(76, 7).putInt(80, 0x1000);
        b.putInt(CODE_OFFSET, 0x1BADB002).putInt(CODE_OFFSET + 4, 3).putInt(CODE_OFFSET + 8, -(0x1BADB002 + 3));
        b.position(CODE_OFFSET + headerSize);
        b.put(code);
        return b.array();
    }

    /** Where {@link #elf} puts the first code byte in memory (the entry point). */
    public static final int CODE_ADDR = LOAD_ADDR + 12;

    /**
     * {@link #elf} plus a symbol table: section headers (null, .text, .symtab, .strtab) after the
     * code, and one STT_FUNC symbol per name at {@code CODE_ADDR + offset}, in the order given.
     */
    public static byte[] elfWithSymbols(byte[] code, java.util.LinkedHashMap<String, Integer> functions) {
        byte[] image = elf(code, 0);
        java.io.ByteArrayOutputStream strtab = new java.io.ByteArrayOutputStream();
        strtab.write(0);
        ByteBuffer symtab = ByteBuffer.allocate(16 * (functions.size() + 1)).order(ByteOrder.LITTLE_ENDIAN);
        symtab.position(16); // symbol 0 is the null symbol
        for (var f : functions.entrySet()) {
            symtab.putInt(strtab.size()).putInt(CODE_ADDR + f.getValue()).putInt(0);
            symtab.put((byte) 0x12).put((byte) 0).putShort((short) 1); // global FUNC in section 1
            strtab.writeBytes(f.getKey().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            strtab.write(0);
        }
        int symOff = image.length, strOff = symOff + symtab.capacity(), shOff = strOff + strtab.size();
        ByteBuffer b = ByteBuffer.allocate(shOff + 4 * 40).order(ByteOrder.LITTLE_ENDIAN);
        b.put(image).put(symtab.array()).put(strtab.toByteArray());
        b.putInt(32, shOff).putShort(46, (short) 40).putShort(48, (short) 4).putShort(50, (short) 0);
        int text = shOff + 40, sym = shOff + 80, str = shOff + 120;
        b.putInt(text + 4, 1).putInt(text + 12, LOAD_ADDR).putInt(text + 16, CODE_OFFSET).putInt(text + 20, 12 + code.length);
        b.putInt(sym + 4, 2).putInt(sym + 16, symOff).putInt(sym + 20, symtab.capacity()).putInt(sym + 24, 3)
                .putInt(sym + 36, 16);
        b.putInt(str + 4, 3).putInt(str + 16, strOff).putInt(str + 20, strtab.size());
        return b.array();
    }

    /** A raw (non-ELF) image using the a.out kludge: header at file offset 0, loaded at 1 MiB. */
    public static byte[] kludge(byte[] code, int bss) {
        int headerSize = 32;
        ByteBuffer b = ByteBuffer.allocate(headerSize + code.length).order(ByteOrder.LITTLE_ENDIAN);
        int flags = 0x10000;
        b.putInt(0x1BADB002).putInt(flags).putInt(-(0x1BADB002 + flags));
        b.putInt(LOAD_ADDR).putInt(LOAD_ADDR).putInt(0).putInt(LOAD_ADDR + headerSize + code.length + bss);
        b.putInt(LOAD_ADDR + headerSize);
        b.put(code);
        return b.array();
    }
}
