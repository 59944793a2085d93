package dev.kerf.retargeter.jvm;

import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.Transition;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserRegisters;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import dev.kerf.slicer.process.ProcessSliceCodec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A process slice of a hand-assembled stand-in for minijvm: it calls its class hook once (class
 * {@code Hello}), its native hook once ({@code print("hi\n")} at {@code Hello.main @3}), its exit
 * hook with 0, then exits with {@code int 0x80}. Each hook is a lone {@code ret}; the export sits
 * in its data page, {@code minijvm Hello} on its initial stack. Enough to test the retargeter
 * before the real minijvm exists.
 */
final class HandMadeMinijvm {
    static final int CODE = 0x08048000, DATA = 0x08049000, STACK = 0xBFFFF000, ESP = 0xBFFFFF00;
    static final byte[] CLASS_BYTES = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 52};
    static final int[] FLAT_USER = {0x23, 0, -1, 0xC0F3, 0x1B, 0, -1, 0xC0FB, 0x23, 0, -1, 0xC0F3,
            0x23, 0, -1, 0xC0F3, 0x23, 0, -1, 0xC0F3, 0x23, 0, -1, 0xC0F3};

    private HandMadeMinijvm() {}

    /**
     * @param magic   the export's magic ({@code KERFJVM1} for a minijvm, anything else for another program)
     * @param version the export's version
     * @param digestOffset added to the exit's register digest (non-zero: the slice diverges)
     */
    static Slice slice(String magic, int version, int digestOffset) throws Exception {
        return slice(magic, version, digestOffset, List.of("/bin/minijvm", "Hello"));
    }

    /** The same, started with {@code argv} (at most 8 strings of at most 15 bytes). */
    static Slice slice(String magic, int version, int digestOffset, List<String> argv) throws Exception {
        int classHook = CODE + 0x100, nativeHook = CODE + 0x110, uncaughtHook = CODE + 0x120, exitHook = CODE + 0x130;
        ByteBuffer code = le(4096);
        push(code, DATA + 0x40);
        call(code, classHook);
        push(code, DATA + 0x80);
        call(code, nativeHook);
        push(code, 0);
        call(code, exitHook);
        code.put((byte) 0xB8).putInt(1).put((byte) 0xBB).putInt(0).put((byte) 0xCD).put((byte) 0x80);
        int afterInt = CODE + code.position();
        for (int h : new int[] {classHook, nativeHook, uncaughtHook, exitHook}) code.put(h - CODE, (byte) 0xC3);
        ByteBuffer data = le(4096);
        data.put(magic.getBytes(StandardCharsets.US_ASCII)).putInt(version).putInt(classHook).putInt(nativeHook).putInt(uncaughtHook)
                .putInt(exitHook);
        data.putInt(0x40, DATA + 0x200).putInt(0x44, DATA + 0x300).putInt(0x48, CLASS_BYTES.length);
        int[] n = {0, DATA + 0x200, DATA + 0x210, DATA + 0x220, 3, DATA + 0x240, 0, 0, DATA + 0x250, 3, 0};
        for (int i = 0; i < n.length; i++) data.putInt(0x80 + 4 * i, n[i]);
        cstr(data, 0x200, "Hello");
        cstr(data, 0x210, "main");
        cstr(data, 0x220, "([Ljava/lang/String;)V");
        cstr(data, 0x240, "print");
        cstr(data, 0x250, "hi\n");
        data.position(0x300);
        data.put(CLASS_BYTES);
        ByteBuffer stack = le(4096);
        int s = ESP - STACK;
        stack.putInt(s, argv.size());
        for (int i = 0; i < argv.size(); i++) {
            stack.putInt(s + 4 + 4 * i, ESP + 0x40 + 0x10 * i);
            cstr(stack, s + 0x40 + 0x10 * i, argv.get(i));
        }
        ProcessImage image = new ProcessImage(7, "buggy", 0x80010011, 0, FLAT_USER, new int[] {0x80}, List.of(), regs(0, 0, CODE),
                List.of(new PageMapping(CODE >>> 12, false), new PageMapping(DATA >>> 12, true), new PageMapping(STACK >>> 12, true)),
                List.of(new MemoryWrite(CODE, code.array()), new MemoryWrite(DATA, data.array()), new MemoryWrite(STACK, stack.array())));
        ProcessSlice slice = new ProcessSlice(image, List.of(
                new Transition(15, new UserExit.Syscall(0x80, 1, new int[] {0, 0, 0, 0, 0}), regs(1, 0, afterInt).digest() + digestOffset, null)));
        SliceHeader h = new SliceHeader(SliceKind.PROCESS, Map.of("pid", 7L), "cd".repeat(32), "jvm.kerf", 32 << 20, 0, List.of(), Map.of());
        SliceWriter w = new SliceWriter(h);
        ProcessSliceCodec.write(slice, w);
        return SliceReader.read(w.finish(), Path.of("P.kslice"));
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** push imm32; the matching {@code lea esp,[esp+4]} comes after the call (it keeps EFLAGS). */
    private static void push(ByteBuffer b, int v) {
        b.put((byte) 0x68).putInt(v);
    }

    private static void call(ByteBuffer b, int target) {
        b.put((byte) 0xE8).putInt(target - (CODE + b.position() + 4));
        b.put(new byte[] {(byte) 0x8D, 0x64, 0x24, 0x04});
    }

    private static void cstr(ByteBuffer b, int at, String s) {
        byte[] t = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < t.length; i++) b.put(at + i, t[i]);
    }

    private static UserRegisters regs(int eax, int ebx, int eip) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int[] v = {eax, 0, 0, ebx, ESP, 0, 0, 0, eip, 0x202};
        for (int x : v) for (int k = 0; k < 4; k++) o.write(x >>> (8 * k));
        return new UserRegisters(o.toByteArray());
    }
}
