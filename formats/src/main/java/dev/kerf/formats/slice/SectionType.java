package dev.kerf.formats.slice;

/**
 * The section types of a slice file, with their fixed one-byte codes and length bounds
 * (docs/formats.md §9). A reader refuses a code not listed here: a slice is a verified artifact,
 * and skipping a section this kerf does not understand could replay something other than what was
 * verified. New kinds add constants (and a minor version).
 *
 * <p>Codes: 1 header, 2-15 time slices (machine state and journal events), 16-47 process and
 * component slices (32: FINGERPRINTS, any kind), 48-63 syscall logs, 64-79 JVM logs, 255 end.
 */
public enum SectionType {
    /** UTF-8 JSON: kind, parameters, source, machine facts, privacy manifest ({@link SliceHeader}). */
    HEADER(1, 1 << 20),
    /** The CPU state at the start of a time slice, as the checkpoint codec writes it. */
    CPU(2, 4096),
    /** The replayer's state blob at the start ({@code Replayer.checkpointState()}): devices and input cursors. */
    REPLAY_STATE(3, 16 << 20),
    /** RAM at the start: zero pages skipped ({@link RamSection}). */
    RAM(4, (1 << 30) + 4096),
    /** The journal events of the window, in journal order ({@link EventsSection}). */
    EVENTS(5, 1 << 30),
    /** The full registers+RAM hash at the end of the window: i64 icount, i64 {@code StateHasher.full}. */
    FINAL_HASH(6, 16),
    /** Process slice: the process at the start (identity, machine settings, registers, user pages and their bytes). */
    PROCESS_IMAGE(16, 1 << 30),
    /** Process slice: every exit from user mode (user icount, cause, register digest), in order. */
    PROCESS_EXITS(17, 1 << 30),
    /** Process slice: for each exit the process returned from, the effects (mappings, bytes, registers). */
    PROCESS_EFFECTS(18, 1 << 30),
    /**
     * Process slice, only when the process can load descriptors beyond its segment registers' or a
     * return changed them (Linux's TLS entries): the descriptors at the start and, for each return,
     * the descriptors and segment registers it changed. Added in minor 2.
     */
    PROCESS_SEGMENTS(23, 1 << 30),
    /** Component slice: the machine settings its code ran with and the code bytes it executed. */
    COMPONENT_CODE(19, 1 << 30),
    /** Component slice: each activation's pid, entry registers, return address and first loads. */
    COMPONENT_ENTRIES(20, 1 << 30),
    /** Component slice: each activation's end (return value or fault), instruction count and written bytes. */
    COMPONENT_RESULTS(21, 1 << 30),
    /** Kernel component slice: each activation's port accesses in order (IN values served on replay, OUT values checked). */
    COMPONENT_PORTS(22, 1 << 30),
    /**
     * Component slice, only when an activation ran with other segment registers than the first
     * (processes of one program with their own TLS base on Linux): each activation's own. Added in minor 2.
     */
    COMPONENT_SEGMENTS(24, 1 << 30),
    /**
     * Any kind but a time slice: salted fingerprints of the secrets the file must not hold, carried
     * to every file derived from it ({@link FingerprintSection}); may repeat (one per salt).
     */
    FINGERPRINTS(32, 1 << 30),
    /** Syscall log: the process image at its start (as PROCESS_IMAGE) and the program's identity. */
    SYSCALL_IMAGE(48, 1 << 30),
    /** Syscall log: every syscall in order (number, arguments, result, bytes the kernel wrote) and how the process ended. */
    SYSCALL_LOG(49, 1 << 30),
    /**
     * Syscall log, only when the process can load descriptors beyond its segment registers' or a
     * call or asynchronous effect changed them (Linux's TLS entries): as PROCESS_SEGMENTS, per call
     * that returned and per asynchronous effect. Added in minor 2.
     */
    SYSCALL_SEGMENTS(50, 1 << 30),
    /** JVM log: the class files the program ran, by name. */
    JVM_CLASSES(64, 1 << 30),
    /** JVM log: every native call in order, with its bytecode position and result. */
    JVM_NATIVES(65, 1 << 30),
    /** JVM log: how the program ended (output digest, uncaught exception text, exit status). */
    JVM_OUTCOME(66, 1 << 20),
    /** Last section, empty: a file cut exactly between two sections is still seen as cut. */
    END(255, 0);

    private final int code;
    private final long maxLength;

    SectionType(int code, long maxLength) {
        this.code = code;
        this.maxLength = maxLength;
    }

    /** The byte stored in the file. */
    public int code() { return code; }

    /** The largest length a reader accepts for this type, checked before anything is allocated. */
    public long maxLength() { return maxLength; }

    /** The type with this code, or null when this kerf does not know it. */
    public static SectionType of(int code) {
        for (SectionType t : values()) if (t.code == code) return t;
        return null;
    }
}
