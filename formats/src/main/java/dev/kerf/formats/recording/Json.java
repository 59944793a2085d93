package dev.kerf.formats.recording;

import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader for manifests: RFC 8259 minus fractions and exponents (a manifest
 * holds only integers), nesting at most {@value #MAX_DEPTH} deep, no duplicate keys, strict UTF-8,
 * nothing after the value but whitespace. Every value remembers its byte offset for error messages.
 * Input size is bounded by the caller. Public for the slice header (formats.slice), which shares it.
 */
public final class Json {
    static final int MAX_DEPTH = 16;

    /** A parsed value: String, Long, Boolean, null, List&lt;Value&gt; or Map&lt;String, Value&gt;, and where it starts. */
    public record Value(long offset, Object value) {}

    /** Malformed JSON or an unexpected shape, at a byte offset. */
    public static final class JsonException extends RuntimeException {
        final long offset;

        public long offset() { return offset; }

        public JsonException(long offset, String message) {
            super(message, null, false, false);
            this.offset = offset;
        }
    }

    private final byte[] in;
    private int pos;

    private Json(byte[] in) { this.in = in; }

    public static Value parse(byte[] bytes) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.charset.CoderResult r = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in, java.nio.CharBuffer.allocate(bytes.length), true);
        if (r.isError()) throw new JsonException(in.position(), "not valid UTF-8");
        Json j = new Json(bytes);
        Value v = j.value(0);
        j.ws();
        if (j.pos != bytes.length) throw new JsonException(j.pos, "unexpected data after the JSON value");
        return v;
    }

    private Value value(int depth) {
        ws();
        if (depth > MAX_DEPTH) throw new JsonException(pos, "nested deeper than " + MAX_DEPTH);
        if (pos >= in.length) throw new JsonException(pos, "unexpected end of JSON");
        int at = pos;
        switch (in[pos]) {
            case '{': return new Value(at, object(depth));
            case '[': return new Value(at, array(depth));
            case '"': return new Value(at, string());
            case 't': literal("true"); return new Value(at, Boolean.TRUE);
            case 'f': literal("false"); return new Value(at, Boolean.FALSE);
            case 'n': literal("null"); return new Value(at, null);
            default: return new Value(at, number());
        }
    }

    private Map<String, Value> object(int depth) {
        Map<String, Value> m = new LinkedHashMap<>();
        pos++;
        ws();
        if (peek() == '}') { pos++; return m; }
        while (true) {
            ws();
            int keyAt = pos;
            if (peek() != '"') throw new JsonException(pos, "expected a string key");
            String key = string();
            if (m.containsKey(key)) throw new JsonException(keyAt, "duplicate key \"" + key + "\"");
            ws();
            expect(':');
            m.put(key, value(depth + 1));
            ws();
            if (peek() == ',') { pos++; continue; }
            expect('}');
            return m;
        }
    }

    private List<Value> array(int depth) {
        List<Value> l = new ArrayList<>();
        pos++;
        ws();
        if (peek() == ']') { pos++; return l; }
        while (true) {
            l.add(value(depth + 1));
            ws();
            if (peek() == ',') { pos++; continue; }
            expect(']');
            return l;
        }
    }

    private String string() {
        int opening = pos++;
        StringBuilder sb = new StringBuilder();
        int start = pos;
        while (true) {
            if (pos >= in.length) throw new JsonException(pos, "unterminated string");
            int b = in[pos] & 0xFF;
            if (b == '"') {
                sb.append(new String(in, start, pos - start, StandardCharsets.UTF_8));
                pos++;
                checkSurrogates(sb, opening);
                return sb.toString();
            }
            if (b < 0x20) throw new JsonException(pos, "control character in string");
            if (b == '\\') {
                sb.append(new String(in, start, pos - start, StandardCharsets.UTF_8));
                escape(sb);
                start = pos;
            } else {
                pos++;
            }
        }
    }

    /** \\u escapes may spell UTF-16 surrogates; only well-formed pairs are text. */
    private static void checkSurrogates(CharSequence s, int at) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
            else if (Character.isSurrogate(c)) throw new JsonException(at, "string holds an unpaired UTF-16 surrogate");
        }
    }

    private void escape(StringBuilder sb) {
        int at = pos++;
        if (pos >= in.length) throw new JsonException(at, "unterminated escape");
        char c = (char) in[pos++];
        switch (c) {
            case '"', '\\', '/' -> sb.append(c);
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                if (pos + 4 > in.length) throw new JsonException(at, "short \\u escape");
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit(in[pos++], 16);
                    if (d < 0) throw new JsonException(at, "bad \\u escape");
                    v = v * 16 + d;
                }
                sb.append((char) v);
            }
            default -> throw new JsonException(at, "bad escape \\" + c);
        }
    }

    private Long number() {
        int at = pos;
        boolean neg = peek() == '-';
        if (neg) pos++;
        int digits = pos;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') pos++;
        int n = pos - digits;
        if (n == 0) throw new JsonException(at, "unexpected character '" + (char) (in[at] & 0xFF) + "'");
        if (n > 1 && in[digits] == '0') throw new JsonException(at, "leading zero in number");
        if (pos < in.length && (in[pos] == '.' || in[pos] == 'e' || in[pos] == 'E'))
            throw new JsonException(at, "only integers are allowed");
        if (n > 19) throw new JsonException(at, "number out of range");
        try {
            return Long.parseLong(new String(in, at, pos - at, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new JsonException(at, "number out of range");
        }
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++)
            if (pos + i >= in.length || in[pos + i] != word.charAt(i)) throw new JsonException(pos, "bad literal");
        pos += word.length();
    }

    private void expect(char c) {
        if (peek() != c) throw new JsonException(pos, pos >= in.length ? "unexpected end of JSON" : "expected '" + c + "'");
        pos++;
    }

    private int peek() { return pos < in.length ? in[pos] : -1; }

    private void ws() {
        while (pos < in.length && (in[pos] == ' ' || in[pos] == '\t' || in[pos] == '\n' || in[pos] == '\r')) pos++;
    }

    /** JSON string literal for {@code s}. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) sb.append(String.format("\\u%04x", (int) c)); // C0, DEL, C1: never raw to a terminal
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    // ---- reading a parsed document: one message shape for every format built on JSON ----

    /** {@code v} as an object; else an error at its offset naming {@code what}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Value> object(Value v, String what) {
        if (!(v.value() instanceof Map)) throw new JsonException(v.offset(), what + " must be a JSON object");
        return (Map<String, Value>) v.value();
    }

    /** Member {@code key} of {@code o} (the object at {@code owner}); missing is an error at the owner's offset. */
    public static Value require(Map<String, Value> o, Value owner, String key) {
        Value v = o.get(key);
        if (v == null) throw new JsonException(owner.offset(), "missing \"" + key + "\"");
        return v;
    }

    public static String string(Map<String, Value> o, Value owner, String key) {
        Value v = require(o, owner, key);
        if (!(v.value() instanceof String s)) throw new JsonException(v.offset(), "\"" + key + "\" must be a string");
        return s;
    }

    public static long integer(Map<String, Value> o, Value owner, String key) {
        Value v = require(o, owner, key);
        if (!(v.value() instanceof Long n)) throw new JsonException(v.offset(), "\"" + key + "\" must be an integer");
        return n;
    }
}
