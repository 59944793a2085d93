package dev.kerf.slicer.privacy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretSetTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    @Test
    void theSameBytesNamedTwiceAreOneSecret() {
        SecretSet s = new SecretSet();
        Secret a = s.addLiteral("same");
        assertThat(s.addFileLine(b("same"), "--secret-file f:1")).isSameAs(a);
        assertThat(s.addRegex("x+")).isSameAs(s.addRegex("x+"));
        assertThat(s.size()).isEqualTo(2);
        assertThat(a.toString()).isEqualTo("secret #0 (--secret)");
    }

    @Test
    void badInputIsRefusedWithAReason() {
        SecretSet s = new SecretSet();
        assertThatThrownBy(() -> s.addLiteral("")).hasMessage("a secret cannot be empty");
        assertThatThrownBy(() -> s.addRegex("a(b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid regex: Unclosed group");
        assertThatThrownBy(() -> s.addProcessBytes("vault", b("abcdef")))
                .hasMessage("process vault was not excluded (excludeProcess first)");
    }

    @Test
    void aFileLineThatIsNotUtf8IsSearchedAsItsBytesOnly() {
        SecretSet s = new SecretSet();
        Secret raw = s.addFileLine(new byte[]{(byte) 0xC3, 0x28, 'a', 'b'}, "--secret-file f:2");
        Secret text = s.addFileLine(b("abcd"), "--secret-file f:3");
        assertThat(raw.patterns()).hasSize(1);
        assertThat(text.patterns()).containsExactly(b("abcd"), b("a\0b\0c\0d\0"), b("\0a\0b\0c\0d"));
    }

    @Test
    void whenEveryFillerIsASecretTheSetSaysSo() {
        SecretSet s = new SecretSet();
        s.addRegex("(?s).");
        assertThatThrownBy(s::filler).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("every filler byte");
    }

    @Test
    void processRunsAreDistinctPrintableRunsOfFourOrMore() {
        SecretSet s = new SecretSet();
        s.excludeProcess("vault");
        assertThat(s.addProcessBytes("vault", b("abc\0abcd\0abcd\1 ~~~~\u007fxyz\u00ffwxyz"))).isEqualTo(3);
        assertThat(s.addProcessBytes("vault", b("abcd"))).isZero();
        s.addProcessValue("vault", new byte[]{1, 2, 3});
        assertThat(s.size()).isEqualTo(4);
        assertThat(s.exclusionsWithoutBytes()).isEmpty();
    }

    /** The automaton against a brute-force search, over random short patterns and text. */
    @Test
    void literalScanFindsExactlyWhatBruteForceFinds() {
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            SecretSet s = new SecretSet();
            s.excludeProcess("p");
            List<byte[]> pats = new ArrayList<>();
            for (int i = 0; i < 1 + rnd.nextInt(8); i++) {
                byte[] p = new byte[1 + rnd.nextInt(4)];
                for (int j = 0; j < p.length; j++) p[j] = (byte) ('a' + rnd.nextInt(3));
                int before = s.size();
                s.addProcessValue("p", p);
                if (s.size() > before) pats.add(p);
            }
            byte[] text = new byte[rnd.nextInt(60)];
            for (int j = 0; j < text.length; j++) text[j] = (byte) ('a' + rnd.nextInt(3));
            int cut = text.length == 0 ? 0 : rnd.nextInt(text.length);
            List<byte[]> chunks = List.of(java.util.Arrays.copyOf(text, cut), java.util.Arrays.copyOfRange(text, cut, text.length));
            Set<String> got = new TreeSet<>();
            for (Match m : s.scanner().scan(chunks)) got.add(m.secret() + "@" + m.start());
            Set<String> want = new TreeSet<>();
            for (int k = 0; k < pats.size(); k++)
                for (int at = 0; at + pats.get(k).length <= text.length; at++)
                    if (java.util.Arrays.equals(text, at, at + pats.get(k).length, pats.get(k), 0, pats.get(k).length))
                        want.add(k + "@" + at);
            assertThat(got).as("round %d", round).isEqualTo(want);
        }
    }

    private static List<Integer> found(SecretSet s, byte[] data) {
        List<Integer> out = new ArrayList<>();
        for (Match m : s.scanner().scan(List.of(data))) out.add((int) m.start());
        return out;
    }

    /** Issue 13 finding 8: what an excluded process received is searched wide, both byte orders. */
    @Test
    void processRunsAreSearchedInUtf8AndBothUtf16Orders() {
        SecretSet s = new SecretSet();
        s.excludeProcess("vault");
        s.addProcessBytes("vault", b("\0passphrase\0"));
        byte[] le = "..passphrase".getBytes(StandardCharsets.UTF_16LE);
        byte[] be = "...passphrase".getBytes(StandardCharsets.UTF_16BE);
        assertThat(found(s, b("x passphrase"))).containsExactly(2);
        assertThat(found(s, le)).contains(4); // (and the UTF-16BE form at 3: an ASCII wide string is both, one byte apart)
        assertThat(found(s, be)).contains(6);
        assertThat(found(s, b("p\0a\0s\0s\0p\0h\0r\0a\0s\0e"))).isEmpty(); // neither: the last 0 is missing
        assertThat(found(s, b("PASSPHRASE"))).isEmpty(); // case matters without extra forms
    }

    @Test
    void extraFormsCatchAnyCaseHexInEitherCaseAndBase64AtEveryAlignment() {
        SecretSet plain = new SecretSet();
        plain.addLiteral("Hunter2!");
        SecretSet s = new SecretSet(true);
        s.addLiteral("Hunter2!");
        byte[] upper = b("id=HUNTER2!;");
        byte[] hex = b("k=48756E746572322");  // cut: not the whole hex
        byte[] fullHex = b("k=48756E74657232210a");
        assertThat(found(s, upper)).containsExactly(3);
        assertThat(found(plain, upper)).isEmpty();
        assertThat(found(s, hex)).isEmpty();
        assertThat(found(s, fullHex)).containsExactly(2);
        assertThat(found(s, b("k=48756e7465723221"))).containsExactly(2);
        for (String prefix : List.of("", "a", "ab", "abc")) {
            String enc = java.util.Base64.getEncoder().encodeToString((prefix + "Hunter2!" + "tail").getBytes(StandardCharsets.UTF_8));
            assertThat(found(s, b(enc))).as(prefix).isNotEmpty();
            assertThat(found(plain, b(enc))).as(prefix).isEmpty();
        }
        assertThat(found(s, b(java.util.Base64.getEncoder().encodeToString(b("Hunter3!tail"))))).isEmpty();
    }

    @Test
    void theBase64CoreIsWhatEveryEncodingAtThatAlignmentShares() {
        Random rnd = new Random(3);
        for (int round = 0; round < 200; round++) {
            byte[] secret = new byte[1 + rnd.nextInt(12)];
            rnd.nextBytes(secret);
            for (int k = 0; k < 3; k++) {
                byte[] core = SecretForm.base64Core(secret, k);
                for (int trial = 0; trial < 4; trial++) {
                    byte[] data = new byte[k + secret.length + rnd.nextInt(4)];
                    rnd.nextBytes(data);
                    System.arraycopy(secret, 0, data, k, secret.length);
                    String enc = java.util.Base64.getEncoder().encodeToString(data);
                    assertThat(enc).contains(new String(core, StandardCharsets.ISO_8859_1));
                }
            }
        }
    }

    @Test
    void fileLinesAreGroupedByFile() {
        SecretSet s = new SecretSet();
        Secret a = s.addFileLine(b("one1"), "--secret-file s.txt:1");
        Secret c = s.addFileLine(b("two2"), "--secret-file s.txt:7");
        assertThat(a.group()).isEqualTo(c.group()).isEqualTo("--secret-file s.txt");
        assertThat(c.toString()).isEqualTo("secret #1 (--secret-file s.txt:7)");
    }

    /** The index that replaces the automaton for huge lists finds exactly what the automaton finds, across chunks too. */
    @Test
    void theLengthIndexFindsExactlyWhatTheAutomatonFinds() {
        Random rnd = new Random(17);
        for (int round = 0; round < 100; round++) {
            SecretSet s = new SecretSet(round % 3 == 0);
            for (int i = 0; i < 1 + rnd.nextInt(8); i++) {
                char[] c = new char[1 + rnd.nextInt(5)];
                for (int j = 0; j < c.length; j++) c[j] = "abAB".charAt(rnd.nextInt(4));
                s.addLiteral(new String(c));
            }
            List<byte[]> chunks = new ArrayList<>();
            for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
                byte[] data = new byte[rnd.nextInt(200)];
                for (int i = 0; i < data.length; i++) data[i] = (byte) "abAB\0".charAt(rnd.nextInt(5));
                chunks.add(data);
            }
            Set<String> automaton = new TreeSet<>(), index = new TreeSet<>();
            for (Match m : new SecretScanner(s.secrets(), Integer.MAX_VALUE).scan(chunks)) automaton.add(m.toString());
            for (Match m : new SecretScanner(s.secrets(), 0).scan(chunks)) index.add(m.toString());
            assertThat(index).as("round " + round).isEqualTo(automaton);
        }
    }
}
