package dev.kerf.emulator.introspect.linux;

/**
 * Guest RAM holds no Linux symbol table kerf can decode, or one that contradicts itself. The
 * message is one line for a person; {@link #kind()} tells the two cases apart.
 */
public final class KallsymsException extends RuntimeException {
    /** Why no table came back. */
    public enum Kind {
        /** Nothing in RAM looks like a kallsyms token table. */
        NOT_FOUND,
        /** A token table was found but the tables around it are inconsistent (the message says where and how). */
        INCONSISTENT
    }

    private final Kind kind;

    public KallsymsException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
