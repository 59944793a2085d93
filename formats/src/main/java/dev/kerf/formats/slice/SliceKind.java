package dev.kerf.formats.slice;

/**
 * What a kerf slice file holds (design §7, §8); stored in the header as its lower-case name. The
 * retargeted logs (design §8) share the container: SYSCALLS is a process's syscall log (.ksys),
 * JVM the classes and native calls of a minijvm run (.kjvm).
 */
public enum SliceKind {
    TIME, PROCESS, COMPONENT, SYSCALLS, JVM;

    /** The name in the header JSON: {@code time}, {@code process}, {@code component}, {@code syscalls} or {@code jvm}. */
    public String jsonName() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** The kind named {@code s}, or null. */
    public static SliceKind ofJson(String s) {
        for (SliceKind k : values()) if (k.jsonName().equals(s)) return k;
        return null;
    }
}
