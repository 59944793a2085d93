package dev.kerf.formats.slice;

import static dev.kerf.formats.recording.Json.integer;
import static dev.kerf.formats.recording.Json.object;
import static dev.kerf.formats.recording.Json.require;
import static dev.kerf.formats.recording.Json.string;

import dev.kerf.formats.recording.Json;
import dev.kerf.formats.recording.Json.JsonException;
import dev.kerf.formats.recording.Json.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header section's JSON (docs/formats.md §9.2). Unknown top-level keys are ignored so a minor
 * version may add some; a missing or mistyped key is a JsonException at its offset in the section.
 */
final class SliceHeaderJson {
    static final String FORMAT = "kerf-slice";

    private SliceHeaderJson() {}

    static byte[] write(SliceHeader h) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("id", h.sourceId());
        source.put("name", h.sourceName());
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("ramBytes", (long) h.ramBytes());
        machine.put("stateHashEvery", h.stateHashEvery());
        machine.put("stickyPorts", new ArrayList<Object>(h.stickyPorts()));
        StringBuilder sb = new StringBuilder("{\n");
        line(sb, "format", FORMAT, true);
        line(sb, "kind", h.kind().jsonName(), true);
        line(sb, "parameters", h.parameters(), true);
        line(sb, "source", source, true);
        line(sb, "machine", machine, true);
        line(sb, "privacy", h.privacy(), false);
        return sb.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder sb, String key, Object v, boolean comma) {
        sb.append("  ").append(Json.quote(key)).append(": ").append(JsonTree.write(v)).append(comma ? ",\n" : "\n");
    }

    @SuppressWarnings("unchecked")
    static SliceHeader parse(byte[] bytes) {
        Value root = Json.parse(bytes);
        Map<String, Value> o = object(root, "slice header");
        String format = string(o, root, "format");
        if (!FORMAT.equals(format)) throw new JsonException(o.get("format").offset(), "not a slice header (format \"" + format + "\")");
        String kindName = string(o, root, "kind");
        SliceKind kind = SliceKind.ofJson(kindName);
        if (kind == null) throw new JsonException(o.get("kind").offset(), "unknown slice kind \"" + kindName + "\"");
        Value params = require(o, root, "parameters");
        object(params, "\"parameters\"");
        Value src = require(o, root, "source");
        Map<String, Value> so = object(src, "\"source\"");
        String id = string(so, src, "id");
        if (!id.matches("[0-9a-f]{64}")) throw new JsonException(so.get("id").offset(), "source id is not 64 lower-case hex digits");
        Value mach = require(o, root, "machine");
        Map<String, Value> mo = object(mach, "\"machine\"");
        long ram = integer(mo, mach, "ramBytes");
        if (ram <= 0 || ram > Integer.MAX_VALUE || ram % 4096 != 0)
            throw new JsonException(mo.get("ramBytes").offset(), "ramBytes is not a positive multiple of 4 KiB below 2 GiB");
        long every = integer(mo, mach, "stateHashEvery");
        if (every < 0) throw new JsonException(mo.get("stateHashEvery").offset(), "stateHashEvery is negative");
        Value privacy = require(o, root, "privacy");
        object(privacy, "\"privacy\"");
        return new SliceHeader(kind, (Map<String, Object>) JsonTree.plain(params), id, string(so, src, "name"), (int) ram, every,
                ports(mo, mach), (Map<String, Object>) JsonTree.plain(privacy));
    }

    private static List<Integer> ports(Map<String, Value> o, Value owner) {
        Value v = require(o, owner, "stickyPorts");
        if (!(v.value() instanceof List<?> l)) throw new JsonException(v.offset(), "\"stickyPorts\" must be an array");
        List<Integer> ports = new ArrayList<>();
        for (Object item : l) {
            Value p = (Value) item;
            if (!(p.value() instanceof Long n) || n < 0 || n > 0xFFFF) throw new JsonException(p.offset(), "a sticky port must be an integer 0..65535");
            if (!ports.isEmpty() && n <= ports.get(ports.size() - 1))
                throw new JsonException(p.offset(), "sticky ports must be ascending and distinct");
            ports.add(n.intValue());
        }
        return ports;
    }

}
