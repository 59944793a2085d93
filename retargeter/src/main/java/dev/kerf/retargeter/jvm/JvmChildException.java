package dev.kerf.retargeter.jvm;

/**
 * The replay's child JVM could not run or ended without anything kerf can call a verdict (it did
 * not start, it crashed, it broke the protocol): one line for the user, with the child's exit
 * status and the last line it printed on stderr.
 */
public final class JvmChildException extends RuntimeException {
    public JvmChildException(String message) {
        super(message);
    }
}
