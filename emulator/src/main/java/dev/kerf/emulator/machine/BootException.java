package dev.kerf.emulator.machine;

/** A kernel, module or configuration the machine cannot boot; the message is one line for the user. */
public final class BootException extends RuntimeException {
    public BootException(String message) {
        super(message);
    }
}
