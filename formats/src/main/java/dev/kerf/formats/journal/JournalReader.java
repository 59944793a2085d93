package dev.kerf.formats.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a journal back, verifying every excerpt's sequence number and CRC-32C. Any damage is a
 * {@link dev.kerf.formats.FormatException} naming the file and offset; a journal whose last batch
 * is missing or incomplete (a killed recorder) reads up to its last complete batch and then
 * reports {@link #cutShort()}.
 * Placeholder signatures; the formats work fills the bodies.
 */
public final class JournalReader implements AutoCloseable {
    public static JournalReader open(Path dir) throws IOException {
        throw new UnsupportedOperationException("journal not written yet");
    }

    /** The next event, or null at the end of the journal. */
    public Event next() {
        throw new UnsupportedOperationException();
    }

    /** Number of events returned so far (the index of the next event, from 0). */
    public long eventIndex() {
        throw new UnsupportedOperationException();
    }

    /** Describes where the last returned event is stored, for divergence reports ("excerpt 12 at offset 0x3f20"). */
    public String position() {
        throw new UnsupportedOperationException();
    }

    /** True once the end was reached without an End event (the recorder was killed). */
    public boolean cutShort() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() throws IOException {}
}
