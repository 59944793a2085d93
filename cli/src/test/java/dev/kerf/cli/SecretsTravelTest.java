package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.formats.slice.Section;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import dev.kerf.slicer.privacy.SecretSet;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, findings 7 and 9, on the bugreport scenario: the secrets a slice was cut with travel
 * with it as fingerprints, so a syscall log that would hold one (buggy writes "buggy: Hooli ...",
 * assembled at run time from a constant and its input, so the slice itself holds it nowhere) is
 * refused without the secret being named again; strace output is redacted; every derived file
 * reports its own final scan; large secret lists work; a secret in a name costs the name only.
 */
class SecretsTravelTest {
    private static final List<Charset> ENCODINGS = List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE);
    @TempDir
    static Path tmp;
    private static Path rec;
    private static String buggy;
    private static Path plain;

    @BeforeAll
    static void record() throws Exception {
        rec = tmp.resolve("bugreport.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=bugreport"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        Matcher fault = Pattern.compile("buggy\\[(\\d+)\\]: page fault").matcher(r.out());
        assertThat(fault.find()).isTrue();
        buggy = fault.group(1);
        plain = tmp.resolve("plain.kslice");
        Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", buggy, "-o", plain.toString());
        assertThat(s.exitCode()).as(s.err()).isZero();
    }

    /** Occurrences of {@code s} in the file's bytes, in UTF-8, UTF-16LE and UTF-16BE. */
    private static int hits(byte[] file, String s) {
        String raw = new String(file, StandardCharsets.ISO_8859_1);
        int n = 0;
        for (Charset cs : ENCODINGS) {
            String f = new String(s.getBytes(cs), StandardCharsets.ISO_8859_1);
            for (int i = raw.indexOf(f); i >= 0; i = raw.indexOf(f, i + 1)) n++;
        }
        return n;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    @Test
    void aSecretTheProcessComputesIsCaughtInTheSyscallLogWithoutNamingItAgain() throws Exception {
        Path slice = tmp.resolve("computed.kslice"), log = tmp.resolve("computed.ksys");
        Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", buggy, "--secret", "buggy: Hooli", "-o", slice.toString());
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(s.err()).contains("0 occurrences (0 bytes) removed; final scan of the file: 0 hits");
        assertThat(hits(Files.readAllBytes(slice), "buggy: Hooli")).isZero(); // the slice holds its pieces only
        Cli.Outcome r = Cli.run("", "retarget", slice.toString(), "--to", "syscalls", "-o", log.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
        assertThat(r.err()).startsWith("kerf: secret #0 of the source (--secret, found by its utf-8 fingerprint) found in the finished"
                + " file at the raw file offset 0x");
        assertThat(count(r.err(), "no file written")).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(log).doesNotExist();
        Cli.Outcome jvm = Cli.run("", "retarget", slice.toString(), "--to", "jvm", "-o", tmp.resolve("x.kjvm").toString());
        assertThat(jvm.exitCode()).isEqualTo(4); // buggy is no minijvm process: refused before any scan, still no file
        assertThat(tmp.resolve("x.kjvm")).doesNotExist();
    }

    @Test
    void aDerivedLogCarriesTheFingerprintsAndReportsItsOwnScan() throws Exception {
        Path slice = tmp.resolve("carried.kslice"), log = tmp.resolve("carried.ksys");
        Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", buggy, "--secret", "Tr0ub4dor&3", "--secret", "Hooli",
                "-o", slice.toString());
        assertThat(s.exitCode()).as(s.err()).isZero();
        Cli.Outcome r = Cli.run("", "retarget", slice.toString(), "--to", "syscalls", "-o", log.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("kerf: privacy: final scan of the file for 2 secrets of the slice by their 6 fingerprints: 0 hits");
        Slice back = SliceReader.read(log);
        assertThat(back.all(SectionType.FINGERPRINTS)).hasSize(1);
        assertThat(back.all(SectionType.FINGERPRINTS).get(0).data()).isEqualTo(SliceReader.read(slice).all(SectionType.FINGERPRINTS).get(0).data());
        Cli.Outcome sliceInfo = Cli.run("", "info", slice.toString(), "--json");
        Cli.Outcome logInfo = Cli.run("", "info", log.toString(), "--json");
        assertThat(sliceInfo.out()).contains("\"finalScan\": {\"scope\": \"raw file and decoded sections\", \"secrets\": 2, \"patterns\": 6,"
                + " \"forms\": [\"utf-8\", \"utf-16le\", \"utf-16be\"], \"fingerprints\": 0, \"hits\": 0}");
        assertThat(logInfo.out()).contains("\"finalScan\": {\"scope\": \"raw file and decoded sections\", \"secrets\": 0, \"patterns\": 0,"
                + " \"forms\": [\"utf-8\", \"utf-16le\", \"utf-16be\"], \"fingerprints\": 6, \"hits\": 0}")
                .contains("\"fingerprints\": {\"sections\": 1, \"secrets\": 2, \"entries\": 6")
                .containsPattern("\"removed\": \\{\"occurrences\": 1,");
        assertThat(Cli.run("", "info", log.toString()).out()).contains("final scan of raw file and decoded sections: 0 hits for 0 secrets"
                + " and 6 inherited fingerprints").contains("carries fingerprints of 2 secrets (utf-8, utf-16le, utf-16be)");
        // and a log of the log's kind again: strace of it shows the removal, never the secret
        Cli.Outcome strace = Cli.run("", "strace", log.toString());
        assertThat(strace.exitCode()).as(strace.err()).isZero();
        assertThat(strace.out()).contains("write(1, \"buggy: XXXXX ").doesNotContain("Hooli");
    }

    /** strace prints text, not a file: what a log's fingerprints match is replaced by the filler, in buffers and lines. */
    @Test
    void straceOutputIsRedactedByTheFingerprintsTheLogCarries() throws Exception {
        Path log = tmp.resolve("plain.ksys");
        Cli.Outcome r = Cli.run("", "retarget", plain.toString(), "--to", "syscalls", "-o", log.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Cli.run("", "strace", log.toString()).out()).contains("buggy: Hooli");
        SecretSet set = new SecretSet();
        set.addLiteral("buggy: Hooli");
        Slice s = SliceReader.read(log);
        SliceWriter w = new SliceWriter(s.header());
        for (Section sec : s.sections()) w.add(sec.type(), sec.data());
        w.add(SectionType.FINGERPRINTS, set.fingerprints().section().toBytes());
        Path crafted = tmp.resolve("crafted.ksys");
        Files.write(crafted, w.finish());
        for (List<String> args : List.of(List.of("strace", crafted.toString()), List.of("strace", crafted.toString(), "--json"))) {
            Cli.Outcome out = Cli.run("", args.toArray(new String[0]));
            assertThat(out.exitCode()).as(out.err()).isZero();
            assertThat(out.out()).doesNotContain("buggy: Hooli").contains("XXXXXXXXXXXX");
        }
    }

    /** Finding 9: 12,000 and 100,000 secret lines work, and the slice grows by 63 bytes a secret plus a bounded header. */
    @Test
    void hugeSecretFilesWorkAndTheSliceGrowsByABoundedAmount() throws Exception {
        long base = Files.size(plain);
        Random rnd = new Random(9);
        for (int n : new int[]{12_000, 100_000}) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 12 + rnd.nextInt(20); j++) sb.append((char) ('a' + rnd.nextInt(26)));
                sb.append('\n');
            }
            Path file = tmp.resolve("secrets-" + n + ".txt");
            Files.writeString(file, sb);
            Path out = tmp.resolve("big-" + n + ".kslice");
            long t0 = System.nanoTime();
            Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", buggy, "--secret-file", file.toString(), "-o", out.toString());
            assertThat(s.exitCode()).as(s.err()).isZero();
            double secs = (System.nanoTime() - t0) / 1e9;
            long growth = Files.size(out) - base;
            // FINGERPRINTS: 22 + 3 x 21 bytes a secret, its section framing 9; the header's manifest: a few hundred bytes
            assertThat(growth).isBetween(22L + 63L * n, 22L + 63L * n + 9 + 2048);
            Cli.Outcome info = Cli.run("", "info", out.toString(), "--json");
            assertThat(info.out()).contains("{\"kind\": \"file-line\", \"first\": 0, \"count\": " + n + ", \"origin\": \"--secret-file secrets-"
                    + n + ".txt\"}");
            System.out.printf("secret file of %,d lines: slice %,d -> %,d bytes (+%,d; %.1f per secret); sliced in %.1f s%n", n, base,
                    Files.size(out), growth, (double) growth / n, secs);
        }
    }

    /** A secret in a name (the recording's, the process's) is replaced in the slice; the slice is written. */
    @Test
    void aSecretInTheRecordingsOrTheProcesssNameCostsTheNameOnly() throws Exception {
        for (String secret : List.of("bugreport", "buggy")) {
            Path out = tmp.resolve("named-" + secret.length() + ".kslice");
            Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", buggy, "--secret", secret, "-o", out.toString());
            assertThat(s.exitCode()).as(s.err()).isIn(0, 16); // removing "buggy" from its own memory may change what it does
            assertThat(s.err()).doesNotContain("found in the finished").doesNotContain(secret + " ");
            if (s.exitCode() == 16) {
                assertThat(s.err()).contains("refused");
                s = Cli.run("", "slice", rec.toString(), "--process", buggy, "--secret", secret, "--allow-divergence", "-o", out.toString());
                assertThat(s.exitCode()).as(s.err()).isZero();
            }
            assertThat(hits(Files.readAllBytes(out), secret)).as(secret).isZero();
            Cli.Outcome info = Cli.run("", "info", out.toString(), "--json");
            assertThat(info.out()).contains("X".repeat(secret.length()));
        }
    }

    /** The failure path: a secret the slicer cannot remove (it is in the file format's own words) is one line, exit 70, no file. */
    @Test
    void aSecretTheSlicerCannotRemoveIsOneLineAndNoFile() {
        Path out = tmp.resolve("format.kslice");
        Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", buggy, "--secret-regex", "kerf-sl[i]ce", "-o", out.toString());
        assertThat(s.exitCode()).isEqualTo(70);
        assertThat(s.err()).contains("secret #0 (--secret-regex) found in the finished file at the raw file offset 0x");
        assertThat(count(s.err(), "no file written")).isEqualTo(1);
        assertThat(out).doesNotExist();
    }

    /** --secret-forms: a secret named in another case is removed case-folded, and the forms travel with the slice. */
    @Test
    void extraFormsRemoveAnyCaseAndTravel() throws Exception {
        Path out = tmp.resolve("forms.kslice");
        Cli.Outcome plainCase = Cli.run("", "slice", rec.toString(), "--process", buggy, "--secret", "hOOLI", "-o", out.toString());
        assertThat(plainCase.err()).contains("0 occurrences (0 bytes) removed"); // case matters without the option
        Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", buggy, "--secret", "hOOLI", "--secret-forms", "-o", out.toString());
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(s.err()).contains("1 occurrences (5 bytes) removed");
        assertThat(hits(Files.readAllBytes(out), "Hooli")).isZero();
        Cli.Outcome info = Cli.run("", "info", out.toString(), "--json");
        assertThat(info.out()).contains("\"forms\": [\"utf-8\", \"utf-16le\", \"utf-16be\", \"case-folded\", \"hex\", \"base64\"]");
        Path log = tmp.resolve("forms.ksys");
        Cli.Outcome r = Cli.run("", "retarget", out.toString(), "--to", "syscalls", "-o", log.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Cli.run("", "strace", log.toString()).out()).contains("write(1, \"buggy: XXXXX ");
    }

    /**
     * Slices of slices: a time slice carrying fingerprints (added here by hand: a time slice takes no
     * secret options) hands them to the process slice cut from it, which removes their occurrences
     * by fingerprint and carries them on.
     */
    @Test
    void aProcessSliceOfATimeSliceInheritsItsFingerprints() throws Exception {
        long end = (Long) SliceReader.read(plain).header().parameters().get("recordingInstructions");
        Path time = tmp.resolve("whole.kslice");
        Cli.Outcome t = Cli.run("", "slice", rec.toString(), "--time", "0.." + end, "-o", time.toString());
        assertThat(t.exitCode()).as(t.err()).isZero();
        SecretSet set = new SecretSet();
        set.addLiteral("Hooli");
        Slice s = SliceReader.read(time);
        SliceWriter w = new SliceWriter(s.header());
        for (Section sec : s.sections()) w.add(sec.type(), sec.data());
        w.add(SectionType.FINGERPRINTS, set.fingerprints().section().toBytes());
        Path carrying = tmp.resolve("carrying.kslice");
        Files.write(carrying, w.finish());
        Path out = tmp.resolve("inherited.kslice");
        Cli.Outcome p = Cli.run("", "slice", carrying.toString(), "--process", buggy, "-o", out.toString());
        assertThat(p.exitCode()).as(p.err()).isZero();
        assertThat(p.err()).contains("kerf: privacy: 1 occurrences of the source slice's secrets removed by their 3 fingerprints; carried on");
        assertThat(hits(Files.readAllBytes(out), "Hooli")).isZero();
        assertThat(SliceReader.read(out).all(SectionType.FINGERPRINTS)).hasSize(1);
        assertThat(Cli.run("", "replay", out.toString()).exitCode()).isZero();
    }

    /** A regex cannot be fingerprinted: the manifest and kerf info say it does not travel; the log's manifest still counts it. */
    @Test
    void aRegexSecretIsSaidNotToTravel() throws Exception {
        Path slice = tmp.resolve("regex.kslice"), log = tmp.resolve("regex.ksys");
        Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", buggy, "--secret-regex", "zq[0-9]{9}", "--secret", "Tr0ub4dor&3",
                "-o", slice.toString());
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(Cli.run("", "info", slice.toString()).out()).contains("1 regexes are not carried: name them again");
        assertThat(Cli.run("", "retarget", slice.toString(), "--to", "syscalls", "-o", log.toString()).exitCode()).isZero();
        assertThat(Cli.run("", "info", log.toString(), "--json").out()).contains("\"regexesNotCarried\": 1");
    }
}
