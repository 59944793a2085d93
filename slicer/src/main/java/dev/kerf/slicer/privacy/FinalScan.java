package dev.kerf.slicer.privacy;

import dev.kerf.formats.slice.Section;
import dev.kerf.formats.slice.Slice;

import java.util.ArrayList;
import java.util.List;

/**
 * The last gate before a slice reaches disk or stdout: the finished file's raw bytes, and the bytes
 * of each of its sections after decompression, searched for every secret (both encodings of every
 * literal, every regex). Zero hits gives a {@link CleanFile}; any hit is a
 * {@link SecretLeakException} and the caller writes nothing. Sections are searched one by one (a
 * secret cannot straddle two sections of a reader's view).
 */
public final class FinalScan {
    private FinalScan() {}

    /**
     * @param file     the exact bytes about to be written (header, privacy manifest and all)
     * @param sections the file's sections as a reader decodes them; uncompressed sections may be
     *                 left out (the raw scan covers them), but listing them costs only time
     */
    public static CleanFile check(byte[] file, Iterable<DecodedSection> sections, SecretSet secrets)
            throws SecretLeakException {
        SecretScanner scanner = secrets.scanner();
        firstHit(scanner, file, "the raw file", secrets);
        int count = 0;
        long decoded = 0;
        for (DecodedSection s : sections) {
            firstHit(scanner, s.bytes(), "decoded section " + s.name(), secrets);
            count++;
            decoded += s.bytes().length;
        }
        return new CleanFile(file, new ScanReport(secrets.size(), scanner.patternCount(), file.length, count, decoded));
    }

    /** As {@link #check(byte[], Iterable, SecretSet)} for a kerf slice or log: {@code slice} is {@code file} read back, every section searched. */
    public static CleanFile check(byte[] file, Slice slice, SecretSet secrets) throws SecretLeakException {
        List<DecodedSection> sections = new ArrayList<>();
        for (Section s : slice.sections()) sections.add(new DecodedSection(s.type().name(), s.data()));
        return check(file, sections, secrets);
    }

    private static void firstHit(SecretScanner scanner, byte[] bytes, String where, SecretSet secrets)
            throws SecretLeakException {
        List<Match> hits = scanner.scan(List.of(bytes));
        Match first = null;
        for (Match m : hits) if (first == null || m.start() < first.start()) first = m;
        if (first != null) throw new SecretLeakException(secrets.get(first.secret()), where, first.start());
    }
}
