package dev.kerf.slicer.privacy;

import dev.kerf.formats.recording.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A slice's privacy manifest (docs/formats.md §9): what the slice contains, which secrets were
 * named, what was removed and where, the replay verdict after removal, and what the final scan
 * covers. JSON through the project's {@link Json}; the writer is {@link #toJson()}, the reader
 * {@link ManifestReader}. Every string in it went through the secrets first, so the manifest never
 * carries one (and the final scan, which covers the manifest too, checks that).
 *
 * <p>{@code finalScan.hits} is always 0 in a written slice: the manifest states what the scan
 * covers, and the file exists only because {@link FinalScan#check} found nothing in exactly these
 * bytes.
 */
public final class PrivacyManifest {
    public static final int VERSION = 1;
    /** Removals listed one by one; beyond this only the totals (and {@code unlisted}) say more. */
    public static final int MAX_LISTED_REMOVALS = 4096;
    public static final String SCAN_SCOPE = "raw file and decoded sections";
    /** Secret groups listed one by one; beyond this {@code secretsUnlisted} counts the rest. */
    public static final int MAX_LISTED_GROUPS = 64;
    /** The encodings every literal is searched in. */
    public static final List<String> ENCODINGS = List.of("utf-8", "utf-16le", "utf-16be");

    /** Bytes of {@code kind} "memory" or "input" that came from {@code source}, in {@code count} pieces. */
    public record Source(String kind, String source, long bytes, long count) {}

    /** Secrets {@code first .. first+count-1}, all of one kind and origin. */
    public record SecretGroup(SecretKind kind, int first, int count, String origin) {}

    /**
     * What the final scan of this very file searched: {@code secrets} secrets by value as
     * {@code patterns} patterns (in the {@code forms} listed) and {@code fingerprints} fingerprints
     * inherited from the file it was derived from, over {@code scope}; {@code hits} is 0 in a
     * written file.
     */
    public record ScanClaim(String scope, int secrets, int patterns, List<String> forms, int fingerprints, int hits) {
        public ScanClaim {
            forms = List.copyOf(forms);
        }

        /** A claim without fingerprints in the three encodings. */
        public ScanClaim(String scope, int secrets, int patterns, int hits) {
            this(scope, secrets, patterns, ENCODINGS, 0, hits);
        }
    }

    /**
     * What travels with the file in its FINGERPRINTS sections: {@code entries} fingerprints of
     * {@code secrets} secrets in {@code forms}, in {@code sections} sections (one per salt: its own
     * and each inherited one); {@code regexesNotCarried} regexes could not be fingerprinted.
     */
    public record Carried(int sections, int secrets, int entries, List<String> forms, int regexesNotCarried) {
        public Carried {
            forms = List.copyOf(forms);
        }

        public static final Carried NONE = new Carried(0, 0, 0, List.of(), 0);
    }

    private final List<Source> sources;
    private final List<SecretGroup> secrets;
    private final long secretsUnlisted;
    private final List<String> excludedProcesses;
    private final int filler;
    private final int occurrences;
    private final long bytesRemoved;
    private final List<Removal> removals;
    private final long unlisted;
    private final ReplayVerdict replay;
    private final Carried carried;
    private final ScanClaim scan;

    PrivacyManifest(List<Source> sources, List<SecretGroup> secrets, long secretsUnlisted, List<String> excludedProcesses, int filler,
                    int occurrences, long bytesRemoved, List<Removal> removals, long unlisted,
                    ReplayVerdict replay, Carried carried, ScanClaim scan) {
        this.sources = List.copyOf(sources);
        this.secrets = List.copyOf(secrets);
        this.secretsUnlisted = secretsUnlisted;
        this.carried = carried;
        this.excludedProcesses = List.copyOf(excludedProcesses);
        this.filler = filler;
        this.occurrences = occurrences;
        this.bytesRemoved = bytesRemoved;
        this.removals = List.copyOf(removals);
        this.unlisted = unlisted;
        this.replay = replay;
        this.scan = scan;
    }

    public static PrivacyManifestBuilder builder(SecretSet secrets) {
        return new PrivacyManifestBuilder(secrets);
    }

    /** Reads a manifest; errors are FormatExceptions naming {@code file} and {@code base} + the offset. */
    public static PrivacyManifest parse(byte[] json, Path file, long base) {
        return ManifestReader.parse(json, file, base);
    }

    /** Reads a manifest already parsed as a member of a larger JSON document (the slice header). */
    public static PrivacyManifest fromJson(Json.Value value, Path file, long base) {
        return ManifestReader.read(value, file, base);
    }

    /**
     * Reads a manifest kept as a plain tree (String, Long, Boolean, null, List, Map): the form the
     * slice header's {@code privacy} member has; errors name {@code file} at {@code offset}.
     */
    public static PrivacyManifest fromTree(Map<String, Object> tree, Path file, long offset) {
        return ManifestReader.read(PlainJson.value(tree, offset), file, 0);
    }

    /** This manifest as a plain tree, for {@code SliceHeader.withPrivacy}. */
    public Map<String, Object> toTree() {
        return PlainJson.tree(toJson());
    }

    public List<Source> sources() { return sources; }

    public long memoryBytes() { return total("memory"); }

    public long inputBytes() { return total("input"); }

    private long total(String kind) {
        long t = 0;
        for (Source s : sources) if (s.kind().equals(kind)) t += s.bytes();
        return t;
    }

    /** The first {@value #MAX_LISTED_GROUPS} groups of secrets named. */
    public List<SecretGroup> secrets() { return secrets; }

    /** Secrets in groups beyond {@link #secrets()}. */
    public long secretsUnlisted() { return secretsUnlisted; }

    /** What the file's FINGERPRINTS sections carry. */
    public Carried carried() { return carried; }

    /** The origin of secret {@code index} as the listed groups say, or null when it is not listed. */
    public String originOf(int index) {
        for (SecretGroup g : secrets) if (index >= g.first() && index < g.first() + g.count()) return g.origin();
        return null;
    }

    /**
     * This manifest as the one of a file derived from the file it describes (a syscall or JVM log):
     * the same record of what was named and removed, with the derived file's own carried
     * fingerprints and final scan — never the parent's.
     */
    public PrivacyManifest derived(Carried carried, ScanClaim scan) {
        return new PrivacyManifest(sources, secrets, secretsUnlisted, excludedProcesses, filler, occurrences, bytesRemoved, removals,
                unlisted, replay, carried, scan);
    }

    public List<String> excludedProcesses() { return excludedProcesses; }

    /** The filler byte (0..255) removed bytes became. */
    public int filler() { return filler; }

    public int occurrences() { return occurrences; }

    public long bytesRemoved() { return bytesRemoved; }

    /** The first {@value #MAX_LISTED_REMOVALS} removal pieces. */
    public List<Removal> removals() { return removals; }

    /** Removal pieces beyond {@link #removals()}. */
    public long unlisted() { return unlisted; }

    public ReplayVerdict replay() { return replay; }

    public ScanClaim scan() { return scan; }

    /** Compact JSON (one line), suitable as the {@code privacy} member of a slice header. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(256 + removals.size() * 96);
        sb.append("{\"version\":").append(VERSION);
        sb.append(",\"contains\":{\"memoryBytes\":").append(memoryBytes()).append(",\"inputBytes\":").append(inputBytes());
        sb.append(",\"sources\":[");
        for (int i = 0; i < sources.size(); i++) {
            Source s = sources.get(i);
            sb.append(i > 0 ? "," : "").append("{\"kind\":").append(Json.quote(s.kind())).append(",\"source\":")
                    .append(Json.quote(s.source())).append(",\"bytes\":").append(s.bytes()).append(",\"count\":")
                    .append(s.count()).append('}');
        }
        sb.append("]},\"secrets\":[");
        for (int i = 0; i < secrets.size(); i++) {
            SecretGroup g = secrets.get(i);
            sb.append(i > 0 ? "," : "").append("{\"kind\":").append(Json.quote(g.kind().code())).append(",\"first\":")
                    .append(g.first()).append(",\"count\":").append(g.count()).append(",\"origin\":")
                    .append(Json.quote(g.origin())).append('}');
        }
        sb.append("],\"secretsUnlisted\":").append(secretsUnlisted);
        sb.append(",\"excludedProcesses\":[");
        for (int i = 0; i < excludedProcesses.size(); i++)
            sb.append(i > 0 ? "," : "").append(Json.quote(excludedProcesses.get(i)));
        sb.append("],\"filler\":").append(filler);
        appendRemoved(sb);
        sb.append(",\"replay\":{\"verdict\":").append(Json.quote(replay.outcome().code()));
        if (replay.detail() != null) sb.append(",\"at\":").append(Json.quote(replay.detail()));
        sb.append("},\"fingerprints\":{\"sections\":").append(carried.sections()).append(",\"secrets\":").append(carried.secrets())
                .append(",\"entries\":").append(carried.entries()).append(",\"forms\":");
        strings(sb, carried.forms());
        sb.append(",\"regexesNotCarried\":").append(carried.regexesNotCarried());
        sb.append("},\"finalScan\":{\"scope\":").append(Json.quote(scan.scope())).append(",\"secrets\":")
                .append(scan.secrets()).append(",\"patterns\":").append(scan.patterns()).append(",\"forms\":");
        strings(sb, scan.forms());
        sb.append(",\"fingerprints\":").append(scan.fingerprints()).append(",\"hits\":").append(scan.hits()).append("}}");
        return sb.toString();
    }

    private static void strings(StringBuilder sb, List<String> list) {
        sb.append('[');
        for (int i = 0; i < list.size(); i++) sb.append(i > 0 ? "," : "").append(Json.quote(list.get(i)));
        sb.append(']');
    }

    private void appendRemoved(StringBuilder sb) {
        sb.append(",\"removed\":{\"occurrences\":").append(occurrences).append(",\"bytes\":").append(bytesRemoved);
        sb.append(",\"where\":[");
        for (int i = 0; i < removals.size(); i++) {
            Removal r = removals.get(i);
            sb.append(i > 0 ? "," : "").append("{\"occurrence\":").append(r.occurrence()).append(",\"secret\":")
                    .append(r.secret()).append(",\"kind\":").append(Json.quote(r.kind().code())).append(",\"label\":")
                    .append(Json.quote(r.label())).append(",\"address\":")
                    .append(r.address() < 0 ? "null" : Long.toString(r.address())).append(",\"offset\":")
                    .append(r.offset()).append(",\"length\":").append(r.length()).append('}');
        }
        sb.append("],\"unlisted\":").append(unlisted).append('}');
    }

    /** A few lines for people ({@code kerf info}); the JSON is the full record. */
    public String summary() {
        List<String> lines = new ArrayList<>();
        lines.add("contains: " + memoryBytes() + " bytes of memory, " + inputBytes() + " bytes of input, from "
                + sources.size() + " sources");
        long named = secretsUnlisted;
        for (SecretGroup g : secrets) named += g.count();
        lines.add("removed: " + occurrences + " occurrences (" + bytesRemoved + " bytes) of " + named + " secrets"
                + (excludedProcesses.isEmpty() ? "" : "; excluded processes: " + String.join(", ", excludedProcesses)));
        lines.add("replay after removal: " + replay);
        if (carried.entries() > 0) {
            lines.add("carries fingerprints of " + carried.secrets() + " secrets (" + String.join(", ", carried.forms()) + ")"
                    + (carried.regexesNotCarried() > 0 ? "; " + carried.regexesNotCarried() + " regexes are not carried: name them again" : ""));
        }
        lines.add("final scan of " + scan.scope() + ": " + scan.hits() + " hits for " + scan.secrets() + " secrets"
                + (scan.fingerprints() > 0 ? " and " + scan.fingerprints() + " inherited fingerprints" : ""));
        return String.join("\n", lines);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrivacyManifest m && m.toJson().equals(toJson());
    }

    @Override
    public int hashCode() { return toJson().hashCode(); }
}
