package dev.kerf.emulator.introspect;

/**
 * What {@link ProcessTracker} reports, in execution order. {@code icount} is the CPU's count when
 * the tracker noticed (an event found by a process-table scan is reported at the scan). Calls run
 * on the machine thread inside a hook: a listener must not change guest state.
 */
public interface ProcessListener {
    /** A pid seen for the first time (fork, or init at the first scan), with its parent at that time. */
    default void created(long icount, int pid, int ppid, String name) {}

    /** A different process now owns the CPU (its address space was loaded). */
    default void switchedTo(long icount, int pid, String name) {}

    /** A system call trapped into the kernel. {@code call} has {@code returned == false}. */
    default void syscallEntered(long icount, SyscallRecord call) {}

    /**
     * A system call finished: its result reached the process, or the kernel ended the process
     * after computing the result (then {@code exitIcount} is when that was seen). exit never gets
     * here.
     */
    default void syscallReturned(long icount, SyscallRecord call) {}

    /**
     * The execution ended while the process was inside this call (blocked, typically): it has
     * {@code returned == false}. Reported by {@link ProcessTracker#finish}.
     */
    default void syscallUnfinished(long icount, SyscallRecord call) {}

    /** A successful execve replaced the image; {@code newName} is the process's name from now on. */
    default void execed(long icount, int pid, String oldName, String newName) {}

    /**
     * The process changed its own name without an execve (Linux: prctl(PR_SET_NAME) or a write to
     * /proc/self/comm, as busybox does for an applet it re-executes through /proc/self/exe);
     * seen when one of its calls returns.
     */
    default void renamed(long icount, int pid, String oldName, String newName) {}

    /** User-mode code raised an exception; the kernel may resolve it (stack growth) or kill the process. */
    default void userFault(long icount, UserFault fault) {}

    /** The process ended. {@code status} is its Linux wait status; {@code fault} is the fault that killed it, or null. */
    default void exited(long icount, int pid, int status, UserFault fault) {}

    /** The process ran in user mode from icount {@code from} (its return to CPL 3) to {@code to} (the next trap). */
    default void ranInUser(int pid, long from, long to) {}
}
