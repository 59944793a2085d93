package dev.kerf.emulator.introspect.linux;

import java.util.Arrays;
import java.util.List;

/**
 * One system call seen from outside the guest: the registers at the {@code int $0x80}, the result
 * at the return to the same caller, and the bytes of its memory arguments read through the
 * caller's page tables (paths and written buffers at entry, filled buffers at return).
 *
 * @param task        the caller
 * @param cr3         the caller's page directory at entry
 * @param eip         the user address the call returns to (after the {@code int $0x80})
 * @param esp         the user stack pointer at entry
 * @param nr          EAX at entry; -1 for a call entered before the recording started ({@link Outcome#RESUMED})
 * @param args        EBX ECX EDX ESI EDI EBP at entry (for RESUMED: at the return, which the kernel keeps)
 * @param entryIcount icount of the {@code int $0x80} (RESUMED: -1)
 * @param exitIcount  icount of the return to user mode (-1: none)
 * @param outcome     how it ended
 * @param result      EAX at the return (a value in -4095..-1 is -errno); meaningful for RETURNED, EXECED, RESUMED
 * @param data        per argument index, the bytes read for it (null: not read or not readable);
 *                    for kinds {@code s b B} the string or buffer (at most the observer's capture
 *                    limit), {@code v} nothing (see {@code argv}), {@code e} the count of entries,
 *                    {@code t} the 8 bytes of the timespec, {@code w} the 4 bytes of the status,
 *                    {@code L} the 8 bytes of the rlimit, {@code T} the 16 of the timespec64,
 *                    {@code U} the 16 bytes of the user_desc at entry and 4 more (the entry number) at a successful return
 * @param argv        for execve/execveat: the argument strings (null otherwise or when unreadable)
 */
public record LinuxCall(LinuxTask task, int cr3, int eip, int esp, int nr, int[] args, long entryIcount,
                        long exitIcount, Outcome outcome, int result, byte[][] data, List<String> argv) {
    public enum Outcome {
        /** returned to its caller with {@code result} */
        RETURNED,
        /** execve that succeeded: the caller came back in a new image (result 0) */
        EXECED,
        /** exit/exit_group: never returns */
        NO_RETURN,
        /** interrupted by a signal and to be restarted: the kernel re-executes the int $0x80 */
        RESTARTED,
        /** still in the kernel when the recording ended (or its caller died in it) */
        UNFINISHED,
        /** entered before the recording started: only its return was seen */
        RESUMED
    }

    public LinuxCall {
        args = args.clone();
        data = data.clone();
        argv = argv == null ? null : List.copyOf(argv);
    }

    @Override
    public int[] args() { return args.clone(); }

    @Override
    public byte[][] data() { return data.clone(); }

    public int arg(int i) { return args[i]; }

    /** The bytes read for argument {@code i}, or null. */
    public byte[] bytes(int i) { return i < data.length ? data[i] : null; }

    public boolean returned() {
        return outcome == Outcome.RETURNED || outcome == Outcome.EXECED || outcome == Outcome.RESUMED;
    }

    /** True when the call returned an error: a result in -4095..-1. */
    public boolean failed() {
        return returned() && result < 0 && result >= -4095;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinuxCall c && task == c.task && cr3 == c.cr3 && eip == c.eip && esp == c.esp && nr == c.nr
                && Arrays.equals(args, c.args) && entryIcount == c.entryIcount && exitIcount == c.exitIcount
                && outcome == c.outcome && result == c.result && Arrays.deepEquals(data, c.data)
                && java.util.Objects.equals(argv, c.argv);
    }

    @Override
    public int hashCode() {
        return (int) (31 * nr + entryIcount) ^ Arrays.hashCode(args);
    }

    @Override
    public String toString() {
        return "LinuxCall[" + task.label() + " nr=" + nr + " " + outcome + " " + result + " @" + entryIcount + "]";
    }
}
