package dev.kerf.slicer.component;

/** A component slice that cannot be made (a bad request) or does not replay ({@link #diverged()}): one line for the user. */
public final class ComponentSliceException extends RuntimeException {
    private final boolean diverged;

    public ComponentSliceException(String message) {
        this(message, false);
    }

    public ComponentSliceException(String message, boolean diverged) {
        super(message);
        this.diverged = diverged;
    }

    /** True when the recording or the slice did not replay, false for a request that names nothing to slice. */
    public boolean diverged() {
        return diverged;
    }
}
