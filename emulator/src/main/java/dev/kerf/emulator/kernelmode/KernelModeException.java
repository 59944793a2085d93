package dev.kerf.emulator.kernelmode;

/** A kernel component replay that cannot go on (a port access other than recorded, a bad slice): one line. */
public final class KernelModeException extends RuntimeException {
    public KernelModeException(String message) {
        super(message);
    }
}
