package dev.kerf.retargeter.jvm;

/** The process slice cannot be retargeted to the JVM level; the message is one line for the user. */
public final class JvmRetargetException extends RuntimeException {
    public JvmRetargetException(String message) {
        super(message);
    }
}
