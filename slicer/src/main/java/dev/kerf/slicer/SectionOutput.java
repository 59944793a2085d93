package dev.kerf.slicer;

import java.io.ByteArrayOutputStream;

/** Little-endian writes for a section's data (the mirror of {@link SectionInput}). */
public final class SectionOutput {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public SectionOutput u8(int v) {
        out.write(v);
        return this;
    }

    public SectionOutput u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    public SectionOutput u32(int v) {
        return u16(v).u16(v >>> 16);
    }

    public SectionOutput u64(long v) {
        return u32((int) v).u32((int) (v >>> 32));
    }

    public SectionOutput bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
