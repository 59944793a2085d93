package dev.kerf.slicer.privacy;

/**
 * What a {@link FinalScan} searched: {@code secrets} secrets as {@code patterns} byte patterns and
 * regexes, over the {@code rawBytes} of the file and the {@code decodedBytes} of its
 * {@code sections} sections after decompression; it found no occurrence (or it would have thrown).
 */
public record ScanReport(int secrets, int patterns, long rawBytes, int sections, long decodedBytes) {
}
