package dev.kerf.emulator.introspect;

/**
 * What a tool must know about a guest kernel to follow its processes from outside: where the
 * process table and the current-process pointer are, the layout of one process record, and the
 * system call convention. Addresses are physical (the kerf guest identity-maps its kernel); the
 * kerf guest provides this through {@link KerfGuestProfile}, a foreign OS would through a
 * profile file.
 */
public interface GuestProfile {
    /** Physical address of the first process record. */
    int procTable();

    /** Bytes per process record. */
    int procSize();

    /** Number of process records. */
    int procCount();

    /** Physical address of the pointer to the running process's record (0 while no process is current). */
    int currentPtr();

    /** Offsets inside a record: u32 pid, u32 parent pid, NUL-terminated name, u32 state. */
    int offPid();

    int offPpid();

    int offName();

    /** Bytes reserved for the name, the NUL included. */
    int nameLen();

    int offState();

    /** Offset of the u32 page directory address (the CR3 value while the process runs). */
    int offCr3();

    /** Offset of the i32 Linux wait status, valid in the zombie state. */
    int offExitStatus();

    /** Offset of the u32 address of the process's trap frame (its user registers while in the kernel). */
    int offTrapFrame();

    /** Offset of the saved user EAX inside a trap frame. */
    int trapFrameEax();

    /** State value of a free record (the rest of it is meaningless). */
    int stateUnused();

    /** State value of a process that has exited and waits for its parent. */
    int stateZombie();

    /** The interrupt vector of a system call from user mode. */
    int syscallVector();

    /** The register (a {@code Cpu.EAX}-style index) holding the call number at entry. */
    int syscallNumberRegister();

    /** The registers holding the arguments at entry, in order. */
    int[] syscallArgumentRegisters();

    /** The register holding the result when the call returns to user mode. */
    int syscallResultRegister();

    /** The call ends the process and never returns. */
    boolean isExitCall(int nr);

    /** The call replaces the process's image when it succeeds (it returns into the new program). */
    boolean isExecCall(int nr);

    /** A buffer in the process's memory that the kernel filled for a call: {@code length} bytes at {@code address}. */
    record OutputBuffer(int address, int length) {}

    /**
     * The buffers the kernel filled for call {@code nr} with arguments {@code args} that returned
     * {@code result} (read's data, a stat struct, pipe's two descriptors, ...), in argument order; none
     * for a failed call. Process slices keep them whole, even the bytes that equal what was there
     * (a diff would drop those): they are the call's output as the kernel wrote it, what a syscall
     * log gives a rebuilt binary, and the input privacy scans look at. Default: none known.
     */
    default java.util.List<OutputBuffer> outputBuffers(int nr, int[] args, int result) {
        return java.util.List.of();
    }

    /** The wait status of a process that made exit call {@code nr} with arguments {@code args}. */
    int exitStatusOf(int nr, int[] args);
}
