package kerf;

/** The only way a minijvm program talks to the machine. Every method is native. */
public final class Sys {
    private Sys() {}
    /** Reads up to len bytes of standard input (fd 0) into b[off..]; the count, or -1 at end of input. */
    public static native int read(byte[] b, int off, int len);
    /** Writes b[off..off+len) to standard output (fd 1). */
    public static native void write(byte[] b, int off, int len);
    /** Writes s to standard output, each char as one byte (low 8 bits). */
    public static native void print(String s);
    /** Seconds since 1970-01-01 by the machine's clock (the guest's time syscall). */
    public static native long time();
    /** The whole file at path (bytes), or null when it cannot be opened or read. */
    public static native byte[] readFile(String path);
}
