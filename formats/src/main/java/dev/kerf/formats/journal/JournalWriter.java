package dev.kerf.formats.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Appends events to a recording's journal: batched into excerpts, each with a sequence number and
 * a CRC-32C, so a recorder killed mid-batch leaves every complete batch readable.
 * Placeholder signatures; the formats work fills the bodies.
 */
public final class JournalWriter implements AutoCloseable {
    /** Creates a new, empty journal in {@code dir} (which must not hold one). */
    public static JournalWriter create(Path dir) throws IOException {
        throw new UnsupportedOperationException("journal not written yet");
    }

    /** Appends one event to the current batch (written out when full or on {@link #flush()}). */
    public void append(Event event) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Writes out the current batch as one excerpt. */
    public void flush() throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Bytes written to storage so far (real, not the sparse file's apparent size). */
    public long bytesWritten() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() throws IOException {}
}
