package dev.kerf.emulator.introspect;

/** The guest does not describe itself in a way this tool understands; the message is one line for a person. */
public final class IntrospectionException extends RuntimeException {
    public IntrospectionException(String message) {
        super(message, null, false, false);
    }
}
