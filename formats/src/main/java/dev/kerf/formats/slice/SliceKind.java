package dev.kerf.formats.slice;

/** What a slice holds (design §7); stored in the header as its lower-case name. */
public enum SliceKind {
    TIME, PROCESS, COMPONENT;

    /** The name in the header JSON: {@code time}, {@code process} or {@code component}. */
    public String jsonName() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** The kind named {@code s}, or null. */
    public static SliceKind ofJson(String s) {
        for (SliceKind k : values()) if (k.jsonName().equals(s)) return k;
        return null;
    }
}
