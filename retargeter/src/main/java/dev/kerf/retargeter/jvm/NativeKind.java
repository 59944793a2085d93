package dev.kerf.retargeter.jvm;

/**
 * The natives of {@code kerf.Sys} (JVM-CONTRACT.md §1), with the codes the .kjvm file stores
 * (docs/formats.md §11). Codes are explicit and never reused.
 */
public enum NativeKind {
    READ(1, "read"), WRITE(2, "write"), PRINT(3, "print"), TIME(4, "time"), READ_FILE(5, "readFile");

    private final int code;
    private final String javaName;

    NativeKind(int code, String javaName) {
        this.code = code;
        this.javaName = javaName;
    }

    public int code() { return code; }

    /** The method's name in {@code kerf.Sys}, as minijvm's native hook names it. */
    public String javaName() { return javaName; }

    /** True for the natives whose data is the program's output (write, print). */
    public boolean isOutput() { return this == WRITE || this == PRINT; }

    /** The kind with this code, or null. */
    public static NativeKind of(int code) {
        for (NativeKind k : values()) if (k.code == code) return k;
        return null;
    }

    /** The kind whose Java name is {@code name}, or null. */
    public static NativeKind named(String name) {
        for (NativeKind k : values()) if (k.javaName.equals(name)) return k;
        return null;
    }
}
