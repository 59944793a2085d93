package dev.kerf.slicer.privacy;

import java.io.IOException;
import java.io.OutputStream;

/**
 * File bytes a {@link FinalScan} found free of every secret. Only {@link FinalScan#check} makes
 * one, so code that writes a slice by taking a {@code CleanFile} cannot write unscanned bytes. The
 * bytes are the caller's array, not a copy: changing it after the scan defeats the point.
 */
public final class CleanFile {
    private final byte[] bytes;
    private final ScanReport report;

    CleanFile(byte[] bytes, ScanReport report) {
        this.bytes = bytes;
        this.report = report;
    }

    public byte[] bytes() { return bytes; }

    public ScanReport report() { return report; }

    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }
}
