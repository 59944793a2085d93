package dev.kerf.slicer.privacy;

import dev.kerf.formats.recording.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Between {@link Json.Value} trees and plain ones (String, Long, Boolean, null, List, Map in
 * insertion order), the form the slice header keeps its open-ended members in.
 */
final class PlainJson {
    private PlainJson() {}

    static Map<String, Object> tree(String json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) plain(Json.parse(json.getBytes(StandardCharsets.UTF_8)));
        return m;
    }

    private static Object plain(Json.Value v) {
        if (v.value() instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, plain((Json.Value) x)));
            return out;
        }
        if (v.value() instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) out.add(plain((Json.Value) x));
            return out;
        }
        return v.value();
    }

    /** A plain tree as values that all claim {@code offset} (where the tree sits in its file). */
    static Json.Value value(Object plain, long offset) {
        if (plain instanceof Map<?, ?> m) {
            Map<String, Json.Value> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), value(x, offset)));
            return new Json.Value(offset, out);
        }
        if (plain instanceof List<?> l) {
            List<Json.Value> out = new ArrayList<>(l.size());
            for (Object x : l) out.add(value(x, offset));
            return new Json.Value(offset, out);
        }
        if (plain instanceof Integer i) return new Json.Value(offset, i.longValue());
        return new Json.Value(offset, plain);
    }
}
