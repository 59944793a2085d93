package dev.kerf.formats.journal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kerf.formats.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz targets for the journal readers. Without JAZZER_FUZZ they run their seed corpus
 * (src/test/resources/.../JournalFuzzTestInputs/&lt;method&gt;) as regression tests; with
 * {@code JAZZER_FUZZ=1} Jazzer explores. The only acceptable failure is a FormatException (or the
 * excerpt checker's ExcerptException); anything else — another exception, an OutOfMemoryError, a
 * hang — fails the target.
 */
class JournalFuzzTest {
    /** Raw excerpt bytes, CRC as given: almost everything stops at the framing checks. */
    @FuzzTest(maxDuration = "30s")
    void excerptAsStored(byte[] data) {
        decode(data);
    }

    /** The input with a correct CRC appended, so the event decoder itself sees the hostile bytes. */
    @FuzzTest(maxDuration = "30s")
    void excerptWithValidCrc(byte[] data) {
        byte[] x = new byte[data.length + ExcerptFormat.CRC_LENGTH];
        System.arraycopy(data, 0, x, 0, data.length);
        ByteBuffer.wrap(x).order(ByteOrder.LITTLE_ENDIAN).putInt(data.length, ExcerptFormat.crc(data, data.length));
        decode(x);
    }

    /** The input as a whole Chronicle Queue file read by JournalReader. */
    @FuzzTest(maxDuration = "30s")
    void queueFile(byte[] data) throws IOException {
        Path dir = Files.createTempDirectory("kerf-fuzz");
        try {
            Files.write(dir.resolve("19700101H.cq4"), data);
            try (JournalReader r = JournalReader.open(dir)) {
                while (r.next() != null) r.position();
                r.cutShort();
            } catch (FormatException expected) {
                // the one acceptable failure
            }
        } finally {
            Files.deleteIfExists(dir.resolve("19700101H.cq4"));
            Files.delete(dir);
        }
    }

    private static void decode(byte[] x) {
        try {
            ExcerptFormat.Header h = ExcerptFormat.check(x);
            Event[] events = EventDecoder.decode(x, h);
            if (events.length != h.eventCount()) throw new AssertionError("decoded " + events.length + " of " + h.eventCount());
            for (Event e : events) if (e == null) throw new AssertionError("null event");
        } catch (ExcerptFormat.ExcerptException expected) {
            if (expected.offset() < 0 || expected.offset() > x.length) throw new AssertionError("offset outside the excerpt", expected);
        }
    }
}
