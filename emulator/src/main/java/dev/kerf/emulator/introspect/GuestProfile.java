package dev.kerf.emulator.introspect;

/**
 * What a tool must know about a guest kernel to follow its processes from outside: the
 * processes it has and which one runs ({@link GuestProcess}, however the kernel keeps them), and
 * the system call convention. The kerf guest provides this through {@link KerfGuestProfile} (its
 * exported process table); a Linux kernel through a profile inferred from the recording.
 */
public interface GuestProfile {
    /**
     * The processes the kernel has now, in the order of its own table or list (deterministic:
     * the same memory gives the same list). Free slots are left out.
     */
    java.util.List<GuestProcess> processes(GuestMemory memory);

    /** The process the kernel is running now (its current process or task), or null while there is none. */
    GuestProcess current(GuestMemory memory);

    /**
     * The pid of {@link #current}, or -1 while there is none: asked at every interrupt and every
     * privilege change while processes are tracked, so a profile should answer it without building
     * the whole record (name, page directory).
     */
    default int currentPid(GuestMemory memory) {
        GuestProcess p = current(memory);
        return p == null ? -1 : p.pid();
    }

    /**
     * The result the kernel stored for {@code process}'s system call when it ended the process
     * inside the call (a pending kill): what the call would have returned, from its saved user
     * registers.
     */
    int interruptedCallResult(GuestMemory memory, GuestProcess process);

    /**
     * Which guest this profile reads: {@code kerf} (the example OS) or {@code linux}. A process
     * slice's header says it (parameter {@code guest}, docs/formats.md §9.6), so tools that read
     * the slice later (the syscall retargeter) know the call table and ABI without the recording.
     */
    String guest();

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
