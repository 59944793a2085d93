package dev.kerf.slicer.privacy;

import dev.kerf.formats.FormatException;
import dev.kerf.formats.recording.Json;
import dev.kerf.formats.recording.Json.Value;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a privacy manifest back, treating it as hostile: a wrong shape, a missing member, an
 * unknown version, kind or verdict is one {@link FormatException} naming the file and the offset
 * of the offending value. Unknown members are ignored (a minor addition stays readable).
 */
final class ManifestReader {
    private final Path file;
    private final long base;

    private ManifestReader(Path file, long base) {
        this.file = file;
        this.base = base;
    }

    static PrivacyManifest parse(byte[] json, Path file, long base) {
        Value v;
        try {
            v = Json.parse(json);
        } catch (Json.JsonException e) {
            throw new FormatException(file, base + e.offset(), "privacy manifest: " + e.getMessage());
        }
        return read(v, file, base);
    }

    static PrivacyManifest read(Value root, Path file, long base) {
        return new ManifestReader(file, base).manifest(root);
    }

    private PrivacyManifest manifest(Value root) {
        Map<String, Value> m = object(root, "the manifest");
        long version = integer(member(root, m, "version"), "version");
        if (version != PrivacyManifest.VERSION)
            throw fail(m.get("version"), "privacy manifest version " + version + " is not " + PrivacyManifest.VERSION
                    + "; use the kerf that wrote this slice");
        Value contains = member(root, m, "contains");
        List<PrivacyManifest.Source> sources = new ArrayList<>();
        for (Value s : array(member(contains, object(contains, "contains"), "sources"), "sources")) {
            Map<String, Value> o = object(s, "a source");
            String kind = string(member(s, o, "kind"), "kind");
            if (!kind.equals("memory") && !kind.equals("input")) throw fail(o.get("kind"), "unknown source kind \"" + kind + "\"");
            sources.add(new PrivacyManifest.Source(kind, string(member(s, o, "source"), "source"),
                    count(member(s, o, "bytes"), "bytes"), count(member(s, o, "count"), "count")));
        }
        List<PrivacyManifest.SecretGroup> groups = new ArrayList<>();
        for (Value g : array(member(root, m, "secrets"), "secrets")) {
            Map<String, Value> o = object(g, "a secret group");
            groups.add(new PrivacyManifest.SecretGroup(kind(member(g, o, "kind")), index(member(g, o, "first"), "first"),
                    index(member(g, o, "count"), "count"), string(member(g, o, "origin"), "origin")));
        }
        List<String> excluded = new ArrayList<>();
        for (Value p : array(member(root, m, "excludedProcesses"), "excludedProcesses")) excluded.add(string(p, "a process name"));
        long filler = integer(member(root, m, "filler"), "filler");
        if (filler < 0 || filler > 255) throw fail(m.get("filler"), "filler " + filler + " is not a byte");
        Value removed = member(root, m, "removed");
        Map<String, Value> r = object(removed, "removed");
        List<Removal> where = new ArrayList<>();
        for (Value w : array(member(removed, r, "where"), "where")) where.add(removal(w));
        long secretsUnlisted = m.containsKey("secretsUnlisted") ? count(m.get("secretsUnlisted"), "secretsUnlisted") : 0;
        PrivacyManifest.Carried carried = m.containsKey("fingerprints") ? carried(m.get("fingerprints")) : PrivacyManifest.Carried.NONE;
        return new PrivacyManifest(sources, groups, secretsUnlisted, excluded, (int) filler,
                index(member(removed, r, "occurrences"), "occurrences"),
                count(member(removed, r, "bytes"), "bytes"), where, count(member(removed, r, "unlisted"), "unlisted"),
                verdict(member(root, m, "replay")), carried, scan(member(root, m, "finalScan")));
    }

    private PrivacyManifest.Carried carried(Value v) {
        Map<String, Value> o = object(v, "fingerprints");
        return new PrivacyManifest.Carried(index(member(v, o, "sections"), "sections"), index(member(v, o, "secrets"), "secrets"),
                index(member(v, o, "entries"), "entries"), strings(member(v, o, "forms"), "forms"),
                index(member(v, o, "regexesNotCarried"), "regexesNotCarried"));
    }

    private List<String> strings(Value v, String what) {
        List<String> out = new ArrayList<>();
        for (Value x : array(v, what)) out.add(string(x, "an element of " + what));
        return out;
    }

    private Removal removal(Value w) {
        Map<String, Value> o = object(w, "a removal");
        Value a = member(w, o, "address");
        long address = a.value() == null ? -1 : count(a, "address");
        return new Removal(index(member(w, o, "occurrence"), "occurrence"), index(member(w, o, "secret"), "secret"),
                kind(member(w, o, "kind")), string(member(w, o, "label"), "label"), address,
                index(member(w, o, "offset"), "offset"), index(member(w, o, "length"), "length"));
    }

    private ReplayVerdict verdict(Value v) {
        Map<String, Value> o = object(v, "replay");
        Value code = member(v, o, "verdict");
        Value at = o.get("at");
        try {
            return new ReplayVerdict(ReplayVerdict.Outcome.fromCode(string(code, "verdict")),
                    at == null || at.value() == null ? null : string(at, "at"));
        } catch (IllegalArgumentException e) {
            throw fail(code, e.getMessage());
        }
    }

    private PrivacyManifest.ScanClaim scan(Value v) {
        Map<String, Value> o = object(v, "finalScan");
        // forms and fingerprints arrived with slice format 1.1; a 1.0 manifest searched UTF-8 and UTF-16LE
        List<String> forms = o.containsKey("forms") ? strings(o.get("forms"), "forms") : List.of("utf-8", "utf-16le");
        int fingerprints = o.containsKey("fingerprints") ? index(o.get("fingerprints"), "fingerprints") : 0;
        return new PrivacyManifest.ScanClaim(string(member(v, o, "scope"), "scope"), index(member(v, o, "secrets"), "secrets"),
                index(member(v, o, "patterns"), "patterns"), forms, fingerprints, index(member(v, o, "hits"), "hits"));
    }

    private SecretKind kind(Value v) {
        try {
            return SecretKind.fromCode(string(v, "kind"));
        } catch (IllegalArgumentException e) {
            throw fail(v, e.getMessage());
        }
    }

    private Value member(Value parent, Map<String, Value> o, String name) {
        Value v = o.get(name);
        if (v == null) throw fail(parent, "missing \"" + name + "\"");
        return v;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Value> object(Value v, String what) {
        if (!(v.value() instanceof Map)) throw fail(v, what + " is not an object");
        return (Map<String, Value>) v.value();
    }

    @SuppressWarnings("unchecked")
    private List<Value> array(Value v, String what) {
        if (!(v.value() instanceof List)) throw fail(v, what + " is not an array");
        return (List<Value>) v.value();
    }

    private String string(Value v, String what) {
        if (!(v.value() instanceof String s)) throw fail(v, what + " is not a string");
        return s;
    }

    private long integer(Value v, String what) {
        if (!(v.value() instanceof Long l)) throw fail(v, what + " is not an integer");
        return l;
    }

    private long count(Value v, String what) {
        long l = integer(v, what);
        if (l < 0) throw fail(v, what + " is negative");
        return l;
    }

    private int index(Value v, String what) {
        long l = count(v, what);
        if (l > Integer.MAX_VALUE) throw fail(v, what + " is out of range");
        return (int) l;
    }

    private FormatException fail(Value at, String problem) {
        return new FormatException(file, base + at.offset(), "privacy manifest: " + problem);
    }
}
