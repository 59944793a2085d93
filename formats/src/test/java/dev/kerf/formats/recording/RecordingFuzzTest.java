package dev.kerf.formats.recording;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kerf.formats.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz targets for manifests and packed files; seed corpus in
 * src/test/resources/.../RecordingFuzzTestInputs/&lt;method&gt;. See JournalFuzzTest for the rules.
 */
class RecordingFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void manifest(byte[] data) {
        if (data.length > ManifestJson.MAX_BYTES) return; // the caller refuses these unread
        try {
            Manifest m = ManifestJson.parse(data);
            Manifest again = ManifestJson.parse(ManifestJson.write(m));
            if (!again.equals(m)) throw new AssertionError("manifest does not survive write/parse: " + m);
        } catch (Json.JsonException expected) {
            if (expected.offset < 0 || expected.offset > data.length) throw new AssertionError("offset outside the input", expected);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void packFile(byte[] data) throws IOException {
        Path tmp = Files.createTempDirectory("kerf-fuzz");
        try {
            Path file = tmp.resolve("in.kerfpack");
            Files.write(file, data);
            try {
                Recording.unpack(file, tmp.resolve("out"));
                Recording.open(tmp.resolve("out"));
            } catch (FormatException expected) {
                if (Files.exists(tmp.resolve("out"))) throw new AssertionError("output left behind after " + expected.getMessage());
            }
        } finally {
            dev.kerf.formats.TempFiles.deleteTree(tmp);
        }
    }
}
