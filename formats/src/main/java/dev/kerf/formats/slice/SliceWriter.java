package dev.kerf.formats.slice;

import dev.kerf.formats.AtomicFile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Builds a slice file in memory: the header, then sections in the order added, then END. The
 * bytes are meant to be read back ({@link SliceReader#read(byte[], Path)}) and verified by
 * replaying them before {@link #writeFile} or {@link #writeTo} publishes them, so nothing
 * unverified ever reaches a file name or stdout.
 */
public final class SliceWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private boolean finished;

    public SliceWriter(SliceHeader header) {
        ByteBuffer pre = ByteBuffer.allocate(SliceFile.PREAMBLE).order(ByteOrder.LITTLE_ENDIAN);
        pre.put(SliceFile.MAGIC).putShort((short) SliceFile.MAJOR).putShort((short) SliceFile.MINOR);
        out.writeBytes(pre.array());
        section(SectionType.HEADER, SliceHeaderJson.write(header));
    }

    /** Appends a section; HEADER and END are written by the writer itself. */
    public SliceWriter add(SectionType type, byte[] data) {
        if (type == SectionType.HEADER || type == SectionType.END) throw new IllegalArgumentException(type + " is written by the writer");
        section(type, data);
        return this;
    }

    private void section(SectionType type, byte[] data) {
        if (finished) throw new IllegalStateException("slice already finished");
        if (data.length > type.maxLength()) throw new IllegalArgumentException(type + " section of " + data.length + " bytes exceeds " + type.maxLength());
        ByteBuffer h = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).put((byte) type.code()).putInt(data.length);
        CRC32C crc = new CRC32C();
        crc.update(h.array());
        crc.update(data);
        out.writeBytes(h.array());
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).array());
    }

    /** The whole file, END included; the writer takes no more sections afterwards. */
    public byte[] finish() {
        if (!finished) {
            section(SectionType.END, new byte[0]);
            finished = true;
        }
        return out.toByteArray();
    }

    /**
     * Writes {@code bytes} to {@code target} atomically: a hidden temporary sibling, forced to disk,
     * renamed into place; on failure no file is left under either name.
     */
    public static void writeFile(Path target, byte[] bytes) throws IOException {
        AtomicFile.write(target, bytes);
    }

    /** Writes {@code bytes} to a stream ({@code -o -}) and flushes it. */
    public static void writeTo(OutputStream os, byte[] bytes) throws IOException {
        os.write(bytes);
        os.flush();
    }
}
