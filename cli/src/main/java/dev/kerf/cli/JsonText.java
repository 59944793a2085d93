package dev.kerf.cli;

/** The two JSON value forms {@code ps} and {@code trace} write by hand: strings and nullable strings. */
final class JsonText {
    private JsonText() {}

    /** A JSON string literal (control characters and non-ASCII as \\u escapes). */
    static String str(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7E) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
