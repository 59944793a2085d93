package dev.kerf.slicer.privacy;

import dev.kerf.formats.FormatException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrivacyManifestTest {
    private static final Path FILE = Path.of("p.kslice");

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static PrivacyManifest sample(ReplayVerdict verdict) {
        SecretSet set = new SecretSet();
        set.addLiteral("hunter2");
        set.addRegex("tok-[0-9]+");
        set.excludeProcess("vault");
        set.addProcessBytes("vault", b("\0alice:pw1\0bob:pw22\0"));
        Region page = new Region("initial page 0x0804a000", 0x0804a000L, b("..hunter2..alice:pw1.."));
        Region ret = new Region("return #12 from read(0, ...) bytes at 0xbffff000", 0xbffff000L, b("tok-42\n"));
        Redaction red = new Redactor(set).redact(List.of(page, ret));
        return PrivacyManifest.builder(set).memory("initial pages", 4096).memory("return effects", 7)
                .input("read", 7).input("read", 3).input("ne2k", 60).removed(red).replay(verdict).build();
    }

    @Test
    void roundTripsThroughJson() {
        for (ReplayVerdict v : List.of(ReplayVerdict.verified(), ReplayVerdict.diverged("user icount 1234 eip 0x8048123: syscall 4 args differ"),
                ReplayVerdict.refused("return #3"), ReplayVerdict.pending())) {
            PrivacyManifest m = sample(v);
            PrivacyManifest back = PrivacyManifest.parse(m.toJson().getBytes(StandardCharsets.UTF_8), FILE, 0);
            assertThat(back).isEqualTo(m);
            assertThat(back.toJson()).isEqualTo(m.toJson());
            assertThat(back.replay()).isEqualTo(v);
        }
    }

    @Test
    void roundTripsThroughAPlainTree() {
        PrivacyManifest m = sample(ReplayVerdict.diverged("return #3"));
        java.util.Map<String, Object> tree = m.toTree();
        assertThat(tree.get("filler")).isEqualTo(88L);
        assertThat(PrivacyManifest.fromTree(tree, FILE, 0x20)).isEqualTo(m);
        tree.put("version", 2L);
        assertThatThrownBy(() -> PrivacyManifest.fromTree(tree, FILE, 0x20)).isInstanceOf(FormatException.class)
                .hasMessageStartingWith("p.kslice at offset 0x20: privacy manifest: privacy manifest version 2 is not 1");
        assertThatThrownBy(() -> PrivacyManifest.fromTree(new java.util.LinkedHashMap<>(), FILE, 0x20))
                .isInstanceOf(FormatException.class).hasMessageContaining("missing \"version\"");
    }

    @Test
    void saysWhatTheSliceHoldsAndWhatWasRemoved() {
        PrivacyManifest m = sample(ReplayVerdict.verified());
        assertThat(m.memoryBytes()).isEqualTo(4103);
        assertThat(m.inputBytes()).isEqualTo(70);
        assertThat(m.sources()).contains(new PrivacyManifest.Source("input", "read", 10, 2));
        assertThat(m.secrets()).containsExactly(
                new PrivacyManifest.SecretGroup(SecretKind.LITERAL, 0, 1, "--secret"),
                new PrivacyManifest.SecretGroup(SecretKind.REGEX, 1, 1, "--secret-regex"),
                new PrivacyManifest.SecretGroup(SecretKind.PROCESS, 2, 2, "process vault"));
        assertThat(m.excludedProcesses()).containsExactly("vault");
        assertThat(m.occurrences()).isEqualTo(3);
        assertThat(m.bytesRemoved()).isEqualTo(7 + 9 + 6);
        assertThat(m.removals()).extracting(Removal::secret, Removal::address).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, 0x0804a002L),
                org.assertj.core.groups.Tuple.tuple(2, 0x0804a00bL),
                org.assertj.core.groups.Tuple.tuple(1, 0xbffff000L));
        assertThat(m.scan()).isEqualTo(new PrivacyManifest.ScanClaim(PrivacyManifest.SCAN_SCOPE, 4, 10, 0)); // hunter2 and the two process runs in UTF-8, UTF-16LE and UTF-16BE, and the regex
        assertThat(m.toJson()).doesNotContain("hunter2", "alice", "tok-42");
        assertThat(m.summary()).contains("3 occurrences (22 bytes) of 4 secrets", "replay after removal: verified");
    }

    @Test
    void secretsInTheManifestsOwnWordsAreRemovedBeforeQuoting() {
        SecretSet set = new SecretSet();
        set.addLiteral("a\"b\\c");
        PrivacyManifest m = PrivacyManifest.builder(set).input("open(\"/home/a\"b\\c/x\")", 5)
                .replay(ReplayVerdict.diverged("at a\"b\\c")).build();
        String json = m.toJson();
        assertThat(json).doesNotContain("a\\\"b\\\\c").contains("open(\\\"/home/XXXXX/x\\\")", "at XXXXX");
    }

    @Test
    void listsAtMostTheCapAndCountsTheRest() {
        SecretSet set = new SecretSet();
        set.addLiteral("zz");
        List<Region> regions = new ArrayList<>();
        for (int i = 0; i < PrivacyManifest.MAX_LISTED_REMOVALS + 10; i++) regions.add(new Region("r" + i, -1, b("zz")));
        PrivacyManifest m = PrivacyManifest.builder(set).removed(new Redactor(set).redact(regions)).build();
        assertThat(m.removals()).hasSize(PrivacyManifest.MAX_LISTED_REMOVALS);
        assertThat(m.unlisted()).isEqualTo(10);
        assertThat(PrivacyManifest.parse(m.toJson().getBytes(StandardCharsets.UTF_8), FILE, 0).unlisted()).isEqualTo(10);
    }

    @Test
    void hostileManifestsGiveOneErrorWithFileAndOffset() {
        String good = sample(ReplayVerdict.verified()).toJson();
        assertThatThrownBy(() -> PrivacyManifest.parse(b(good.substring(0, good.length() / 2)), FILE, 100))
                .isInstanceOf(FormatException.class).hasMessageStartingWith("p.kslice at offset 0x")
                .hasMessageContaining("privacy manifest: ");
        assertThatThrownBy(() -> PrivacyManifest.parse(b(good.replace("\"version\":1", "\"version\":9")), FILE, 0x40))
                .isInstanceOf(FormatException.class)
                .hasMessage("p.kslice at offset 0x4b: privacy manifest: privacy manifest version 9 is not 1; use the kerf that wrote this slice");
        assertThatThrownBy(() -> PrivacyManifest.parse(b(good.replace("\"verdict\":\"verified\"", "\"verdict\":\"maybe\"")), FILE, 0))
                .isInstanceOf(FormatException.class).hasMessageContaining("unknown replay verdict \"maybe\"");
        assertThatThrownBy(() -> PrivacyManifest.parse(b(good.replace("\"kind\":\"regex\"", "\"kind\":\"other\"")), FILE, 0))
                .isInstanceOf(FormatException.class).hasMessageContaining("unknown secret kind \"other\"");
        assertThatThrownBy(() -> PrivacyManifest.parse(b(good.replace("\"filler\":88", "\"filler\":300")), FILE, 0))
                .isInstanceOf(FormatException.class).hasMessageContaining("filler 300 is not a byte");
        assertThatThrownBy(() -> PrivacyManifest.parse(b(good.replace(",\"finalScan\"", ",\"x\"")), FILE, 0))
                .isInstanceOf(FormatException.class).hasMessageContaining("missing \"finalScan\"");
        assertThatThrownBy(() -> PrivacyManifest.parse(b("[]"), FILE, 0))
                .isInstanceOf(FormatException.class).hasMessage("p.kslice at offset 0x0: privacy manifest: the manifest is not an object");
    }

    /** Issue 13 finding 9: the manifest stays small whatever the number of secrets. */
    @Test
    void aHundredThousandFileLinesAreOneGroupAndTheManifestStaysSmall() {
        SecretSet set = new SecretSet();
        for (int i = 1; i <= 100_000; i++) set.addFileLine(b("secret-number-" + i), "--secret-file big.txt:" + i);
        for (int i = 0; i < 100; i++) set.addFileLine(b("other-" + i), "--secret-file f" + i + ".txt:1");
        for (int i = 0; i < 100; i++) set.addRegex("r" + i + "x+");
        set.useSalt(new byte[16]);
        PrivacyManifest m = PrivacyManifest.builder(set).fingerprints(List.of(set.fingerprints()), 0)
                .replay(ReplayVerdict.verified()).build();
        assertThat(m.secrets()).hasSize(PrivacyManifest.MAX_LISTED_GROUPS);
        assertThat(m.secrets().get(0)).isEqualTo(new PrivacyManifest.SecretGroup(SecretKind.FILE_LINE, 0, 100_000, "--secret-file big.txt"));
        assertThat(m.secretsUnlisted()).isEqualTo(100 - 63 + 100); // 37 one-line files and the regexes' group
        assertThat(m.carried()).isEqualTo(new PrivacyManifest.Carried(1, 100_100, 300_300, List.of("utf-8", "utf-16le", "utf-16be"), 100));
        assertThat(m.toJson().length()).isLessThan(8_000);
        assertThat(m.summary()).contains("of 100200 secrets", "100 regexes are not carried: name them again");
        assertThat(PrivacyManifest.parse(m.toJson().getBytes(StandardCharsets.UTF_8), FILE, 0)).isEqualTo(m);
        assertThat(m.originOf(99_999)).isEqualTo("--secret-file big.txt");
    }

    @Test
    void aDerivedManifestKeepsWhatWasRemovedAndReportsItsOwnScan() {
        PrivacyManifest parent = sample(ReplayVerdict.verified());
        PrivacyManifest.ScanClaim own = new PrivacyManifest.ScanClaim(PrivacyManifest.SCAN_SCOPE, 1, 3,
                PrivacyManifest.ENCODINGS, 9, 0);
        PrivacyManifest d = parent.derived(new PrivacyManifest.Carried(1, 3, 9, PrivacyManifest.ENCODINGS, 1), own);
        assertThat(d.scan()).isEqualTo(own).isNotEqualTo(parent.scan());
        assertThat(d.removals()).isEqualTo(parent.removals());
        assertThat(d.summary()).contains("for 1 secrets and 9 inherited fingerprints");
        assertThat(PrivacyManifest.parse(d.toJson().getBytes(StandardCharsets.UTF_8), FILE, 0)).isEqualTo(d);
    }

    @Test
    void aManifestOfFormat10StillReads() {
        String old = sample(ReplayVerdict.verified()).toJson().replace(",\"secretsUnlisted\":0", "")
                .replaceAll(",\"fingerprints\":\\{[^}]*\\}", "").replaceAll(",\"forms\":\\[[^]]*\\],\"fingerprints\":0", "");
        assertThat(old).doesNotContain("forms", "fingerprints", "secretsUnlisted");
        PrivacyManifest m = PrivacyManifest.parse(old.getBytes(StandardCharsets.UTF_8), FILE, 0);
        assertThat(m.scan().forms()).containsExactly("utf-8", "utf-16le");
        assertThat(m.carried()).isEqualTo(PrivacyManifest.Carried.NONE);
    }
}
