package dev.kerf.slicer.privacy;

import dev.kerf.formats.slice.Section;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The privacy of a file derived from a slice (a syscall log, a JVM log): the secrets the slice was
 * cut with travel as its fingerprints — copied into the derived file unchanged, searched for in it
 * by the final scan, and replaced by the filler in names and printed text — without anyone naming
 * them again. {@code secrets} are what the user named for this step ({@code retarget --secret}):
 * they guard this file only (they are searched for, not carried on).
 *
 * <p>The derived file's manifest is the slice's record of what was named and removed, with the
 * derived file's own {@code fingerprints} and {@code finalScan}: never the parent's claims.
 */
public final class DerivedPrivacy {
    private final Slice source;
    private final SecretSet secrets;
    private final FinalScan.Inherited inherited;

    private DerivedPrivacy(Slice source, SecretSet secrets, FinalScan.Inherited inherited) {
        this.source = source;
        this.secrets = secrets;
        this.inherited = inherited;
    }

    /** Reads what {@code source} carries; a damaged FINGERPRINTS section or manifest is a FormatException naming it. */
    public static DerivedPrivacy of(Slice source, SecretSet secrets) {
        return new DerivedPrivacy(source, secrets, FinalScan.Inherited.of(source));
    }

    public FinalScan.Inherited inherited() { return inherited; }

    public SecretSet secrets() { return secrets; }

    /** The source's FINGERPRINTS sections' data, in order: the derived file carries them unchanged. */
    public List<byte[]> sections() {
        List<byte[]> out = new ArrayList<>();
        for (Section s : source.all(SectionType.FINGERPRINTS)) out.add(s.data());
        return out;
    }

    /** {@code text} (a name, a printed line) with every named and inherited secret replaced by the filler. */
    public String clean(String text) {
        return inherited.redact(secrets.redactText(text), filler());
    }

    /** Fills every named and inherited secret in {@code bytes} in place; returns the occurrences. */
    public int redact(byte[] bytes) {
        int n = 0;
        if (!secrets.isEmpty()) n += new Redactor(secrets).redact(List.of(new Region("text", -1, bytes))).occurrences();
        return n + inherited.redact(bytes, filler());
    }

    /** The source's filler (so a derived file's removals look like the slice's). */
    public byte filler() {
        return secrets.isEmpty() ? inherited.filler() : secrets.filler();
    }

    /** What the derived file carries. */
    public PrivacyManifest.Carried carried() {
        PrivacyManifest.Carried c = PrivacyManifestBuilder.carried(inherited.fingerprints(), secrets);
        int parentRegexes = inherited.source() == null ? 0 : inherited.source().carried().regexesNotCarried();
        if (parentRegexes == 0) return c;
        return new PrivacyManifest.Carried(c.sections(), c.secrets(), c.entries(), c.forms(), c.regexesNotCarried() + parentRegexes);
    }

    /** {@link #carried()} as the manifest's {@code fingerprints} member (a plain tree). */
    public Map<String, Object> manifestCarried() {
        PrivacyManifest.Carried c = carried();
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("sections", (long) c.sections());
        m.put("secrets", (long) c.secrets());
        m.put("entries", (long) c.entries());
        m.put("forms", new ArrayList<Object>(c.forms()));
        m.put("regexesNotCarried", (long) c.regexesNotCarried());
        return m;
    }

    /** What the derived file's final scan searches: the named secrets by value, the inherited ones by fingerprint. */
    public PrivacyManifest.ScanClaim scan() {
        return new PrivacyManifest.ScanClaim(PrivacyManifest.SCAN_SCOPE, secrets.size(), secrets.scanner().patternCount(),
                PrivacyManifestBuilder.forms(secrets), inherited.entries(), 0);
    }

    /**
     * The derived file's manifest as a plain tree: the source's with this file's own claims, or
     * (a source without one) a fresh one when anything is searched; {@code Map.of()} when nothing is.
     */
    public Map<String, Object> manifest() {
        if (inherited.source() != null) return inherited.source().derived(carried(), scan()).toTree();
        if (secrets.isEmpty() && inherited.fingerprints().isEmpty()) return Map.of();
        return PrivacyManifest.builder(secrets).fingerprints(inherited.fingerprints(), inherited.entries())
                .replay(ReplayVerdict.verified()).build().toTree();
    }

    /** The final scan of the derived file's bytes ({@code back} is them read back). */
    public CleanFile check(byte[] file, Slice back) throws SecretLeakException {
        return FinalScan.check(file, back, secrets, inherited);
    }
}
