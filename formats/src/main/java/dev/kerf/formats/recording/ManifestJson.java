package dev.kerf.formats.recording;

import static dev.kerf.formats.recording.Json.integer;
import static dev.kerf.formats.recording.Json.object;
import static dev.kerf.formats.recording.Json.require;
import static dev.kerf.formats.recording.Json.string;

import dev.kerf.formats.recording.Json.JsonException;
import dev.kerf.formats.recording.Json.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: the manifest as one JSON object (fields in docs/formats.md). Unknown keys
 * are ignored so a minor version may add some; a missing or mistyped key is an error at its offset.
 */
final class ManifestJson {
    static final String FORMAT = "kerf-recording";
    /** Largest manifest accepted: a guard against hostile sizes, far above any real one. */
    static final int MAX_BYTES = 1 << 20;

    private ManifestJson() {}

    static byte[] write(Manifest m) {
        StringBuilder sb = new StringBuilder("{\n");
        field(sb, "format", Json.quote(FORMAT));
        field(sb, "formatVersion", Json.quote(m.formatVersion() + "." + Recording.FORMAT_MINOR));
        field(sb, "kerfVersion", Json.quote(m.kerfVersion()));
        field(sb, "ramBytes", Integer.toString(m.ramBytes()));
        field(sb, "kernel", m.kernel() == null ? "null" : image(m.kernel()));
        if (m.start() != null) field(sb, "start", image(m.start()));
        field(sb, "cmdline", Json.quote(m.cmdline()));
        List<String> mods = new ArrayList<>();
        for (Manifest.ImageRef r : m.modules()) mods.add("\n    " + image(r));
        field(sb, "modules", "[" + String.join(",", mods) + (mods.isEmpty() ? "]" : "\n  ]"));
        field(sb, "clock", Json.quote(m.clock()));
        field(sb, "stateHashEvery", Long.toString(m.stateHashEvery()));
        List<String> sticky = new ArrayList<>();
        for (int p : m.stickyPorts()) sticky.add(Integer.toString(p));
        field(sb, "stickyPorts", "[" + String.join(", ", sticky) + "]");
        sb.append("  \"startedAt\": ").append(Json.quote(m.startedAt())).append("\n}\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder sb, String name, String json) {
        sb.append("  \"").append(name).append("\": ").append(json).append(",\n");
    }

    private static String image(Manifest.ImageRef r) {
        return "{\"sha256\": " + Json.quote(r.sha256()) + ", \"name\": " + Json.quote(r.name()) + ", \"size\": " + r.size()
                + ", \"cmdline\": " + (r.cmdline() == null ? "null" : Json.quote(r.cmdline())) + "}";
    }

    /** Parses and checks a manifest; problems are JsonExceptions at a byte offset. */
    static Manifest parse(byte[] bytes) {
        Value root = Json.parse(bytes);
        Map<String, Value> o = object(root, "manifest");
        String format = string(o, root, "format");
        if (!FORMAT.equals(format)) throw new JsonException(o.get("format").offset(), "not a kerf recording manifest (format \"" + format + "\")");
        int major = version(o, root);
        long ram = integer(o, root, "ramBytes");
        if (ram <= 0 || ram > Integer.MAX_VALUE) throw new JsonException(o.get("ramBytes").offset(), "ramBytes out of range");
        long every = integer(o, root, "stateHashEvery");
        if (every < 0) throw new JsonException(o.get("stateHashEvery").offset(), "stateHashEvery is negative");
        List<Manifest.ImageRef> modules = new ArrayList<>();
        Value mv = require(o, root, "modules");
        if (!(mv.value() instanceof List<?> l)) throw new JsonException(mv.offset(), "\"modules\" must be an array");
        for (Object v : l) modules.add(image((Value) v, "module"));
        Value kv = require(o, root, "kernel");
        Value sv = o.get("start");
        Manifest.ImageRef start = sv == null || sv.value() == null ? null : image(sv, "start");
        Manifest.ImageRef kernel = kv.value() == null ? null : image(kv, "kernel");
        if (kernel == null && start == null)
            throw new JsonException(kv.offset(), "\"kernel\" is null and there is no \"start\" snapshot: nothing to start the machine from");
        if (kernel != null && start != null)
            throw new JsonException(sv.offset(), "a recording starts from a kernel or from a snapshot, not both");
        return new Manifest(major, string(o, root, "kerfVersion"), (int) ram, kernel,
                string(o, root, "cmdline"), List.copyOf(modules), string(o, root, "clock"), every, string(o, root, "startedAt"),
                stickyPorts(o), start);
    }

    /** {@code stickyPorts}: ascending distinct ports 0..0xFFFF; absent (a 1.0 manifest) = none. */
    private static List<Integer> stickyPorts(Map<String, Value> o) {
        Value v = o.get("stickyPorts");
        if (v == null) return List.of();
        if (!(v.value() instanceof List<?> l)) throw new JsonException(v.offset(), "\"stickyPorts\" must be an array");
        List<Integer> ports = new ArrayList<>();
        for (Object item : l) {
            Value p = (Value) item;
            if (!(p.value() instanceof Long n) || n < 0 || n > 0xFFFF)
                throw new JsonException(p.offset(), "a sticky port must be an integer 0..65535");
            if (!ports.isEmpty() && n <= ports.get(ports.size() - 1))
                throw new JsonException(p.offset(), "sticky ports must be ascending and distinct");
            ports.add(n.intValue());
        }
        return List.copyOf(ports);
    }

    private static int version(Map<String, Value> o, Value root) {
        String v = string(o, root, "formatVersion");
        long at = o.get("formatVersion").offset();
        if (!v.matches("[0-9]{1,4}\\.[0-9]{1,4}")) throw new JsonException(at, "formatVersion \"" + v + "\" is not major.minor");
        int major = Integer.parseInt(v.substring(0, v.indexOf('.')));
        if (major < Recording.OLDEST_MAJOR || major > Recording.FORMAT_MAJOR)
            throw new JsonException(at, "recording format " + v + ", this kerf reads " + Recording.OLDEST_MAJOR + ".x to "
                    + Recording.FORMAT_MAJOR + ".x: " + (major > Recording.FORMAT_MAJOR ? "use a newer kerf" : "use an older kerf or record again"));
        return major;
    }

    private static Manifest.ImageRef image(Value v, String what) {
        Map<String, Value> o = object(v, what);
        String sha = string(o, v, "sha256");
        if (!Recording.isSha256(sha)) throw new JsonException(o.get("sha256").offset(), what + " sha256 is not 64 lowercase hex digits");
        long size = integer(o, v, "size");
        if (size < 0) throw new JsonException(o.get("size").offset(), what + " size is negative");
        Value cl = require(o, v, "cmdline");
        if (cl.value() != null && !(cl.value() instanceof String)) throw new JsonException(cl.offset(), what + " cmdline must be a string or null");
        return new Manifest.ImageRef(sha, string(o, v, "name"), size, (String) cl.value());
    }

}
