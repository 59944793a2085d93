package dev.kerf.retargeter.syscall;

/**
 * Bytes the kernel wrote into the process's memory during one system call. When they lie inside a
 * buffer a pointer argument names, they are stored relative to it ({@code arg} 0..5, {@code offset}
 * from that argument's value), so they can be applied to a rebuilt binary whose buffers are
 * elsewhere; otherwise {@code arg} is {@link #ABSOLUTE} and {@code offset} is the linear address.
 * {@code bytes} is live (a redactor may rewrite it in place).
 */
public record CallWrite(int arg, int offset, byte[] bytes) {
    /** The {@code arg} of a write stored at its linear address. */
    public static final int ABSOLUTE = 0xFF;

    public CallWrite {
        if (arg != ABSOLUTE && (arg < 0 || arg > 5)) throw new IllegalArgumentException("argument index " + arg);
        if (bytes.length == 0) throw new IllegalArgumentException("empty write");
    }

    /** Where the bytes go for a call made with {@code args}. */
    public int address(int[] args) {
        return arg == ABSOLUTE ? offset : args[arg] + offset;
    }

    /** {@code buf+16} or {@code 0xbffff000}, for reports. */
    public String where() {
        return arg == ABSOLUTE ? String.format("0x%08x", offset) : "arg" + arg + "+" + Integer.toUnsignedString(offset);
    }
}
