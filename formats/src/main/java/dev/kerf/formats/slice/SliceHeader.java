package dev.kerf.formats.slice;

import dev.kerf.formats.recording.Manifest;
import dev.kerf.formats.recording.Recording;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The header section of a slice (docs/formats.md §9.2).
 *
 * @param kind           what the slice holds
 * @param parameters     the kind's parameters as a plain JSON object ({@link JsonTree}); a time
 *                       slice stores {@code from} and {@code to} (icounts)
 * @param sourceId       SHA-256 of the source recording's manifest.json, 64 lower-case hex digits
 * @param sourceName     the source's file name as the user gave it (informative)
 * @param ramBytes       guest RAM size of the source machine
 * @param stateHashEvery the source's state-hash interval (0 = none)
 * @param stickyPorts    the source's sticky I/O ports, ascending
 * @param privacy        the privacy manifest, an opaque JSON object defined by the privacy stage
 */
public record SliceHeader(SliceKind kind, Map<String, Object> parameters, String sourceId, String sourceName, int ramBytes,
                          long stateHashEvery, List<Integer> stickyPorts, Map<String, Object> privacy) {
    /**
     * The header of a slice of {@code recording}, which the user named {@code sourceName}: its id
     * ({@link Recording#id()}) and the machine facts a replayer needs come from the recording.
     */
    public static SliceHeader of(SliceKind kind, Recording recording, String sourceName, Map<String, Object> parameters,
                                 Map<String, Object> privacy) throws java.io.IOException {
        Manifest m = recording.manifest();
        return new SliceHeader(kind, parameters, recording.id(), sourceName, m.ramBytes(), m.stateHashEvery(), m.stickyPorts(),
                privacy);
    }

    public SliceHeader {
        Objects.requireNonNull(kind, "kind");
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(Objects.requireNonNull(parameters, "parameters")));
        if (sourceId == null || !sourceId.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("sourceId must be 64 hex digits");
        Objects.requireNonNull(sourceName, "sourceName");
        if (ramBytes <= 0) throw new IllegalArgumentException("ramBytes must be positive");
        if (stateHashEvery < 0) throw new IllegalArgumentException("stateHashEvery is negative");
        stickyPorts = List.copyOf(stickyPorts);
        privacy = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(Objects.requireNonNull(privacy, "privacy")));
    }

    /** An integer parameter, or {@code dflt} when absent. */
    public long longParameter(String name, long dflt) {
        Object v = parameters.get(name);
        return v instanceof Number n ? n.longValue() : dflt;
    }

    /** The same header with another source name (one with a secret in it, redacted). */
    public SliceHeader withSourceName(String name) {
        return new SliceHeader(kind, parameters, sourceId, name, ramBytes, stateHashEvery, stickyPorts, privacy);
    }

    /** The same header with another privacy manifest (the privacy stage fills it in last). */
    public SliceHeader withPrivacy(Map<String, Object> p) {
        return new SliceHeader(kind, parameters, sourceId, sourceName, ramBytes, stateHashEvery, stickyPorts, p);
    }
}
