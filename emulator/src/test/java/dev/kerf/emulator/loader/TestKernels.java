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
