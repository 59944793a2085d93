package dev.kerf.slicer.privacy;

import dev.kerf.formats.recording.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The order a slice kind calls this package in, end to end over a toy file (header JSON with the
 * manifest as its {@code privacy} member, then one deflated section).
 */
class PrivacyPipelineTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static SecretSet secrets() {
        SecretSet s = new SecretSet();
        s.addLiteral("hunter2");
        s.excludeProcess("vault");
        s.addProcessBytes("vault", b("\0\0alice:swordfish\0"));
        return s;
    }

    private static byte[] file(PrivacyManifest m, byte[] section) throws Exception {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(packed)) { d.write(section); }
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(b("KERFSLCE"));
        f.write(("{\"kind\":\"process\",\"privacy\":" + m.toJson() + "}\n").getBytes(StandardCharsets.UTF_8));
        f.write(packed.toByteArray());
        return f.toByteArray();
    }

    private static byte[] inflate(byte[] file) throws Exception {
        int nl = 0;
        while (file[nl] != '\n') nl++;
        try (InflaterInputStream in = new InflaterInputStream(new java.io.ByteArrayInputStream(file, nl + 1, file.length - nl - 1))) {
            return in.readAllBytes();
        }
    }

    @Test
    void redactThenManifestThenScanThenWrite() throws Exception {
        SecretSet secrets = secrets();
        byte[] page0 = b("....user typed: hun");
        byte[] page1 = b("ter2 and vault said alice:swordfish!!");
        List<Region> regions = List.of(new Region("initial page 0x1000", 0x1000, page0),
                new Region("initial page 0x1013", 0x1013, page1));
        Redaction red = new Redactor(secrets).redact(regions);
        PrivacyManifestBuilder mb = PrivacyManifest.builder(secrets).memory("initial pages", page0.length + page1.length)
                .removed(red);
        // ... replay the redacted slice here; then:
        PrivacyManifest manifest = mb.replay(ReplayVerdict.verified()).build();
        byte[] section = new byte[page0.length + page1.length];
        System.arraycopy(page0, 0, section, 0, page0.length);
        System.arraycopy(page1, 0, section, page0.length, page1.length);
        byte[] file = file(manifest, section);

        CleanFile clean = FinalScan.check(file, List.of(new DecodedSection("MEMORY", inflate(file))), secrets);

        assertThat(new String(inflate(clean.bytes()), StandardCharsets.ISO_8859_1))
                .isEqualTo("....user typed: XXXXXXX and vault said XXXXXXXXXXXXXXX!!");
        // what kerf info does: the header's privacy member back
        int nl = 0;
        while (file[nl] != '\n') nl++;
        Json.Value header = Json.parse(java.util.Arrays.copyOfRange(file, 8, nl));
        @SuppressWarnings("unchecked")
        Json.Value privacy = ((Map<String, Json.Value>) header.value()).get("privacy");
        PrivacyManifest back = PrivacyManifest.fromJson(privacy, Path.of("s.kslice"), 8);
        assertThat(back).isEqualTo(manifest);
        assertThat(back.occurrences()).isEqualTo(2);
        assertThat(back.removals()).hasSize(3); // hunter2 straddles the two pages
    }

    @Test
    void aSectionThatSkippedRedactionIsCaughtOnlyAfterDecompression() throws Exception {
        SecretSet secrets = secrets();
        byte[] section = b("the swordfish is alice:swordfish");
        PrivacyManifest m = PrivacyManifest.builder(secrets).replay(ReplayVerdict.verified()).build();
        byte[] file = file(m, section);
        assertThat(new String(file, StandardCharsets.ISO_8859_1)).doesNotContain("alice:swordfish");
        assertThatThrownBy(() -> FinalScan.check(file, List.of(new DecodedSection("MEMORY", inflate(file))), secrets))
                .isInstanceOf(SecretLeakException.class)
                .hasMessage("secret #1 (process vault) found in the finished file at decoded section MEMORY offset 0x11; "
                        + "no file written");
    }
}
