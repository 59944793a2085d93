package dev.kerf.formats.recording;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A recording directory (design §5): {@code manifest.json}, {@code images/<sha256>} and the
 * event journal ({@code journal/}). Placeholder signatures; the formats work fills the bodies.
 */
public final class Recording {
    /**
     * Creates {@code dir} (must not exist or be empty), stores the images by content hash and
     * writes the manifest. The journal is then written with
     * {@link dev.kerf.formats.journal.JournalWriter#create(Path)} on {@link #journalDir()}.
     */
    public static Recording create(Path dir, Manifest manifest) throws IOException {
        throw new UnsupportedOperationException("recording directory not written yet");
    }

    /** Opens and validates a recording directory or a packed file (unpacked to a temporary dir). */
    public static Recording open(Path path) throws IOException {
        throw new UnsupportedOperationException();
    }

    public Manifest manifest() { throw new UnsupportedOperationException(); }

    public Path journalDir() { throw new UnsupportedOperationException(); }

    /** The bytes of the image with this SHA-256 (hex), verified against its hash. */
    public byte[] image(String sha256) throws IOException { throw new UnsupportedOperationException(); }
}
