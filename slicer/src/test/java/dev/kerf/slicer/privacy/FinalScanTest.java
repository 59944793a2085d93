package dev.kerf.slicer.privacy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FinalScanTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static byte[] deflate(byte[] in) {
        Deflater d = new Deflater();
        d.setInput(in);
        d.finish();
        byte[] out = new byte[in.length + 64];
        int n = d.deflate(out);
        return java.util.Arrays.copyOf(out, n);
    }

    private static byte[] inflate(byte[] in, int size) throws Exception {
        Inflater i = new Inflater();
        i.setInput(in);
        byte[] out = new byte[size];
        i.inflate(out);
        return out;
    }

    private static SecretSet secrets() {
        SecretSet s = new SecretSet();
        s.addLiteral("opensesame");
        s.addRegex("tok-[0-9a-f]{8}");
        return s;
    }

    @Test
    void aCleanFileComesBackWithWhatWasScanned() throws Exception {
        byte[] section = b("nothing to see here ".repeat(50));
        byte[] file = concat(b("KERFSLCE{}"), deflate(section));
        CleanFile clean = FinalScan.check(file, List.of(new DecodedSection("MEMORY", inflate(deflate(section), section.length))),
                secrets());
        assertThat(clean.bytes()).isSameAs(file);
        assertThat(clean.report()).isEqualTo(new ScanReport(2, 4, file.length, 1, section.length));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        clean.writeTo(out);
        assertThat(out.toByteArray()).isEqualTo(file);
    }

    @Test
    void aHitInTheRawBytesNamesTheSecretAndOffsetButNotTheValue() {
        byte[] file = b("KERFSLCE header.. opensesame ..");
        assertThatThrownBy(() -> FinalScan.check(file, List.of(), secrets()))
                .isInstanceOf(SecretLeakException.class)
                .hasMessage("secret #0 (--secret) found in the finished file at the raw file offset 0x12; no file written")
                .hasMessageNotContaining("opensesame")
                .satisfies(e -> {
                    SecretLeakException l = (SecretLeakException) e;
                    assertThat(l.secret()).isZero();
                    assertThat(l.offset()).isEqualTo(0x12);
                    assertThat(l.where()).isEqualTo("the raw file");
                });
    }

    @Test
    void aUtf16HitInTheRawBytesIsCaught() {
        byte[] file = concat(b("KERFSLCE"), "opensesame".getBytes(StandardCharsets.UTF_16LE));
        assertThatThrownBy(() -> FinalScan.check(file, List.of(), secrets()))
                .isInstanceOf(SecretLeakException.class).hasMessageContaining("offset 0x8");
    }

    @Test
    void aSecretHiddenByCompressionIsFoundInTheDecodedSection() throws Exception {
        byte[] section = b("padding padding padding tok-0badf00d padding padding");
        byte[] packed = deflate(section);
        byte[] file = concat(b("KERFSLCE"), packed);
        assertThat(new String(file, StandardCharsets.ISO_8859_1)).doesNotContain("tok-0badf00d");
        byte[] decoded = inflate(packed, section.length);
        assertThatThrownBy(() -> FinalScan.check(file, List.of(new DecodedSection("INPUT", decoded)), secrets()))
                .isInstanceOf(SecretLeakException.class)
                .hasMessage("secret #1 (--secret-regex) found in the finished file at decoded section INPUT offset 0x18; "
                        + "no file written");
    }

    @Test
    void theFirstHitInTheFileIsReported() {
        byte[] file = b("tok-12345678 then opensesame");
        assertThatThrownBy(() -> FinalScan.check(file, List.of(), secrets()))
                .isInstanceOf(SecretLeakException.class).hasMessageStartingWith("secret #1 ").hasMessageContaining("offset 0x0;");
    }

    @Test
    void anEmptySecretSetPassesEverything() throws Exception {
        assertThat(FinalScan.check(b("anything"), List.of(), new SecretSet()).report().secrets()).isZero();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** A derived file is searched for the fingerprints it inherited, and the hit is named as its source numbered it. */
    @Test
    void anInheritedFingerprintIsFoundInTheDecodedSectionsAndNamedByItsSource() {
        SecretSet parent = new SecretSet();
        parent.addLiteral("first-one");
        parent.addFileLine(b("opensesame"), "--secret-file keys.txt:4");
        parent.useSalt(new byte[16]);
        PrivacyManifest manifest = PrivacyManifest.builder(parent).replay(ReplayVerdict.verified()).build();
        FinalScan.Inherited inherited = new FinalScan.Inherited(List.of(parent.fingerprints()), manifest);
        byte[] section = "...o\0p\0e\0n\0s\0e\0s\0a\0m\0e\0".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> FinalScan.check(b("KERFSLCE"), List.of(new DecodedSection("SYSCALL_LOG", section)), new SecretSet(), inherited))
                .isInstanceOf(SecretLeakException.class)
                .hasMessage("secret #1 of the source (--secret-file keys.txt, found by its utf-16le fingerprint) found in the finished file at"
                        + " decoded section SYSCALL_LOG offset 0x3; no file written");
        assertThat(inherited.entries()).isEqualTo(6);
    }
}
