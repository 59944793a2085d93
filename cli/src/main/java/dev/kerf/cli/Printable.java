package dev.kerf.cli;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text from an input file made safe for a terminal: every name or string kerf prints that came
 * from a recording, slice, log, pack or error message quoting one goes through {@link #escape}.
 * A hostile file can then not move the cursor, clear the screen, recolour or retitle the terminal,
 * or forge a line ("all checks passed") with its own bytes.
 *
 * <p>Escaped: C0 controls (U+0000..U+001F, newline and tab included), DEL (U+007F), C1 controls
 * (U+0080..U+009F, which some terminals obey as 8-bit escape sequences), unpaired UTF-16
 * surrogates (what invalid UTF-8 leaves after lenient decoding) and the backslash itself (doubled),
 * so that an escape in the output always means the file held that byte. Everything else, other
 * non-ASCII letters included, is printed as it is.
 */
public final class Printable {
    private Printable() {}

    /** {@code s} with control characters as {@code \x1b}-style escapes (over 0xFF: {@code \u009b}-style) and {@code \} as {@code \\}. */
    public static String escape(String s) {
        if (s == null) return "null";
        if (clean(s)) return s;
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (control(c) || Character.isSurrogate(c)) {
                b.append(c <= 0xFF ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Bytes read as UTF-8: valid sequences as text (escaped as {@link #escape}), every byte of an invalid one as {@code \xNN}. */
    public static String escape(byte[] utf8) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        CharBuffer out = CharBuffer.allocate(utf8.length);
        StringBuilder b = new StringBuilder(utf8.length + 16);
        while (in.hasRemaining()) {
            CoderResult r = d.decode(in, out, true);
            out.flip();
            b.append(escape(out.toString()));
            out.clear();
            if (r.isError()) {
                for (int k = 0; k < r.length(); k++) b.append(String.format("\\x%02x", in.get() & 0xFF));
            } else if (r.isUnderflow()) {
                break;
            }
        }
        return b.toString();
    }

    /** True when {@code s} prints as itself (the common case: no copy). */
    private static boolean clean(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || control(c) || Character.isSurrogate(c)) return false;
        }
        return true;
    }

    private static boolean control(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }
}
