package dev.kerf.retargeter.jvm;

/** A JVM log cannot be replayed at all (a class it needs is missing or refused); one line for the user. */
public final class JvmReplayException extends RuntimeException {
    public JvmReplayException(String message) {
        super(message);
    }
}
