package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.introspect.SyscallFormat;
import dev.kerf.emulator.introspect.SyscallRecord;

import java.util.Arrays;
import java.util.List;

/**
 * The strace view of a logged call, exactly as {@code kerf trace} prints it for the guest the log
 * comes from ({@link SyscallAbi#line}). For the example OS through the same {@link SyscallFormat#line}:
 * paths up to 256 bytes, read and write buffers up to 32 bytes, then {@code ...}; read's buffer
 * from the bytes the kernel wrote, the others from the bytes passed in. For Linux in strace's
 * spelling ({@code StraceText}).
 */
public final class StraceFormat {
    static final int MAX_BYTES = 32, MAX_PATH = 256;

    private StraceFormat() {}

    /** {@code read(3, "i", 1) = 1} */
    public static String line(SyscallAbi abi, SyscallCall c) {
        return abi.line(c);
    }

    /** The call as the example OS's introspection record (pid and icounts unknown: 0; entry icount = nothing). */
    static SyscallRecord record(SyscallAbi abi, SyscallCall c) {
        return new SyscallRecord(0, "", c.nr(), Arrays.copyOf(c.args(), 5), 0, 0, c.returned(), c.result(), strings(abi, c));
    }

    /** Decoded strings by argument index (null: shown as a number), as {@code kerf trace} decodes them on the example OS. */
    static String[] strings(SyscallAbi abi, SyscallCall c) {
        String[] out = new String[5];
        for (int i = 0; i < 5; i++) {
            if (abi.isFilled(c.nr(), i)) {
                if (c.returned() && c.result() >= 0) out[i] = readBuffer(c, i);
            } else if (abi.isCounted(c.nr(), i)) {
                out[i] = buffer(c.input(i), i + 1 < 5 ? c.arg(i + 1) : 0);
            } else if (abi.isPassedIn(c.nr(), i)) {
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
        byte[] b = filled(c, arg, Math.min(c.result(), MAX_BYTES));
        return b == null ? null : SyscallFormat.quote(b, c.result() > MAX_BYTES);
    }

    /** The first {@code n} bytes the kernel wrote at argument {@code arg} (offsets 0..n-1); null when its writes do not cover them. */
    static byte[] filled(SyscallCall c, int arg, int n) {
        if (n < 0) return null;
        byte[] b = new byte[n];
        boolean[] have = new boolean[n];
        List<CallWrite> writes = c.writes();
        for (CallWrite w : writes) {
            if (w.arg() != arg) continue;
            for (int k = 0; k < w.bytes().length; k++) {
                long at = Integer.toUnsignedLong(w.offset()) + k;
                if (at < n) {
                    b[(int) at] = w.bytes()[k];
                    have[(int) at] = true;
                }
            }
        }
        for (boolean h : have) if (!h) return null;
        return b;
    }
}
