package dev.kerf.retargeter.syscall;

/**
 * Bytes the process handed to the kernel through a pointer argument, read at the call's entry:
 * the buffer of a write (its count bytes) or a path (up to its NUL, which is not stored).
 * {@code cut} is true when the bytes were longer than the log keeps ({@link CallArguments#MAX_INPUT}).
 */
public record CallInput(int arg, byte[] bytes, boolean cut) {
    public CallInput {
        if (arg < 0 || arg > 5) throw new IllegalArgumentException("argument index " + arg);
    }
}
