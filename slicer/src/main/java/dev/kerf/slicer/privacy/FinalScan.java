package dev.kerf.slicer.privacy;

import dev.kerf.formats.slice.FingerprintSection;
import dev.kerf.formats.slice.Section;
import dev.kerf.formats.slice.Slice;

import java.util.ArrayList;
import java.util.List;

/**
 * The last gate before a slice reaches disk or stdout: the finished file's raw bytes, and the bytes
 * of each of its sections after decompression, searched for every secret (every form of every
 * literal, every regex) and for every fingerprint the file inherited from the file it was derived
 * from ({@link Inherited}). Zero hits gives a {@link CleanFile}; any hit is a
 * {@link SecretLeakException} and the caller writes nothing. Sections are searched one by one (a
 * secret cannot straddle two sections of a reader's view).
 */
public final class FinalScan {
    private FinalScan() {}

    /**
     * Fingerprints a derived file must be searched for: those of the file it was made from, whose
     * privacy manifest ({@code source}, may be null) names their secrets' origins.
     */
    public record Inherited(List<Fingerprints> fingerprints, PrivacyManifest source) {
        public static final Inherited NONE = new Inherited(List.of(), null);

        public Inherited {
            fingerprints = List.copyOf(fingerprints);
        }

        /** Fingerprint entries in all. */
        public int entries() {
            int n = 0;
            for (Fingerprints f : fingerprints) n += f.size();
            return n;
        }

        /**
         * What {@code slice} carries: its FINGERPRINTS sections and its privacy manifest. An entry
         * of a form this kerf does not know is a FormatException at its offset (a newer kerf's
         * file: searching for less than it promises would be a silent leak).
         */
        public static Inherited of(Slice slice) {
            List<Fingerprints> out = new ArrayList<>();
            for (Section s : slice.all(dev.kerf.formats.slice.SectionType.FINGERPRINTS)) {
                FingerprintSection f = FingerprintSection.read(slice, s);
                for (int i = 0; i < f.size(); i++) {
                    if (SecretForm.of(f.form(i)) == null) {
                        throw slice.fail(s, FingerprintSection.FIXED_BYTES + (long) i * FingerprintSection.ENTRY_BYTES + 4,
                                "entry " + i + ": unknown form " + f.form(i) + " (a newer kerf's file: use a newer kerf)");
                    }
                }
                out.add(Fingerprints.of(f));
            }
            var privacy = slice.header().privacy();
            return new Inherited(out, privacy.isEmpty() ? null : PrivacyManifest.fromTree(privacy, slice.file(), 0));
        }

        /** {@code text} with every inherited fingerprint's occurrence replaced by {@code filler}. */
        public String redact(String text, byte filler) {
            for (Fingerprints f : fingerprints) text = f.redact(text, filler);
            return text;
        }

        /**
         * Fills every inherited fingerprint's occurrence in {@code regions}, read as the
         * {@link Redactor} reads them (consecutive regions that continue each other are one stream,
         * so a secret that arrived a byte per read() is found); returns the occurrences.
         */
        public int redact(List<Region> regions, byte filler) {
            if (fingerprints.isEmpty()) return 0;
            int n = 0;
            for (List<Region> run : Region.streams(regions)) {
                int total = 0;
                for (Region r : run) total = Math.addExact(total, r.bytes().length);
                byte[] stream = new byte[total];
                int at = 0;
                for (Region r : run) {
                    System.arraycopy(r.bytes(), 0, stream, at, r.bytes().length);
                    at += r.bytes().length;
                }
                int found = redact(stream, filler);
                if (found > 0) {
                    at = 0;
                    for (Region r : run) {
                        System.arraycopy(stream, at, r.bytes(), 0, r.bytes().length);
                        at += r.bytes().length;
                    }
                }
                n += found;
            }
            return n;
        }

        /** Fills every inherited fingerprint's occurrence in {@code bytes}; returns the occurrences. */
        public int redact(byte[] bytes, byte filler) {
            int n = 0;
            for (Fingerprints f : fingerprints) n += f.redact(bytes, filler);
            return n;
        }

        /** The filler the source's manifest names, else {@code X}. */
        public byte filler() {
            return source == null ? (byte) 'X' : (byte) source.filler();
        }

        String describe(Fingerprints.Hit h) {
            String origin = source == null ? null : source.originOf(h.secret());
            return "secret #" + h.secret() + " of the source (" + (origin != null ? origin + ", " : "") + "found by its "
                    + h.form().label() + " fingerprint)";
        }
    }

    /**
     * @param file     the exact bytes about to be written (header, privacy manifest and all)
     * @param sections the file's sections as a reader decodes them; uncompressed sections may be
     *                 left out (the raw scan covers them), but listing them costs only time
     */
    public static CleanFile check(byte[] file, Iterable<DecodedSection> sections, SecretSet secrets)
            throws SecretLeakException {
        return check(file, sections, secrets, Inherited.NONE);
    }

    /** As {@link #check(byte[], Iterable, SecretSet)}, searching for {@code inherited} fingerprints too. */
    public static CleanFile check(byte[] file, Iterable<DecodedSection> sections, SecretSet secrets, Inherited inherited)
            throws SecretLeakException {
        SecretScanner scanner = secrets.scanner();
        firstHit(scanner, file, "the raw file", secrets);
        firstHit(inherited, file, "the raw file");
        int count = 0;
        long decoded = 0;
        for (DecodedSection s : sections) {
            firstHit(scanner, s.bytes(), "decoded section " + s.name(), secrets);
            firstHit(inherited, s.bytes(), "decoded section " + s.name());
            count++;
            decoded += s.bytes().length;
        }
        return new CleanFile(file, new ScanReport(secrets.size(), scanner.patternCount(), file.length, count, decoded));
    }

    /** As {@link #check(byte[], Iterable, SecretSet)} for a kerf slice or log: {@code slice} is {@code file} read back, every section searched. */
    public static CleanFile check(byte[] file, Slice slice, SecretSet secrets) throws SecretLeakException {
        return check(file, slice, secrets, Inherited.NONE);
    }

    /** As {@link #check(byte[], Slice, SecretSet)}, searching for {@code inherited} fingerprints too. */
    public static CleanFile check(byte[] file, Slice slice, SecretSet secrets, Inherited inherited) throws SecretLeakException {
        List<DecodedSection> sections = new ArrayList<>();
        for (Section s : slice.sections()) sections.add(new DecodedSection(s.type().name(), s.data()));
        return check(file, sections, secrets, inherited);
    }

    private static void firstHit(Inherited inherited, byte[] bytes, String where) throws SecretLeakException {
        Fingerprints.Hit first = null;
        for (Fingerprints f : inherited.fingerprints()) {
            Fingerprints.Hit h = f.first(bytes);
            if (h != null && (first == null || h.offset() < first.offset())) first = h;
        }
        if (first != null) throw new SecretLeakException(inherited.describe(first), first.secret(), where, first.offset());
    }

    private static void firstHit(SecretScanner scanner, byte[] bytes, String where, SecretSet secrets)
            throws SecretLeakException {
        List<Match> hits = scanner.scan(List.of(bytes));
        Match first = null;
        for (Match m : hits) if (first == null || m.start() < first.start()) first = m;
        if (first != null) throw new SecretLeakException(secrets.get(first.secret()), where, first.start());
    }
}
