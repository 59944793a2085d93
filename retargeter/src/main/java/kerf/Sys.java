package kerf;

import dev.kerf.retargeter.jvm.ActiveReplay;

/**
 * The host's {@code kerf.Sys} (JVM-CONTRACT.md §1): the same public static signatures as the
 * guest's natives, answered from the JVM log being replayed. A program replayed by
 * {@code JvmReplayer} links to this class in the replay's child JVM (its class loader hands out
 * this one, never the guest's), and each call goes to kerf, which serves, position-checks and
 * compares it ({@link ActiveReplay}: the replay of the calling thread). Argument checks come first and throw what HotSpot's
 * array checks would, so a bad call is not a native call on either side.
 */
public final class Sys {
    private Sys() {}

    /** Reads up to len bytes of standard input into b[off..]; the count, or -1 at end of input. */
    public static int read(byte[] b, int off, int len) {
        checkRange(b, off, len);
        return ActiveReplay.natives().read(b, off, len);
    }

    /** Writes b[off..off+len) to standard output. */
    public static void write(byte[] b, int off, int len) {
        checkRange(b, off, len);
        ActiveReplay.natives().write(b, off, len);
    }

    /** Writes s to standard output, each char as one byte (low 8 bits). */
    public static void print(String s) {
        if (s == null) throw new NullPointerException();
        ActiveReplay.natives().print(s);
    }

    /** Seconds since 1970-01-01 by the guest machine's clock, as the log recorded it. */
    public static long time() {
        return ActiveReplay.natives().time();
    }

    /** The whole file at path as the guest read it, or null when it could not. */
    public static byte[] readFile(String path) {
        if (path == null) throw new NullPointerException();
        return ActiveReplay.natives().readFile(path);
    }

    private static void checkRange(byte[] b, int off, int len) {
        if (b == null) throw new NullPointerException();
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new ArrayIndexOutOfBoundsException("Range [" + off + ", " + off + " + " + len + ") out of bounds for length " + b.length);
        }
    }
}
