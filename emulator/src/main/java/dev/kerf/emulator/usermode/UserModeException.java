package dev.kerf.emulator.usermode;

/** A process slice cannot be set up or run (a malformed slice, or user code did what a slice cannot answer). */
public final class UserModeException extends RuntimeException {
    public UserModeException(String message) {
        super(message, null, false, false);
    }
}
