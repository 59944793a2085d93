package dev.kerf.formats.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kerf.formats.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hostile manifests, images and packed files: always one FormatException naming the file (and offset where one exists). */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RecordingCorruptionTest {
    @TempDir Path tmp;
    Path dir;
    Path manifest;
    byte[] good;

    @BeforeEach
    void setUp() throws IOException {
        dir = tmp.resolve("rec");
        Recordings.write(dir);
        manifest = dir.resolve("manifest.json");
        good = Files.readAllBytes(manifest);
    }

    FormatException openFails(Path file) {
        Throwable t = catchThrowable(() -> Recording.open(dir));
        assertThat(t).isInstanceOf(FormatException.class);
        FormatException f = (FormatException) t;
        assertThat(f.file()).isEqualTo(file);
        assertThat(f.getMessage()).startsWith(file.toString()).doesNotContain("\n");
        return f;
    }

    FormatException manifestFails(String json) throws IOException {
        return manifestFails(json.getBytes(StandardCharsets.UTF_8));
    }

    FormatException manifestFails(byte[] json) throws IOException {
        Files.write(manifest, json);
        FormatException f = openFails(manifest);
        assertThat(f.offset()).isBetween(0L, (long) json.length);
        return f;
    }

    String goodText() { return new String(good, StandardCharsets.UTF_8); }

    @Test
    void anImageLargerThanTheRecordingsRamIsRefusedBeforeItIsRead() throws IOException {
        Files.writeString(manifest, goodText().replace("\"ramBytes\": 67108864", "\"ramBytes\": 8"));
        Path kernel = dir.resolve(Recording.IMAGES).resolve(Recordings.manifest().kernel().sha256());
        assertThat(openFails(kernel).getMessage()).contains("image kernel.elf is " + Recordings.KERNEL.length
                + " bytes, larger than the recording's RAM (8 bytes)");
    }

    @Test
    void aManifestThatIsADeviceOrARecordingThatIsADeviceIsRefusedByName() throws IOException {
        Files.delete(manifest);
        Files.createSymbolicLink(manifest, Path.of("/dev/zero"));
        assertThat(openFails(manifest).getMessage()).contains("manifest missing");
        Throwable t = catchThrowable(() -> Recording.open(Path.of("/dev/zero")));
        assertThat(t).isInstanceOf(FormatException.class).hasMessage("/dev/zero: not a regular file or a recording directory");
    }

    @Test
    void truncatedManifestAtEveryLength() throws IOException {
        for (int len = 0; len < good.length - 1; len++) manifestFails(Arrays.copyOf(good, len));
    }

    @Test
    void everyManifestByteFlipped() throws IOException {
        for (int i = 0; i < good.length; i++) {
            byte[] b = good.clone();
            b[i] ^= (byte) 0xFF;
            assertThat(manifestFails(b).offset()).isLessThanOrEqualTo(i + 1); // +1: a damaged UTF-8 lead byte shows at its continuation
        }
    }

    @Test
    void namedManifestDamage() throws IOException {
        String g = goodText();
        // format 3 (the paged RAM hash); 2 (the x87 state joined the state hashes) is still read; 1.x and 4.x are refused
        assertThat(manifestFails(g.replace("\"3.0\"", "\"4.0\"")).getMessage()).contains("recording format 4.0, this kerf reads 2.x to 3.x: use a newer kerf");
        assertThat(manifestFails(g.replace("\"3.0\"", "\"1.1\"")).getMessage()).contains("recording format 1.1, this kerf reads 2.x to 3.x: use an older kerf or record again");
        assertThat(manifestFails(g.replace("\"3.0\"", "\"one\"")).getMessage()).contains("is not major.minor");
        assertThat(manifestFails(g.replace("kerf-recording", "other")).getMessage()).contains("not a kerf recording manifest");
        assertThat(manifestFails(g.replace("[1021]", "[1021, 1021]")).getMessage()).contains("ascending and distinct");
        assertThat(manifestFails(g.replace("[1021]", "[65536]")).getMessage()).contains("integer 0..65535");
        assertThat(manifestFails(g.replace("[1021]", "3")).getMessage()).contains("\"stickyPorts\" must be an array");
        assertThat(manifestFails(g.replace("\"ramBytes\": 67108864", "\"ramBytes\": 6.7e7")).getMessage()).contains("only integers");
        assertThat(manifestFails(g.replace("\"ramBytes\": 67108864", "\"ramBytes\": 99999999999999999999")).getMessage()).contains("out of range");
        assertThat(manifestFails(g.replace("\"ramBytes\": 67108864", "\"ramBytes\": -1")).getMessage()).contains("ramBytes out of range");
        assertThat(manifestFails(g.replace("\"ramBytes\": 67108864", "\"ramBytes\": \"64M\"")).getMessage()).contains("must be an integer");
        assertThat(manifestFails(g.replace("\"clock\": \"host\",", "")).getMessage()).contains("missing \"clock\"");
        assertThat(manifestFails(g.replace("\"clock\": \"host\",", "\"clock\": \"host\", \"clock\": \"host\",")).getMessage())
                .contains("duplicate key \"clock\"");
        String sha = Recordings.manifest().kernel().sha256();
        assertThat(manifestFails(g.replaceFirst(sha, "../../../../etc/passwd")).getMessage()).contains("not 64 lowercase hex");
        assertThat(manifestFails(g.replaceFirst(sha, sha.toUpperCase())).getMessage()).contains("not 64 lowercase hex");
        assertThat(manifestFails(g.replace("\"modules\": [", "\"modules\": {\"a\": [").replace("\n  ],", "\n  ]},")).getMessage())
                .contains("\"modules\" must be an array");
        assertThat(manifestFails(g + "{}").getMessage()).contains("unexpected data after");
        assertThat(manifestFails(g.replace("}\n", "},\n")).getMessage()).isNotEmpty();
        assertThat(manifestFails("[1, 2]").getMessage()).contains("manifest must be a JSON object");
        assertThat(manifestFails("").getMessage()).contains("unexpected end");
        assertThat(manifestFails("{\"a\": \"\u0001\"}").getMessage()).contains("control character");
        assertThat(manifestFails("{\"a\": \"\\x\"}").getMessage()).contains("bad escape");
        assertThat(manifestFails("[".repeat(200_000)).getMessage()).contains("nested deeper than 16");
        assertThat(manifestFails(new byte[] {'{', '"', (byte) 0xC0, (byte) 0x80, '"'}).offset()).isEqualTo(2);
    }

    @Test
    void hugeManifestIsRefusedUnread() throws IOException {
        byte[] big = new byte[(1 << 20) + 1];
        Arrays.fill(big, (byte) ' ');
        assertThat(manifestFails(big).getMessage()).contains("larger than 1 MiB");
    }

    @Test
    void imagesAreCheckedAgainstTheirHash() throws IOException {
        Path img = dir.resolve("images").resolve(Recordings.manifest().kernel().sha256());
        byte[] orig = Files.readAllBytes(img);
        for (int i = 0; i < orig.length; i++) {
            byte[] b = orig.clone();
            b[i] ^= 1;
            Files.write(img, b);
            assertThat(openFails(img).getMessage()).contains("image kernel.elf hashes to").contains("manifest says");
        }
        Files.write(img, Arrays.copyOf(orig, orig.length + 1));
        FormatException f = openFails(img);
        assertThat(f.getMessage()).contains("is " + (orig.length + 1) + " bytes, manifest says " + orig.length);
        assertThat(f.offset()).isEqualTo(orig.length);
        Files.write(img, orig);
        assertThat(Recording.open(dir).manifest()).isEqualTo(Recordings.manifest());
    }

    @Test
    void journalDamageInsideARecordingIsNamed() throws IOException {
        Path journal;
        try (var s = Files.list(dir.resolve("journal"))) {
            journal = s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(journal);
        int at = indexOf(b, new byte[] {'K', 'J', 2, 0});
        b[at + 30] ^= 0x10;
        Files.write(journal, b);
        FormatException f = openFails(journal);
        assertThat(f.getMessage()).contains("excerpt 0").contains("CRC mismatch");
        assertThat(f.offset()).isGreaterThan(at);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }

    // ---- packed files ----

    Path packed() throws IOException {
        Path p = tmp.resolve("rec.kerfpack");
        if (!Files.exists(p)) Recording.pack(dir, p);
        return p;
    }

    void unpackFails(Path file, byte[] content) throws IOException {
        Files.write(file, content);
        Path out = tmp.resolve("out");
        Throwable t = catchThrowable(() -> Recording.unpack(file, out));
        assertThat(t).isInstanceOf(FormatException.class);
        FormatException f = (FormatException) t;
        assertThat(f.file()).isEqualTo(file);
        assertThat(f.offset()).isBetween(0L, (long) content.length);
        assertThat(out).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".unpack"));
        }
    }

    @Test
    void everyPackByteFlippedIsCaught() throws IOException {
        byte[] good = Files.readAllBytes(packed());
        Path bad = tmp.resolve("bad.kerfpack");
        for (int i = 0; i < good.length; i++) {
            byte[] b = good.clone();
            b[i] ^= (byte) (1 << (i % 8));
            unpackFails(bad, b);
        }
    }

    @Test
    void truncatedPackAtEveryLength() throws IOException {
        byte[] good = Files.readAllBytes(packed());
        Path bad = tmp.resolve("bad.kerfpack");
        for (int len = 0; len < good.length; len++) unpackFails(bad, Arrays.copyOf(good, len));
        Files.write(bad, Arrays.copyOf(good, 100));
        assertThat(catchThrowable(() -> Recording.open(bad))).isInstanceOf(FormatException.class);
    }

    @Test
    void randomPackDamage() throws IOException {
        byte[] good = Files.readAllBytes(packed());
        Path bad = tmp.resolve("bad.kerfpack");
        Random rnd = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            byte[] b = good.clone();
            int pos = rnd.nextInt(b.length);
            for (int i = 0, n = 1 + rnd.nextInt(16); i < n && pos + i < b.length; i++) b[pos + i] = (byte) rnd.nextInt(256);
            if (Arrays.equals(b, good)) continue;
            unpackFails(bad, b);
        }
    }

    @Test
    void namedPackDamage() throws IOException {
        byte[] good = Files.readAllBytes(packed());
        Path bad = tmp.resolve("bad.kerfpack");
        unpackFails(bad, "not a pack at all, just some text".getBytes(StandardCharsets.UTF_8));
        byte[] b = good.clone();
        b[8] = 2;
        unpackFails(bad, b);
        assertThat(catchThrowable(() -> Recording.unpack(bad, tmp.resolve("o")))).hasMessageContaining("pack format 2.x, this kerf reads 1.x: use a newer kerf");
        b = good.clone();
        b[12] = b[13] = b[14] = b[15] = (byte) 0xFF;
        unpackFails(bad, b);
        assertThat(catchThrowable(() -> Recording.unpack(bad, tmp.resolve("o")))).hasMessageContaining("entry count 4294967295");
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        unpackFails(bad, longer);
    }
}
