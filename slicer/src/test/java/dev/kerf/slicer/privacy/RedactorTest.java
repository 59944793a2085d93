package dev.kerf.slicer.privacy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static String s(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    @Test
    void removesEveryOccurrenceWithSameLengthFillerAndReportsWhereNotWhat() {
        SecretSet set = new SecretSet();
        set.addLiteral("hunter2");
        Region r = new Region("initial page 0x0804a000", 0x0804a000L, b("pw=hunter2;again hunter2."));
        Redaction red = new Redactor(set).redact(List.of(r));
        assertThat(s(r.bytes())).isEqualTo("pw=XXXXXXX;again XXXXXXX.");
        assertThat(red.occurrences()).isEqualTo(2);
        assertThat(red.bytesRemoved()).isEqualTo(14);
        assertThat(red.removals()).containsExactly(
                new Removal(0, 0, SecretKind.LITERAL, "initial page 0x0804a000", 0x0804a003L, 3, 7),
                new Removal(1, 0, SecretKind.LITERAL, "initial page 0x0804a000", 0x0804a011L, 17, 7));
        assertThat(red.removals().toString()).doesNotContain("hunter2");
    }

    @Test
    void findsOccurrencesStraddlingAdjacentPagesButNotUnrelatedRegions() {
        SecretSet set = new SecretSet();
        set.addLiteral("secretvalue");
        Region p0 = new Region("initial page 0x1000", 0x1000, b("......secr"));
        Region p1 = new Region("initial page 0x100a", 0x100a, b("etval"));
        Region p2 = new Region("initial page 0x100f", 0x100f, b("ue...."));
        Region far1 = new Region("return #1", 0x9000, b("....secret"));
        Region far2 = new Region("return #2", 0x5000, b("value...."));
        Redaction red = new Redactor(set).redact(List.of(p0, p1, p2, far1, far2));
        assertThat(s(p0.bytes()) + s(p1.bytes()) + s(p2.bytes())).isEqualTo("......XXXXXXXXXXX....");
        assertThat(s(far1.bytes())).isEqualTo("....secret");
        assertThat(s(far2.bytes())).isEqualTo("value....");
        assertThat(red.occurrences()).isEqualTo(1);
        assertThat(red.removals()).extracting(Removal::label, Removal::offset, Removal::length).containsExactly(
                org.assertj.core.groups.Tuple.tuple("initial page 0x1000", 6, 4),
                org.assertj.core.groups.Tuple.tuple("initial page 0x100a", 0, 5),
                org.assertj.core.groups.Tuple.tuple("initial page 0x100f", 0, 2));
        assertThat(red.removals()).extracting(Removal::occurrence).containsOnly(0);
    }

    @Test
    void overlappingSecretsAreEachReportedAndTheUnionRemoved() {
        SecretSet set = new SecretSet();
        set.addLiteral("abcd");
        set.addLiteral("cdef");
        set.addLiteral("bc");
        Region r = new Region("buf", -1, b("zabcdefz"));
        Redaction red = new Redactor(set).redact(List.of(r));
        assertThat(s(r.bytes())).isEqualTo("zXXXXXXz");
        assertThat(red.occurrences()).isEqualTo(3);
        assertThat(red.bytesRemoved()).isEqualTo(6);
        assertThat(red.removals()).extracting(Removal::secret).containsExactly(0, 2, 1);
        assertThat(red.removals()).extracting(Removal::address).containsOnly(-1L);
    }

    @Test
    void literalsAreAlsoFoundAsUtf16le() {
        SecretSet set = new SecretSet();
        set.addLiteral("pässword");
        byte[] wide = "..pässword..".getBytes(StandardCharsets.UTF_16LE);
        byte[] utf8 = "..pässword..".getBytes(StandardCharsets.UTF_8);
        Region w = new Region("wide", -1, wide);
        Region n = new Region("narrow", -1, utf8);
        new Redactor(set).redact(List.of(w, n));
        assertThat(new String(wide, StandardCharsets.UTF_16LE)).doesNotContain("pässword").contains("..");
        assertThat(new String(utf8, StandardCharsets.UTF_8)).isEqualTo("..XXXXXXXXX..");
    }

    @Test
    void regexesMatchOverBytesAndAcrossPagesAndGoAgainWhenFillingLeavesAMatch() {
        SecretSet set = new SecretSet();
        set.addRegex("card=[0-9]{4}-[0-9]{4}");
        set.addRegex("pass=\\w+");
        Region p0 = new Region("page 0", 0, b("x card=1234-5"));
        Region p1 = new Region("page 1", 13, b("678 pass=abc\u00ff"));
        Redaction red = new Redactor(set).redact(List.of(p0, p1));
        assertThat(s(p0.bytes()) + s(p1.bytes())).isEqualTo("x XXXXXXXXXXXXXX XXXXXXXX\u00ff");
        assertThat(red.removals()).extracting(Removal::label, Removal::offset, Removal::length).containsExactly(
                org.assertj.core.groups.Tuple.tuple("page 0", 2, 11),
                org.assertj.core.groups.Tuple.tuple("page 1", 0, 3),
                org.assertj.core.groups.Tuple.tuple("page 1", 4, 8));
        assertThat(red.rounds()).isEqualTo(2); // the second scan proves nothing is left
    }

    @Test
    void aRegexThatMatchesTheFillerMovesTheFillerOn() {
        SecretSet set = new SecretSet();
        set.addRegex("[A-Z]{3,}");
        Region r = new Region("buf", -1, b("key ABCDEF ok"));
        new Redactor(set).redact(List.of(r));
        assertThat(set.filler()).isEqualTo((byte) '*');
        assertThat(s(r.bytes())).isEqualTo("key ****** ok");
    }

    @Test
    void aSecretMadeOfTheFillerGetsAnotherFiller() {
        SecretSet set = new SecretSet();
        set.addLiteral("XXXX");
        Region r = new Region("buf", -1, b("aXXXXb"));
        new Redactor(set).redact(List.of(r));
        assertThat(set.filler()).isEqualTo((byte) '*');
        assertThat(s(r.bytes())).isEqualTo("a****b");
    }

    @Test
    void fillingThatCreatesANewOccurrenceIsRemovedInALaterRound() {
        SecretSet set = new SecretSet();
        set.addLiteral("ab**");
        set.addLiteral("XXXX"); // filler becomes '*'
        set.addLiteral("cd");
        Region r = new Region("buf", -1, b("abcd.."));
        Redaction red = new Redactor(set).redact(List.of(r));
        assertThat(s(r.bytes())).isEqualTo("****..");
        assertThat(red.rounds()).isEqualTo(3);
        assertThat(red.occurrences()).isEqualTo(2);
    }

    @Test
    void excludedProcessBytesBecomePrintableRunsOfAtLeastFour() {
        SecretSet set = new SecretSet();
        set.excludeProcess("vault");
        set.excludeProcess("ghost");
        int added = set.addProcessBytes("vault", b("\0\0alice:s3cr3t\0ab\0\1bob:hunter\0alice:s3cr3t\0xyz"));
        assertThat(added).isEqualTo(2);
        assertThat(set.secrets()).extracting(Secret::kind).containsOnly(SecretKind.PROCESS);
        assertThat(set.exclusionsWithoutBytes()).containsExactly("ghost");
        Region r = new Region("read(3) bytes", -1, b("got alice:s3cr3t and ab and xyz"));
        new Redactor(set).redact(List.of(r));
        assertThat(s(r.bytes())).isEqualTo("got XXXXXXXXXXXX and ab and xyz");
    }

    @Test
    void nothingToFindChangesNothing() {
        SecretSet set = new SecretSet();
        set.addLiteral("nothere");
        Region r = new Region("buf", 0, b("plain data"));
        Redaction red = new Redactor(set).redact(List.of(r));
        assertThat(red.occurrences()).isZero();
        assertThat(red.rounds()).isEqualTo(1);
        assertThat(s(r.bytes())).isEqualTo("plain data");
    }

    @Test
    void manySecretsOverManyPagesInLinearTime() {
        SecretSet set = new SecretSet();
        set.excludeProcess("vault");
        byte[] vault = new byte[2_000 * 12];
        for (int i = 0; i < 2_000; i++) System.arraycopy(b(String.format("k%05d=v%03d", i, i % 997)), 0, vault, i * 12, 11);
        assertThat(set.addProcessBytes("vault", vault)).isEqualTo(2_000);
        List<Region> pages = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(42);
        for (int p = 0; p < 16 * 1024; p++) { // 64 MiB
            byte[] page = new byte[4096];
            rnd.nextBytes(page);
            pages.add(new Region("page " + p, p * 4096L, page));
        }
        byte[] planted = b("k01234=v237");
        System.arraycopy(planted, 0, pages.get(100).bytes(), 4090, 6);
        System.arraycopy(planted, 6, pages.get(101).bytes(), 0, 5);
        long t0 = System.nanoTime();
        Redaction red = new Redactor(set).redact(pages);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("redact 64 MiB, 2000 secrets: %d ms (%.0f MiB/s)%n", ms, 64_000.0 / Math.max(ms, 1));
        assertThat(red.removals()).extracting(Removal::label).contains("page 100", "page 101");
        assertThat(s(java.util.Arrays.copyOfRange(pages.get(101).bytes(), 0, 5))).isEqualTo("XXXXX");
    }

    @Test
    void regexesOverManyAdjacentPagesFindASeamCrossingMatch() {
        SecretSet set = new SecretSet();
        set.addRegex("card=[0-9]{4}-[0-9]{4}-[0-9]{4}");
        List<Region> pages = new ArrayList<>();
        for (int p = 0; p < 4 * 1024; p++) { // 16 MiB of text-like bytes
            byte[] page = new byte[4096];
            for (int i = 0; i < page.length; i++) page[i] = (byte) ('a' + (i * 7 + p) % 26);
            pages.add(new Region("page " + p, p * 4096L, page));
        }
        byte[] planted = b("card=1234-5678-9012");
        System.arraycopy(planted, 0, pages.get(2000).bytes(), 4096 - 8, 8);
        System.arraycopy(planted, 8, pages.get(2001).bytes(), 0, planted.length - 8);
        long t0 = System.nanoTime();
        Redaction red = new Redactor(set).redact(pages);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("redact 16 MiB with one regex: %d ms (%.0f MiB/s)%n", ms, 16_000.0 / Math.max(ms, 1));
        assertThat(red.occurrences()).isEqualTo(1);
        assertThat(red.removals()).extracting(Removal::label, Removal::length).containsExactly(
                org.assertj.core.groups.Tuple.tuple("page 2000", 8), org.assertj.core.groups.Tuple.tuple("page 2001", 11));
    }
}
