package dev.kerf.slicer.privacy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One named secret: either byte patterns (a literal, one for each encoding it is searched in) or a
 * regex. {@link #toString()} and every report name a secret by index, kind and origin — never by
 * its value, so no log line, manifest or error message can carry it.
 */
public final class Secret {
    private final int index;
    private final SecretKind kind;
    private final String origin;
    private final List<byte[]> patterns;
    private final Pattern regex;

    Secret(int index, SecretKind kind, String origin, List<byte[]> patterns, Pattern regex) {
        this.index = index;
        this.kind = kind;
        this.origin = origin;
        this.patterns = patterns;
        this.regex = regex;
    }

    /** Position in its {@link SecretSet}, from 0; stable for the life of the set. */
    public int index() { return index; }

    public SecretKind kind() { return kind; }

    /** Where it was named, safe to show: {@code --secret}, {@code --secret-file s.txt:3}, {@code process vault}. */
    public String origin() { return origin; }

    /** Byte patterns searched for (literal kinds); empty for a regex. Callers must not modify them. */
    List<byte[]> patterns() { return patterns; }

    /** The regex (kind {@link SecretKind#REGEX}), else null. */
    Pattern regex() { return regex; }

    @Override
    public String toString() {
        return "secret #" + index + " (" + origin + ")";
    }
}
