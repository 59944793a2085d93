package dev.kerf.slicer.privacy;

/**
 * What replaying the slice after removal gave: {@code verified}; {@code diverged} at a point (the
 * replayer's words: event, instruction count, eip, what differed), written only with
 * {@code --allow-divergence}; {@code refused} (diverged without it: no file, the manifest is only
 * shown); {@code pending} while the slice is being built, never in a written slice.
 */
public record ReplayVerdict(Outcome outcome, String detail) {
    public enum Outcome {
        VERIFIED("verified"), DIVERGED("diverged"), REFUSED("refused"), PENDING("pending");

        private final String code;

        Outcome(String code) { this.code = code; }

        public String code() { return code; }

        public static Outcome fromCode(String code) {
            for (Outcome o : values()) if (o.code.equals(code)) return o;
            throw new IllegalArgumentException("unknown replay verdict \"" + code + "\"");
        }
    }

    public ReplayVerdict {
        if (outcome == null) throw new IllegalArgumentException("a verdict needs an outcome");
        if ((outcome == Outcome.DIVERGED || outcome == Outcome.REFUSED) && (detail == null || detail.isBlank()))
            throw new IllegalArgumentException(outcome.code() + " needs the point where replay diverged");
    }

    public static ReplayVerdict verified() { return new ReplayVerdict(Outcome.VERIFIED, null); }

    public static ReplayVerdict diverged(String point) { return new ReplayVerdict(Outcome.DIVERGED, point); }

    public static ReplayVerdict refused(String point) { return new ReplayVerdict(Outcome.REFUSED, point); }

    public static ReplayVerdict pending() { return new ReplayVerdict(Outcome.PENDING, null); }

    @Override
    public String toString() {
        return switch (outcome) {
            case VERIFIED -> "verified";
            case DIVERGED -> "diverged at " + detail;
            case REFUSED -> "refused: diverged at " + detail;
            case PENDING -> "not replayed yet";
        };
    }
}
