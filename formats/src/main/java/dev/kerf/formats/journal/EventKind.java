package dev.kerf.formats.journal;

/** Event type codes as stored in the journal. Codes are never reused; never use ordinal(). */
public enum EventKind {
    PORT_IN(1), INTERRUPT(2), RDTSC(3), STATE_HASH(4), END(5), PORT_BLOCK(6), PORT_CHANGE(7);

    public final int code;

    EventKind(int code) { this.code = code; }

    /** The kind for {@code code}, or null if unknown (the reader reports it with file and offset). */
    public static EventKind fromCode(int code) {
        for (EventKind k : values()) if (k.code == code) return k;
        return null;
    }

    /** True for the kinds that name an icount (the replay waits for them rather than being asked). */
    public boolean timed() {
        return this == INTERRUPT || this == PORT_CHANGE || this == STATE_HASH || this == END;
    }
}
