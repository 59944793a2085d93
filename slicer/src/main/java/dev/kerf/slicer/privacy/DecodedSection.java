package dev.kerf.slicer.privacy;

/** One section of a finished file as a reader sees it after decompression: its name and bytes. */
public record DecodedSection(String name, byte[] bytes) {
}
