package dev.kerf.formats.slice;

import dev.kerf.formats.recording.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain JSON trees for the slice header's open-ended members (parameters, privacy): a value is a
 * String, Long (Integer accepted when writing), Boolean, null, List or Map with String keys, maps
 * in insertion order. Parsing goes through the strict {@link Json} reader of the recording manifest.
 */
public final class JsonTree {
    private JsonTree() {}

    /** Compact JSON text of {@code v}; anything else than the types above is an IllegalArgumentException. */
    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        if (v == null) sb.append("null");
        else if (v instanceof String s) sb.append(Json.quote(s));
        else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) sb.append(v);
        else if (v instanceof Boolean b) sb.append(b);
        else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(", ");
                write(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) throw new IllegalArgumentException("JSON keys must be strings");
                if (!first) sb.append(", ");
                first = false;
                sb.append(Json.quote(k)).append(": ");
                write(sb, e.getValue());
            }
            sb.append('}');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getSimpleName());
        }
    }

    /** The plain tree of a parsed value (offsets dropped). */
    @SuppressWarnings("unchecked")
    public static Object plain(Json.Value v) {
        Object o = v.value();
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object item : l) out.add(plain((Json.Value) item));
            return out;
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Json.Value> e : ((Map<String, Json.Value>) m).entrySet()) out.put(e.getKey(), plain(e.getValue()));
            return out;
        }
        return o;
    }
}
