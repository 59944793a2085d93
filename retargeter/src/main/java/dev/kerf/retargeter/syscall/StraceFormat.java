package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.introspect.SyscallFormat;
import dev.kerf.emulator.introspect.SyscallRecord;

import java.util.Arrays;
import java.util.List;

/**
 * The strace view of a logged call, exactly as {@code kerf trace} prints it (through the same
 * {@link SyscallFormat#line}): paths up to 256 bytes, read and write buffers up to 32 bytes, then
 * {@code ...}; read's buffer from the bytes the kernel wrote, the others from the bytes passed in.
 */
public final class StraceFormat {
    static final int MAX_BYTES = 32, MAX_PATH = 256;

    private StraceFormat() {}

    /** {@code read(3, "i", 1) = 1} */
    public static String line(SyscallCall c) {
        return SyscallFormat.line(record(c));
    }

    /** The call as the introspection layer's record (pid and icounts unknown: 0; entry icount = nothing). */
    public static SyscallRecord record(SyscallCall c) {
        return new SyscallRecord(0, "", c.nr(), c.args(), 0, 0, c.returned(), c.result(), strings(c));
    }

    /** Decoded strings by argument index (null: shown as a number), as {@code kerf trace} decodes them. */
    public static String[] strings(SyscallCall c) {
        String[] out = new String[5];
        for (int i = 0; i < 5; i++) {
            if (!CallArguments.isString(c.nr(), i)) continue;
            if (CallArguments.isRead(c.nr())) {
                if (c.returned() && c.result() >= 0) out[i] = readBuffer(c, i);
            } else if (CallArguments.isWrite(c.nr())) {
                out[i] = buffer(c.input(i), i + 1 < 5 ? c.arg(i + 1) : 0);
            } else {
                CallInput in = c.input(i);
                if (in != null) out[i] = SyscallFormat.quote(Arrays.copyOf(in.bytes(), Math.min(in.bytes().length, MAX_PATH)),
                        in.bytes().length > MAX_PATH || in.cut());
            }
        }
        return out;
    }

    private static String buffer(CallInput in, int length) {
        if (in == null || length < 0) return null;
        int shown = Math.min(length, MAX_BYTES);
        if (in.bytes().length < shown) return null;
        return SyscallFormat.quote(Arrays.copyOf(in.bytes(), shown), length > MAX_BYTES);
    }

    /** The first bytes read, rebuilt from the kernel's writes relative to the buffer; null when they do not cover them. */
    private static String readBuffer(SyscallCall c, int arg) {
        int shown = Math.min(c.result(), MAX_BYTES);
        byte[] b = new byte[shown];
        boolean[] have = new boolean[shown];
        List<CallWrite> writes = c.writes();
        for (CallWrite w : writes) {
            if (w.arg() != arg) continue;
            for (int k = 0; k < w.bytes().length; k++) {
                long at = Integer.toUnsignedLong(w.offset()) + k;
                if (at < shown) {
                    b[(int) at] = w.bytes()[k];
                    have[(int) at] = true;
                }
            }
        }
        for (boolean h : have) if (!h) return null;
        return SyscallFormat.quote(b, c.result() > MAX_BYTES);
    }
}
