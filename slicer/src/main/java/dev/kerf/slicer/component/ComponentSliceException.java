package dev.kerf.slicer.component;

/** A component slice that cannot be made or does not replay: one line for the user. */
public final class ComponentSliceException extends RuntimeException {
    public ComponentSliceException(String message) {
        super(message);
    }
}
