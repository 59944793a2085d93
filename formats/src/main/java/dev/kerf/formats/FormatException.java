package dev.kerf.formats;

import java.nio.file.Path;

/**
 * A file kerf cannot read: truncated, corrupted, of another version or not a kerf file at all.
 * The message is one line naming the file and the byte offset, for example
 * {@code rec.kerf/journal: event 1834 at offset 0x3f20: CRC mismatch}.
 */
public final class FormatException extends RuntimeException {
    private final Path file;
    private final long offset;

    public FormatException(Path file, long offset, String problem) {
        super(file + (offset >= 0 ? String.format(" at offset 0x%x", offset) : "") + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    public Path file() { return file; }

    /** Byte offset of the problem in {@link #file()}, or -1 when it concerns the whole file. */
    public long offset() { return offset; }
}
