package dev.kerf.slicer.privacy;

import dev.kerf.formats.FormatException;
import dev.kerf.formats.slice.FingerprintSection;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FingerprintsTest {
    private static final byte[] SALT = new byte[16];

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static Fingerprints fp(SecretSet s) {
        s.useSalt(SALT);
        return s.fingerprints();
    }

    private static TreeSet<String> offsets(List<Fingerprints.Hit> hits) {
        TreeSet<String> out = new TreeSet<>();
        for (Fingerprints.Hit h : hits) out.add(h.secret() + "@" + h.offset() + "+" + h.length());
        return out;
    }

    /** The fingerprints find exactly what the automaton over the secrets themselves finds. */
    @Test
    void fingerprintsFindExactlyWhatTheSecretsThemselvesFind() {
        Random rnd = new Random(11);
        for (int round = 0; round < 100; round++) {
            SecretSet s = new SecretSet(round % 2 == 0);
            for (int i = 0; i < 1 + rnd.nextInt(6); i++) {
                char[] c = new char[1 + rnd.nextInt(5)];
                for (int j = 0; j < c.length; j++) c[j] = "abABc".charAt(rnd.nextInt(5));
                s.addLiteral(new String(c));
            }
            byte[] data = new byte[300];
            for (int i = 0; i < data.length; i++) data[i] = (byte) "abABc\0".charAt(rnd.nextInt(6));
            TreeSet<String> expected = new TreeSet<>();
            for (Match m : s.scanner().scan(List.of(data))) expected.add(m.secret() + "@" + m.start() + "+" + m.length());
            assertThat(offsets(fp(s).scan(data))).as("round " + round).isEqualTo(expected);
        }
    }

    @Test
    void everyEncodingIsFoundAndNamedBySecretAndForm() {
        SecretSet s = new SecretSet();
        s.addLiteral("not-this-one");
        s.addLiteral("hunter2-but-longer");
        Fingerprints f = fp(s);
        assertThat(f.secrets()).isEqualTo(2);
        assertThat(f.size()).isEqualTo(6);
        assertThat(f.forms()).containsExactly(SecretForm.UTF8, SecretForm.UTF16LE, SecretForm.UTF16BE);
        for (var cs : List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            byte[] data = ("..." + "hunter2-but-longer" + "...").getBytes(cs);
            Fingerprints.Hit h = f.first(data);
            assertThat(h).as(cs.name()).isNotNull();
            assertThat(h.secret()).isEqualTo(1);
            assertThat(f.scan(data)).anyMatch(x -> x.secret() == 1 && x.form().label().equals(cs.name().toLowerCase(java.util.Locale.ROOT)));
        }
        assertThat(f.first(b("hunter2-but-longe"))).isNull();
    }

    @Test
    void extraFormsTravelToo() {
        SecretSet s = new SecretSet(true);
        s.addLiteral("Hunter2!");
        Fingerprints f = fp(s);
        assertThat(f.forms()).contains(SecretForm.FOLDED, SecretForm.HEX, SecretForm.BASE64);
        assertThat(f.first(b("x=hUNTER2!")).form()).isEqualTo(SecretForm.FOLDED);
        assertThat(f.first(b("x=48756E7465723221")).form()).isEqualTo(SecretForm.HEX);
        for (String prefix : List.of("", "a", "ab")) {
            byte[] enc = b(Base64.getEncoder().encodeToString(b(prefix + "Hunter2!")));
            assertThat(f.first(enc)).as(prefix).isNotNull();
        }
    }

    @Test
    void anOccurrenceAcrossTheHashingChunksIsFound() {
        SecretSet s = new SecretSet();
        s.addLiteral("straddles-the-chunk");
        byte[] data = new byte[(1 << 20) + 100];
        byte[] secret = b("straddles-the-chunk");
        int at = (1 << 20) - 7;
        System.arraycopy(secret, 0, data, at, secret.length);
        assertThat(fp(s).first(data).offset()).isEqualTo(at);
        byte[] copy = data.clone();
        assertThat(fp(s).redact(copy, (byte) 'X')).isEqualTo(1);
        assertThat(new String(copy, at, secret.length, StandardCharsets.ISO_8859_1)).isEqualTo("X".repeat(secret.length));
    }

    @Test
    void theSectionHoldsNoSecretAndReadsBackTheSame() throws Exception {
        SecretSet s = new SecretSet(true);
        s.addLiteral("correct-horse-battery-staple");
        byte[] salt = new byte[16];
        new Random(5).nextBytes(salt);
        s.useSalt(salt);
        Fingerprints f = s.fingerprints();
        byte[] data = f.section().toBytes();
        assertThat(data.length).isEqualTo(22 + f.size() * FingerprintSection.ENTRY_BYTES);
        SecretSet probe = new SecretSet();
        probe.addLiteral("correct-horse");
        probe.addLiteral("battery");
        assertThat(probe.scanner().scan(List.of(data))).isEmpty();
        Slice slice = SliceReader.read(withSection(data), Path.of("f.kslice"));
        Fingerprints back = Fingerprints.of(FingerprintSection.all(slice).get(0));
        assertThat(back.section().toBytes()).isEqualTo(data);
        assertThat(back.first(b("I said correct-horse-battery-staple!")).offset()).isEqualTo(7);
        SecretSet other = new SecretSet(true);
        other.addLiteral("correct-horse-battery-staple");
        other.useSalt(new byte[16]);
        assertThat(other.fingerprints().section().digest(0)).isNotEqualTo(f.section().digest(0)); // salted
    }

    private static byte[] withSection(byte[] data) {
        SliceHeader h = new SliceHeader(SliceKind.PROCESS, Map.of(), "0".repeat(64), "x", 4096, 0, List.of(), Map.of());
        return new SliceWriter(h).add(SectionType.FINGERPRINTS, data).finish();
    }

    @Test
    void aDamagedSectionIsOneErrorAtItsOffset() {
        SecretSet s = new SecretSet();
        s.addLiteral("abcdef");
        byte[] good = fp(s).section().toBytes();
        byte[] version = good.clone();
        version[0] = 2;
        byte[] count = good.clone();
        count[18] = 9;
        byte[] form = good.clone();
        form[22 + 4] = 0;
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 1);
        for (byte[] bad : List.of(version, count, form, cut)) {
            assertThatThrownBy(() -> FingerprintSection.all(SliceReader.read(withSection(bad), Path.of("bad.kslice"))))
                    .isInstanceOf(FormatException.class).hasMessageContaining("bad.kslice").hasMessageContaining("FINGERPRINTS section");
        }
        byte[] unknown = good.clone();
        unknown[22 + 4] = 99;
        assertThatThrownBy(() -> Fingerprints.of(FingerprintSection.all(SliceReader.read(withSection(unknown), Path.of("u.kslice"))).get(0)))
                .hasMessageContaining("unknown form 99");
    }

    @Test
    void thePrefilterWidensOnlyForLargeGroups() {
        assertThat(Fingerprints.prefilterBits(1)).isEqualTo(16);
        assertThat(Fingerprints.prefilterBits(1024)).isEqualTo(16);
        assertThat(Fingerprints.prefilterBits(3000)).isEqualTo(18);
        assertThat(Fingerprints.prefilterBits(1 << 20)).isEqualTo(26);
    }

    /**
     * Figures for docs/slicing.md: scan speed with 1,000 and 100,000 secrets (lengths 8..39, so
     * 32 lengths for UTF-8 and 32 for UTF-16) and the bytes per secret. Asserts only what must hold
     * on any machine: the hits are found and the section is 63 bytes a secret plus 22.
     */
    @Test
    void scanSpeedAndSizeFor1000And100000Secrets() {
        Random rnd = new Random(1);
        for (int n : new int[]{1_000, 100_000}) {
            SecretSet s = new SecretSet();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                char[] c = new char[8 + rnd.nextInt(32)];
                for (int j = 0; j < c.length; j++) c[j] = (char) ('!' + rnd.nextInt(94));
                names.add(new String(c));
                s.addLiteral(names.get(i));
            }
            long t0 = System.nanoTime();
            Fingerprints f = fp(s);
            long built = System.nanoTime() - t0;
            byte[] data = new byte[n == 1_000 ? 4 << 20 : 1 << 20];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (' ' + rnd.nextInt(95));
            byte[] planted = b(names.get(n / 2));
            System.arraycopy(planted, 0, data, data.length / 3, planted.length);
            f.first(data); // warm up
            long t1 = System.nanoTime();
            Fingerprints.Hit h = f.first(data);
            double secs = (System.nanoTime() - t1) / 1e9;
            assertThat(h.offset()).isLessThanOrEqualTo(data.length / 3);
            assertThat(f.scan(data)).anyMatch(x -> x.secret() == n / 2 && x.offset() == data.length / 3);
            s.scanner().scan(List.of(data)); // the literal scanner on the same data, for scale
            long t2 = System.nanoTime();
            s.scanner().scan(List.of(data));
            double literalSecs = (System.nanoTime() - t2) / 1e9;
            int bytes = f.section().toBytes().length;
            assertThat(bytes).isEqualTo(22 + 3 * n * FingerprintSection.ENTRY_BYTES);
            System.out.printf("fingerprints: %,d secrets: built in %.2f s, section %,d bytes (%.1f per secret), %d-bit prefilter,"
                    + " scan %.1f MiB/s (the secrets themselves: %.1f MiB/s)%n", n, built / 1e9, bytes, (bytes - 22.0) / n, f.prefilterBits(),
                    data.length / secs / (1 << 20), data.length / literalSecs / (1 << 20));
        }
    }

    /** docs/slicing.md "What a fingerprint gives away": a low-entropy secret is confirmed by guessing, from the section alone. */
    @Test
    void aLowEntropySecretCanBeConfirmedByGuessingFromItsFingerprint() throws Exception {
        SecretSet s = new SecretSet();
        s.addLiteral("4711");
        byte[] salt = new byte[16];
        new Random(2).nextBytes(salt);
        s.useSalt(salt);
        FingerprintSection section = s.fingerprints().section(); // all a recipient has
        String found = null;
        for (int pin = 0; pin < 10_000 && found == null; pin++) {
            String guess = String.format("%04d", pin);
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            d.update(section.salt());
            d.update((byte) section.form(0));
            d.update(b(guess));
            if (java.nio.ByteBuffer.wrap(d.digest()).getLong() == section.digest(0)) found = guess;
        }
        assertThat(found).isEqualTo("4711");
    }

    /** docs/slicing.md "Not caught": a secret the program transforms otherwise is not found. */
    @Test
    void aSecretTransformedOtherwiseIsNotCaught() {
        SecretSet s = new SecretSet(true);
        s.addLiteral("hunter2-but-longer");
        Fingerprints f = fp(s);
        assertThat(f.first(b("regnol-tub-2retnuh"))).isNull(); // reversed
        assertThat(f.first(b("hunter2-but_longer"))).isNull(); // one byte changed
        assertThat(f.first(b("hunter2%2Dbut-longer"))).isNull(); // URL-escaped
        assertThat(f.first("hunter2-but-longer".getBytes(Charset.forName("UTF-32LE")))).isNull();
        byte[] xored = b("hunter2-but-longer");
        for (int i = 0; i < xored.length; i++) xored[i] ^= 0x20;
        assertThat(f.first(xored)).isNull();
        assertThat(f.first(b("HUNTER2-BUT-LONGER"))).isNotNull(); // but any case is (with --secret-forms)
    }

    @Test
    void base64CoversEveryAlignmentFromFourBytes() {
        for (int n = 1; n <= 6; n++) {
            int cores = 0;
            for (int k = 0; k < 3; k++) if (SecretForm.base64Core(new byte[n], k).length >= SecretForm.MIN_BASE64_CORE) cores++;
            assertThat(cores).as(n + " bytes").isEqualTo(n < 3 ? 0 : n == 3 ? 1 : 3);
        }
    }

    /** Secrets sharing their first 8 bytes (employee-00001, ...) share a prefilter: building and scanning stay linear. */
    @Test
    void manySecretsWithOnePrefixStayFast() {
        SecretSet s = new SecretSet();
        for (int i = 0; i < 30_000; i++) s.addLiteral(String.format("employee-%05d", i));
        long t0 = System.nanoTime();
        Fingerprints f = fp(s);
        byte[] data = b("x".repeat(1000) + "employee-12345" + "employee-".repeat(2000));
        Fingerprints.Hit h = f.first(data);
        List<Match> literal = s.scanner().scan(List.of(data));
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(h.secret()).isEqualTo(12345);
        assertThat(h.offset()).isEqualTo(1000);
        assertThat(literal).extracting(Match::secret).containsExactly(12345);
        assertThat(secs).as("quadratic in a shared prefix would take minutes").isLessThan(60);
    }
}
