package dev.kerf.cli;

import dev.kerf.formats.slice.JsonTree;
import dev.kerf.formats.slice.Section;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.slicer.SliceFiles;
import dev.kerf.slicer.privacy.PrivacyManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code kerf info S.kslice [--json]}: kind, parameters, source, machine, section sizes, privacy manifest (after checking every CRC). */
final class SliceInfo {
    private SliceInfo() {}

    static int run(HostIo io, Path file, boolean json, long stdinLimit) throws IOException {
        Slice s = SliceFiles.read(file.toString(), io.in(), stdinLimit);
        PrintStream out = new PrintStream(io.out(), false, StandardCharsets.UTF_8);
        out.print(json ? JsonTree.write(tree(s)) + "\n" : text(s));
        out.flush();
        return ExitCode.OK.code();
    }

    /** "time slice 1000000..8000000", or the kind and its parameters as JSON. */
    static String describe(SliceHeader h) {
        if (h.parameters().get("from") instanceof Long from && h.parameters().get("to") instanceof Long to && h.parameters().size() == 2)
            return h.kind().jsonName() + " slice " + from + ".." + to;
        return h.kind().jsonName() + " slice " + JsonTree.write(h.parameters()); // JSON: control characters escaped
    }

    private static Map<String, Object> tree(Slice s) {
        SliceHeader h = s.header();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", s.file().toString());
        m.put("format", "1." + s.minor());
        m.put("kind", h.kind().jsonName());
        m.put("parameters", h.parameters());
        Map<String, Object> src = new LinkedHashMap<>();
        src.put("id", h.sourceId());
        src.put("name", h.sourceName());
        m.put("source", src);
        Map<String, Object> mach = new LinkedHashMap<>();
        mach.put("ramBytes", (long) h.ramBytes());
        mach.put("stateHashEvery", h.stateHashEvery());
        mach.put("stickyPorts", h.stickyPorts());
        m.put("machine", mach);
        m.put("bytes", s.size());
        Map<String, Object> sections = new LinkedHashMap<>();
        for (Section sec : s.sections()) sections.merge(sec.type().name().toLowerCase(java.util.Locale.ROOT), (long) sec.data().length,
                (a, b) -> (Long) a + (Long) b);
        m.put("sections", sections);
        m.put("privacy", h.privacy());
        return m;
    }

    private static String text(Slice s) {
        SliceHeader h = s.header();
        StringBuilder b = new StringBuilder();
        line(b, "slice", s.file() + " (format 1." + s.minor() + ", " + s.size() + " bytes)");
        line(b, "kind", h.kind().jsonName());
        if (h.parameters().containsKey("from") && h.parameters().containsKey("to"))
            line(b, "window", h.longParameter("from", 0) + ".." + h.longParameter("to", 0) + " ("
                    + (h.longParameter("to", 0) - h.longParameter("from", 0)) + " instructions)");
        json(b, "parameters", JsonTree.write(h.parameters()));
        line(b, "source", h.sourceName() + " (recording id " + h.sourceId() + ")");
        line(b, "machine", String.format("%d MiB RAM, state hash every %d instructions", h.ramBytes() >> 20, h.stateHashEvery()));
        for (Section sec : s.sections()) line(b, "  " + sec.type().name().toLowerCase(java.util.Locale.ROOT), sec.data().length + " bytes");
        json(b, "privacy", JsonTree.write(h.privacy()));
        if (!h.privacy().isEmpty()) {
            for (String l : PrivacyManifest.fromTree(h.privacy(), s.file(), 0).summary().split("\n")) line(b, "  privacy", l);
        }
        line(b, "integrity", "ok: header and every section's CRC-32C checked");
        return b.toString();
    }

    /** A value that may quote the file: escaped ({@link Printable}). */
    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format("%-14s %s%n", key + ":", Printable.escape(value)));
    }

    /** JSON text as {@link JsonTree#write} made it: every control character is already a \\u escape. */
    private static void json(StringBuilder b, String key, String value) {
        b.append(String.format("%-14s %s%n", key + ":", value));
    }
}
