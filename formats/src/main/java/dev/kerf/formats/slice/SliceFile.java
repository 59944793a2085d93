package dev.kerf.formats.slice;

import java.util.zip.CRC32C;

/**
 * A slice file (design §7, docs/formats.md §9): one file, all integers little-endian.
 *
 * <pre>
 * offset size field
 * 0      8    Magic   "KERFSLCE"
 * 8      2    Major   1: another major is refused
 * 10     2    Minor   2 (1 added FINGERPRINTS, 2 PROCESS_SEGMENTS, COMPONENT_SEGMENTS and SYSCALL_SEGMENTS): a higher minor of major 1 is read (it may only add header keys)
 * 12     ...  Section HEADER, then the kind's sections, then Section END; the file ends exactly there
 * Section => Type (u8, a {@link SectionType} code) Length (u32, at most the type's bound and the
 *            bytes left in the file) Data (Length bytes) Crc (u32 CRC-32C of Type, Length and Data)
 * </pre>
 */
public final class SliceFile {
    static final byte[] MAGIC = {'K', 'E', 'R', 'F', 'S', 'L', 'C', 'E'};
    public static final int MAJOR = 1;
    public static final int MINOR = 2;
    static final int PREAMBLE = 12;
    static final int SECTION_OVERHEAD = 9;
    /** The suffix slice files conventionally carry. */
    public static final String SUFFIX = ".kslice";
    /**
     * How many bytes of a slice read from stdin kerf spools at most by default (4 GiB): more than
     * any slice this kerf writes holds; {@code --stdin-limit} changes it.
     */
    public static final long STDIN_LIMIT = 4L << 30;

    private SliceFile() {}

    /** True when {@code head} (at least 8 bytes) starts with the slice magic. */
    public static boolean hasMagic(byte[] head) {
        if (head.length < MAGIC.length) return false;
        for (int i = 0; i < MAGIC.length; i++) if (head[i] != MAGIC[i]) return false;
        return true;
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
