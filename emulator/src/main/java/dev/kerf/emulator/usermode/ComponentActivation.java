package dev.kerf.emulator.usermode;

import java.util.List;

/**
 * One call of a component (user-mode or kernel): from the first instruction inside it (entered
 * from outside) to the return to its caller, or the fault that ended it. Callees outside the
 * component (library functions, kernel helpers) run as part of the activation.
 *
 * @param pid          the process it ran in (-1 for a kernel component: no process is followed)
 * @param entry        registers at its first instruction
 * @param returnAddress the caller's return address (the dword at ESP on entry); for an activation entered at an
 *                     address that starts no function, the address where it left the component's range
 * @param loads        first loads: each byte it read that it had not written or read before in this activation, with its value
 * @param end          how it ended
 * @param instructions instructions it executed (each REP iteration counts, as instruction hooks see them)
 * @param eax          EAX at the return (RETURNED)
 * @param fault        the fault that ended it (FAULTED), else null
 * @param writes       the final value of every byte it wrote
 * @param segments     its segment registers at entry (24 ints, see {@link ProcessImage#segments()}) when they differ from
 *                     the slice's image's (another process of the program: on Linux each has its own TLS base in GS), else null
 */
public record ComponentActivation(int pid, UserRegisters entry, int returnAddress, List<MemoryWrite> loads, End end, long instructions,
                                  int eax, UserExit.Fault fault, List<MemoryWrite> writes, int[] segments) {
    /** An activation that ran with the image's segment registers. */
    public ComponentActivation(int pid, UserRegisters entry, int returnAddress, List<MemoryWrite> loads, End end, long instructions,
                               int eax, UserExit.Fault fault, List<MemoryWrite> writes) {
        this(pid, entry, returnAddress, loads, end, instructions, eax, fault, writes, null);
    }

    /** How an activation ended; only RETURNED and FAULTED ones are replayed. */
    public enum End {
        RETURNED, FAULTED,
        /** It made a system call: not replayable (the slice holds nothing of the kernel); its loads are dropped. */
        SYSCALL,
        /** The recording ended inside it. */
        UNFINISHED,
        /**
         * Kernel components: an interrupt or INT n was taken inside it, or it switched address space
         * or left ring 0 before returning (the scheduler ran): not replayable, its data dropped.
         */
        INTERRUPTED;

        public boolean replayable() {
            return this == RETURNED || this == FAULTED;
        }
    }

    public ComponentActivation {
        loads = List.copyOf(loads);
        writes = List.copyOf(writes);
        if ((end == End.FAULTED) != (fault != null)) throw new IllegalArgumentException("a fault is given exactly when the end is FAULTED");
        if (segments != null && segments.length != 24) throw new IllegalArgumentException("segments must hold 24 ints");
        segments = segments == null ? null : segments.clone();
    }

    @Override public int[] segments() { return segments == null ? null : segments.clone(); }

    /** Bytes of first loads. */
    public long loadedBytes() {
        return MemoryWrite.totalBytes(loads);
    }

    /** Bytes written. */
    public long writtenBytes() {
        return MemoryWrite.totalBytes(writes);
    }
}
