package dev.kerf.formats.journal;

/** Why a recording ended. Codes are stored; never reused. */
public enum EndReason {
    GUEST_EXIT(1), MAX_INSNS(2), TRIPLE_FAULT(3), HALTED_FOREVER(4), STOPPED(5), GUEST_RESET(6);

    public final int code;

    EndReason(int code) { this.code = code; }

    public static EndReason fromCode(int code) {
        for (EndReason r : values()) if (r.code == code) return r;
        return null;
    }
}
