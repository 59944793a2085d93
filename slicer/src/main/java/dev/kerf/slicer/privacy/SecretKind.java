package dev.kerf.slicer.privacy;

/** Where a secret came from. The code is what the privacy manifest stores; codes are never reused. */
public enum SecretKind {
    /** {@code --secret STRING}: matched as its UTF-8 bytes and as UTF-16LE. */
    LITERAL("literal"),
    /** One line of a {@code --secret-file}: its raw bytes, and UTF-16LE when the line is valid UTF-8. */
    FILE_LINE("file-line"),
    /** {@code --secret-regex RE}: a Java regex over the bytes read as ISO-8859-1 text. */
    REGEX("regex"),
    /** Bytes an {@code --exclude-process} process holds, registered by the slicer. */
    PROCESS("process");

    private final String code;

    SecretKind(String code) { this.code = code; }

    public String code() { return code; }

    /** The kind stored under {@code code}; unknown codes are rejected, never guessed. */
    public static SecretKind fromCode(String code) {
        for (SecretKind k : values()) if (k.code.equals(code)) return k;
        throw new IllegalArgumentException("unknown secret kind \"" + code + "\"");
    }
}
