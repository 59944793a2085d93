package dev.kerf.retargeter.jvm;

/** Bytes as a short quoted string for reports: printable ASCII as is, the rest escaped, long data cut. */
final class Quote {
    /** Bytes shown; longer data is cut and its length given. */
    static final int MAX = 48;

    private Quote() {}

    static String bytes(byte[] b) {
        return bytes(b, b.length);
    }

    /** {@code head}: the first bytes (at least {@link #MAX} of them when there are so many) of {@code length} bytes. */
    static String bytes(byte[] b, long length) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < Math.min(b.length, MAX); i++) {
            int c = b[i] & 0xFF;
            switch (c) {
                case '\n' -> s.append("\\n");
                case '\t' -> s.append("\\t");
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                default -> s.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
            }
        }
        s.append('"');
        if (length > MAX) s.append("... (").append(length).append(" bytes)");
        return s.toString();
    }
}
