package dev.kerf.formats.slice;

/**
 * One section of a slice file as read: its type, the file offset of its type byte (for error
 * messages about its contents) and its data (CRC already checked).
 */
public record Section(SectionType type, long offset, byte[] data) {
    /** File offset of the first data byte. */
    public long dataOffset() { return offset + 5; }
}
