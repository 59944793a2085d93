package dev.kerf.slicer.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One named secret: either byte patterns (a literal, one for each form it is searched in) or a
 * regex. {@link #toString()} and every report name a secret by index, kind and origin — never by
 * its value, so no log line, manifest or error message can carry it.
 */
public final class Secret {
    /** One form of a literal secret and its bytes. */
    record FormBytes(SecretForm form, byte[] bytes) {}

    private final int index;
    private final SecretKind kind;
    private final String origin;
    private final String group;
    private final List<FormBytes> forms;
    private final Pattern regex;

    Secret(int index, SecretKind kind, String origin, String group, List<FormBytes> forms, Pattern regex) {
        this.index = index;
        this.kind = kind;
        this.origin = origin;
        this.group = group;
        this.forms = List.copyOf(forms);
        this.regex = regex;
    }

    /** Position in its {@link SecretSet}, from 0; stable for the life of the set. */
    public int index() { return index; }

    public SecretKind kind() { return kind; }

    /** Where it was named, safe to show: {@code --secret}, {@code --secret-file s.txt:3}, {@code process vault}. */
    public String origin() { return origin; }

    /**
     * The origin without what tells one secret from its neighbours ({@code --secret-file s.txt}
     * for every line of s.txt): the privacy manifest counts secrets by group, so a list of 100,000
     * lines is one entry there, not 100,000.
     */
    public String group() { return group; }

    /** Every form searched for (literal kinds); empty for a regex. Callers must not modify the bytes. */
    List<FormBytes> forms() { return forms; }

    /** Byte patterns matched over the data as it is (literal kinds); empty for a regex. */
    List<byte[]> patterns() { return select(false); }

    /** Byte patterns matched over the data with ASCII letters lowered ({@link SecretForm#folded()}). */
    List<byte[]> foldedPatterns() { return select(true); }

    private List<byte[]> select(boolean folded) {
        List<byte[]> out = new ArrayList<>();
        for (FormBytes f : forms) if (f.form().folded() == folded) out.add(f.bytes());
        return out;
    }

    /** The regex (kind {@link SecretKind#REGEX}), else null. */
    Pattern regex() { return regex; }

    @Override
    public String toString() {
        return "secret #" + index + " (" + origin + ")";
    }
}
