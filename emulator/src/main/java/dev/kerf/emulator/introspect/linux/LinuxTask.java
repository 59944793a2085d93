package dev.kerf.emulator.introspect.linux;

/**
 * A thread of the guest as the system-call ABI shows it, without the kernel's task structures: an
 * address space (CR3) plus a user stack, with the ids the ABI hands out (the parent's fork/clone
 * result, getpid, gettid, set_tid_address). Numbered by first sight ({@link #id()}, from 1).
 * Mutable while the observer runs; read it after {@link LinuxSyscallObserver#finish}.
 */
public final class LinuxTask {
    /** How the task ended, as far as the ABI tells. */
    public enum End {
        /** still alive when the recording ended (or ended in a way no call showed: a fatal signal) */
        NONE,
        /** called exit_group, or another thread of its group did */
        EXIT_GROUP,
        /** called exit (one thread) */
        EXIT,
        /** another thread of its group called execve (the kernel kills the others) */
        EXEC_BY_OTHER_THREAD,
        /** its address space was given to a new process: it died without a call (a fatal signal) */
        ADDRESS_SPACE_REUSED
    }

    private final int id;
    private final LinuxTask parent;
    private final long firstIcount;
    int cr3;
    int pid = -1;
    int tid = -1;
    /** the thread-group leader when this task was made by clone(CLONE_THREAD), else null */
    LinuxTask leader;
    boolean vforkChild;
    String exe;
    End end = End.NONE;
    int exitStatus = -1;
    long endIcount = -1;
    int lastEsp;
    /** the kernel entry it is in now (null: in user mode, or unknown) */
    LinuxSyscallObserver.Pending inKernel;
    /** a sigreturn made by this task that has not reached the context it restores */
    LinuxSyscallObserver.Pending sigreturn;
    /** last exception taken in user mode: vector, eip, cr2 (vector -1: none) */
    int faultVector = -1, faultEip, faultCr2;

    LinuxTask(int id, LinuxTask parent, int cr3, long firstIcount) {
        this.id = id;
        this.parent = parent;
        this.cr3 = cr3;
        this.firstIcount = firstIcount;
    }

    public int id() { return id; }

    /** The task whose fork/clone made this one, or null for a task already alive at the start. */
    public LinuxTask parent() { return parent; }

    public long firstIcount() { return firstIcount; }

    /** The page directory of its address space now. */
    public int cr3() { return cr3; }

    /** Its thread-group id (what getpid returns), or -1 when the ABI has not shown it. */
    public int pid() {
        if (pid < 0 && leader != null) return leader.pid();
        return pid;
    }

    /** Its thread id, or -1 when not shown. */
    public int tid() { return tid; }

    /** The path of the last image it exec'd (null: none seen). */
    public String exe() { return exe; }

    public End end() { return end; }

    /** The exit_group/exit status (low 8 bits as the parent's wait sees), or -1. */
    public int exitStatus() { return exitStatus; }

    public long endIcount() { return endIcount; }

    public boolean alive() { return end == End.NONE; }

    /** {@code pid N} (or {@code pid N/tid M} for a thread), or {@code task K} before any id was seen. */
    public String label() {
        int p = pid();
        if (p < 0) return tid >= 0 ? "tid " + tid : "task " + id;
        return tid >= 0 && tid != p ? "pid " + p + "/tid " + tid : "pid " + p;
    }

    @Override
    public String toString() {
        return label() + (exe == null ? "" : " " + exe);
    }
}
