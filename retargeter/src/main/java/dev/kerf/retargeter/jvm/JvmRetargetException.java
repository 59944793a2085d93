package dev.kerf.retargeter.jvm;

/** The process slice cannot be retargeted to the JVM level; the message is one line for the user. */
public final class JvmRetargetException extends RuntimeException {
    private final boolean diverged;

    public JvmRetargetException(String message) {
        this(message, false);
    }

    /** {@code diverged}: the process slice itself did not replay (as opposed to not being a minijvm process). */
    public JvmRetargetException(String message, boolean diverged) {
        super(message);
        this.diverged = diverged;
    }

    public boolean diverged() {
        return diverged;
    }
}
