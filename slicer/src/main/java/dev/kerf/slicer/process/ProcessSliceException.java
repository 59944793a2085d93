package dev.kerf.slicer.process;

/** A process slice cannot be made: one line for the user (unknown process, no user execution, a divergence...). */
public final class ProcessSliceException extends RuntimeException {
    public ProcessSliceException(String message) {
        super(message, null, false, false);
    }
}
