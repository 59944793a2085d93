package dev.kerf.slicer.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a slice's privacy manifest while the slicer works: each piece of content as it is
 * added ({@link #memory}, {@link #input}), the {@link Redaction}, then the replay verdict. Every
 * string is cleaned of secrets here, so what the slicer passes in may be raw.
 */
public final class PrivacyManifestBuilder {
    private final SecretSet secrets;
    private final TextSanitizer sanitizer;
    private final Map<String, long[]> sources = new LinkedHashMap<>();
    private Redaction redaction = new Redaction(List.of(), 0, 0, 0);
    private ReplayVerdict replay = ReplayVerdict.pending();
    private final java.util.List<Fingerprints> carried = new ArrayList<>();
    private int inherited;

    PrivacyManifestBuilder(SecretSet secrets) {
        this.secrets = secrets;
        this.sanitizer = new TextSanitizer(secrets);
    }

    /** {@code bytes} of memory from {@code source} ({@code initial pages}, {@code return effects}, ...). */
    public PrivacyManifestBuilder memory(String source, long bytes) {
        return add("memory", source, bytes);
    }

    /** {@code bytes} of input from {@code source}: a syscall name ({@code read}) or a device ({@code ne2k}). */
    public PrivacyManifestBuilder input(String source, long bytes) {
        return add("input", source, bytes);
    }

    private PrivacyManifestBuilder add(String kind, String source, long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative byte count for " + source);
        long[] t = sources.computeIfAbsent(kind + "\0" + sanitizer.clean(source), k -> new long[2]);
        t[0] += bytes;
        t[1]++;
        return this;
    }

    public PrivacyManifestBuilder removed(Redaction r) {
        this.redaction = r;
        return this;
    }

    /**
     * The file carries these FINGERPRINTS sections (its own, then inherited ones); the final scan
     * searched the {@code inheritedEntries} fingerprints it inherited besides the secrets by value.
     */
    public PrivacyManifestBuilder fingerprints(java.util.List<Fingerprints> sections, int inheritedEntries) {
        carried.clear();
        carried.addAll(sections);
        inherited = inheritedEntries;
        return this;
    }

    /** What {@code sections} carry, and how many regexes of {@code secrets} they cannot. */
    public static PrivacyManifest.Carried carried(java.util.List<Fingerprints> sections, SecretSet secrets) {
        int n = 0, entries = 0, regexes = 0;
        java.util.Set<String> forms = new java.util.LinkedHashSet<>();
        for (Fingerprints f : sections) {
            n += f.secrets();
            entries += f.size();
            for (SecretForm form : f.forms()) forms.add(form.label());
        }
        for (Secret s : secrets.secrets()) if (s.regex() != null) regexes++;
        if (sections.isEmpty() && regexes == 0) return PrivacyManifest.Carried.NONE;
        return new PrivacyManifest.Carried(sections.size(), n, entries, List.copyOf(forms), regexes);
    }

    /** The forms a final scan of {@code secrets} searches literals in. */
    public static List<String> forms(SecretSet secrets) {
        List<String> out = new ArrayList<>();
        for (SecretForm f : SecretForm.values()) if (!f.extra() || secrets.extraForms()) out.add(f.label());
        return out;
    }

    public PrivacyManifestBuilder replay(ReplayVerdict v) {
        this.replay = v;
        return this;
    }

    /** The manifest as of now; the builder can go on (for example to set the verdict after replay). */
    public PrivacyManifest build() {
        List<PrivacyManifest.Source> out = new ArrayList<>();
        sources.forEach((k, t) -> {
            int nul = k.indexOf('\0');
            out.add(new PrivacyManifest.Source(k.substring(0, nul), k.substring(nul + 1), t[0], t[1]));
        });
        List<Removal> listed = new ArrayList<>();
        for (Removal r : redaction.removals()) {
            if (listed.size() == PrivacyManifest.MAX_LISTED_REMOVALS) break;
            listed.add(new Removal(r.occurrence(), r.secret(), r.kind(), sanitizer.clean(r.label()), r.address(),
                    r.offset(), r.length()));
        }
        long unlisted = redaction.removals().size() - listed.size();
        ReplayVerdict v = replay.detail() == null ? replay
                : new ReplayVerdict(replay.outcome(), sanitizer.clean(replay.detail()));
        List<String> excluded = new ArrayList<>();
        for (String p : secrets.excludedProcesses()) excluded.add(sanitizer.clean(p));
        PrivacyManifest.ScanClaim scan = new PrivacyManifest.ScanClaim(PrivacyManifest.SCAN_SCOPE, secrets.size(),
                secrets.scanner().patternCount(), forms(secrets), inherited, 0);
        int filler = secrets.isEmpty() ? 'X' : secrets.filler() & 0xFF;
        List<PrivacyManifest.SecretGroup> groups = groups();
        long unlistedSecrets = 0;
        while (groups.size() > PrivacyManifest.MAX_LISTED_GROUPS) unlistedSecrets += groups.remove(groups.size() - 1).count();
        return new PrivacyManifest(out, groups, unlistedSecrets, excluded, filler, redaction.occurrences(), redaction.bytesRemoved(),
                listed, unlisted, v, carried(carried, secrets), scan);
    }

    /**
     * Consecutive secrets of one kind and group ({@link Secret#group()}) as one group: thousands of
     * process runs or secret-file lines stay one line.
     */
    private List<PrivacyManifest.SecretGroup> groups() {
        List<PrivacyManifest.SecretGroup> g = new ArrayList<>();
        int first = 0;
        List<Secret> all = secrets.secrets();
        for (int i = 1; i <= all.size(); i++) {
            if (i == all.size() || all.get(i).kind() != all.get(first).kind()
                    || !all.get(i).group().equals(all.get(first).group())) {
                g.add(new PrivacyManifest.SecretGroup(all.get(first).kind(), first, i - first,
                        sanitizer.clean(all.get(first).group())));
                first = i;
            }
        }
        return g;
    }
}
