package dev.kerf.retargeter.jvm;

/**
 * One class file the guest's minijvm loaded: its internal name ({@code Inventory}, {@code a/b/C})
 * and its bytes exactly as read from the guest's file system.
 */
public record JvmClass(String name, byte[] bytes) {
    public JvmClass {
        if (name.isEmpty()) throw new IllegalArgumentException("a class needs a name");
        bytes = bytes.clone();
    }

    @Override public byte[] bytes() { return bytes.clone(); }

    /** The binary name the host JVM uses ({@code a.b.C}). */
    public String binaryName() { return name.replace('/', '.'); }

    /** Bytes of the class file. */
    public int length() { return bytes.length; }
}
