package dev.kerf.formats.slice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kerf.formats.FormatException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SliceFileTest {
    static final Path NAME = Path.of("s.kslice");
    static final String ID = "ab".repeat(32);

    static SliceHeader header() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("from", 2_000_000L);
        params.put("to", 5_000_000L);
        Map<String, Object> privacy = new LinkedHashMap<>();
        privacy.put("removed", List.of());
        privacy.put("note", "h\u00e9llo \"q\"\n");
        privacy.put("nothing", null);
        return new SliceHeader(SliceKind.TIME, params, ID, "rec.kerf", 16 << 20, 100_000, List.of(0x60, 0x64), privacy);
    }

    static byte[] sample() {
        return new SliceWriter(header()).add(SectionType.CPU, new byte[] {1, 2, 3}).add(SectionType.EVENTS, new byte[40])
                .add(SectionType.FINAL_HASH, new byte[16]).finish();
    }

    @Test
    void roundTripsHeaderAndSections(@TempDir Path dir) throws Exception {
        byte[] bytes = sample();
        Path f = dir.resolve("a.kslice");
        SliceWriter.writeFile(f, bytes);
        assertThat(Files.readAllBytes(f)).isEqualTo(bytes);
        assertThat(dir.toFile().list()).containsExactly("a.kslice");
        for (Slice s : List.of(SliceReader.read(f), SliceReader.read(bytes, NAME), SliceReader.read(new ByteArrayInputStream(bytes), NAME))) {
            assertThat(s.header()).isEqualTo(header());
            assertThat(s.sections()).extracting(Section::type).containsExactly(SectionType.CPU, SectionType.EVENTS, SectionType.FINAL_HASH);
            assertThat(s.only(SectionType.CPU).data()).containsExactly(1, 2, 3);
            assertThat(s.size()).isEqualTo(bytes.length);
        }
        assertThat(SliceFile.hasMagic(bytes)).isTrue();
    }

    @Test
    void missingAndDuplicateSectionsAreNamed() throws Exception {
        Slice s = SliceReader.read(new SliceWriter(header()).add(SectionType.CPU, new byte[1]).add(SectionType.CPU, new byte[1]).finish(), NAME);
        assertThatThrownBy(() -> s.only(SectionType.CPU)).isInstanceOf(FormatException.class).hasMessageContaining("second CPU");
        assertThatThrownBy(() -> s.only(SectionType.RAM)).isInstanceOf(FormatException.class).hasMessageContaining("RAM section");
    }

    @Test
    void everyTruncationIsAFormatException() {
        byte[] bytes = sample();
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> SliceReader.read(cut, NAME)).as("cut at %d", n).isInstanceOf(FormatException.class)
                    .hasMessageContaining("s.kslice");
        }
    }

    @Test
    void everyFlippedByteIsAFormatException() {
        byte[] bytes = sample();
        for (int i = 0; i < bytes.length; i++) {
            if (i == 10 || i == 11) continue; // the minor version: any minor of major 1 is read
            for (int bit : new int[] {0x01, 0x80}) {
                byte[] bad = bytes.clone();
                bad[i] ^= bit;
                assertThatThrownBy(() -> SliceReader.read(bad, NAME)).as("byte %d bit %x", i, bit).isInstanceOf(FormatException.class);
            }
        }
    }

    @Test
    void wrongMagicAndVersionAreRefused() {
        byte[] bad = sample();
        bad[0] = 'X';
        assertThatThrownBy(() -> SliceReader.read(bad, NAME)).hasMessageContaining("offset 0x0").hasMessageContaining("bad magic");
        byte[] v2 = sample();
        v2[8] = 2;
        assertThatThrownBy(() -> SliceReader.read(v2, NAME)).hasMessageContaining("offset 0x8").hasMessageContaining("use a newer kerf");
        assertThatThrownBy(() -> SliceReader.read(new byte[] {'K'}, NAME)).hasMessageContaining("too short");
    }

    @Test
    void oversizedLengthIsRefusedBeforeAllocation() {
        byte[] good = sample();
        int at = afterHeader(good);
        // a CPU section claiming 4 GiB - 1 bytes, with a matching CRC: refused by its bound
        byte[] bad = withSection(good, at, 2, 0xFFFFFFFFL);
        assertThatThrownBy(() -> SliceReader.read(bad, NAME)).hasMessageContaining("exceeds its bound");
        byte[] big = withSection(good, at, 5, 1 << 29); // EVENTS within its bound but beyond the file
        assertThatThrownBy(() -> SliceReader.read(big, NAME)).hasMessageContaining("runs past the end");
    }

    @Test
    void unknownSectionTypeIsAnError() {
        byte[] good = sample();
        byte[] bad = withSection(good, afterHeader(good), 99, 0);
        assertThatThrownBy(() -> SliceReader.read(bad, NAME)).hasMessageContaining("unknown section type 99")
                .hasMessageContaining(String.format("0x%x", afterHeader(good)));
    }

    @Test
    void badHeaderJsonNamesItsOffset() throws Exception {
        byte[] good = sample();
        String json = new String(good, 17, afterHeader(good) - 4 - 17, java.nio.charset.StandardCharsets.UTF_8);
        byte[] bad = rebuildHeader(good, json.replace("\"time\"", "\"tyme\""));
        assertThatThrownBy(() -> SliceReader.read(bad, NAME)).hasMessageContaining("unknown slice kind \"tyme\"");
        byte[] noPrivacy = rebuildHeader(good, json.replace("\"privacy\"", "\"privazy\""));
        assertThatThrownBy(() -> SliceReader.read(noPrivacy, NAME)).hasMessageContaining("missing \"privacy\"");
    }

    private static int afterHeader(byte[] b) {
        int len = ByteBuffer.wrap(b, 13, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return 12 + 5 + len + 4;
    }

    /** {@code good} with a section of {@code type} and claimed {@code length} (no data, valid-looking) inserted at {@code at}. */
    private static byte[] withSection(byte[] good, int at, int type, long length) {
        ByteBuffer b = ByteBuffer.allocate(good.length + 5).order(ByteOrder.LITTLE_ENDIAN);
        b.put(good, 0, at).put((byte) type).putInt((int) length).put(good, at, good.length - at);
        return b.array();
    }

    private static byte[] rebuildHeader(byte[] good, String json) {
        byte[] data = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int rest = afterHeader(good);
        ByteBuffer b = ByteBuffer.allocate(12 + 9 + data.length + good.length - rest).order(ByteOrder.LITTLE_ENDIAN);
        b.put(good, 0, 12).put((byte) 1).putInt(data.length).put(data);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 12, 5 + data.length);
        b.putInt((int) crc.getValue()).put(good, rest, good.length - rest);
        return b.array();
    }
}
