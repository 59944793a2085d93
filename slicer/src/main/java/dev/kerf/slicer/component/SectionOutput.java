package dev.kerf.slicer.component;

import java.io.ByteArrayOutputStream;

/** Little-endian writes for a section's data (the mirror of {@link SectionInput}). */
final class SectionOutput {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    SectionOutput u8(int v) {
        out.write(v);
        return this;
    }

    SectionOutput u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    SectionOutput u32(int v) {
        return u16(v).u16(v >>> 16);
    }

    SectionOutput u64(long v) {
        return u32((int) v).u32((int) (v >>> 32));
    }

    SectionOutput bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
