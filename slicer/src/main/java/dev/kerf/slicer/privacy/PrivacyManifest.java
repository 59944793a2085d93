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

    /** Bytes of {@code kind} "memory" or "input" that came from {@code source}, in {@code count} pieces. */
    public record Source(String kind, String source, long bytes, long count) {}

    /** Secrets {@code first .. first+count-1}, all of one kind and origin. */
    public record SecretGroup(SecretKind kind, int first, int count, String origin) {}

    /** What the final scan searches: {@code secrets} secrets as {@code patterns} patterns over {@code scope}. */
    public record ScanClaim(String scope, int secrets, int patterns, int hits) {}

    private final List<Source> sources;
    private final List<SecretGroup> secrets;
    private final List<String> excludedProcesses;
    private final int filler;
    private final int occurrences;
    private final long bytesRemoved;
    private final List<Removal> removals;
    private final long unlisted;
    private final ReplayVerdict replay;
    private final ScanClaim scan;

    PrivacyManifest(List<Source> sources, List<SecretGroup> secrets, List<String> excludedProcesses, int filler,
                    int occurrences, long bytesRemoved, List<Removal> removals, long unlisted,
                    ReplayVerdict replay, ScanClaim scan) {
        this.sources = List.copyOf(sources);
        this.secrets = List.copyOf(secrets);
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

    public List<SecretGroup> secrets() { return secrets; }

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
        sb.append("],\"excludedProcesses\":[");
        for (int i = 0; i < excludedProcesses.size(); i++)
            sb.append(i > 0 ? "," : "").append(Json.quote(excludedProcesses.get(i)));
        sb.append("],\"filler\":").append(filler);
        appendRemoved(sb);
        sb.append(",\"replay\":{\"verdict\":").append(Json.quote(replay.outcome().code()));
        if (replay.detail() != null) sb.append(",\"at\":").append(Json.quote(replay.detail()));
        sb.append("},\"finalScan\":{\"scope\":").append(Json.quote(scan.scope())).append(",\"secrets\":")
                .append(scan.secrets()).append(",\"patterns\":").append(scan.patterns()).append(",\"hits\":")
                .append(scan.hits()).append("}}");
        return sb.toString();
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
        int named = 0;
        for (SecretGroup g : secrets) named += g.count();
        lines.add("removed: " + occurrences + " occurrences (" + bytesRemoved + " bytes) of " + named + " secrets"
                + (excludedProcesses.isEmpty() ? "" : "; excluded processes: " + String.join(", ", excludedProcesses)));
        lines.add("replay after removal: " + replay);
        lines.add("final scan of " + scan.scope() + ": " + scan.hits() + " hits for " + scan.secrets() + " secrets");
        return String.join("\n", lines);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrivacyManifest m && m.toJson().equals(toJson());
    }

    @Override
    public int hashCode() { return toJson().hashCode(); }
}
