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
        assertThat(text.patterns()).hasSize(2);
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
}
