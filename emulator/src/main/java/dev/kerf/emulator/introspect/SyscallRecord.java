package dev.kerf.emulator.introspect;

import java.util.Arrays;

/**
 * One system call of one process.
 *
 * @param pid         the caller
 * @param name        the caller's name at entry (a successful execve keeps the old name here)
 * @param nr          call number
 * @param args        the argument registers at entry (all of them, whether the call uses them or not)
 * @param entryIcount icount at the trapping instruction
 * @param exitIcount  icount when the result reached the process (or the process died), -1 if never
 * @param returned    false for a call that never returned (exit, or the recording ended first)
 * @param result      the result register at return (meaningful only when {@code returned})
 * @param strings     decoded memory arguments by argument index (null entries: shown as numbers);
 *                    for a read the returned bytes stand at the buffer's index
 */
public record SyscallRecord(int pid, String name, int nr, int[] args, long entryIcount, long exitIcount,
                            boolean returned, int result, String[] strings) implements HistoryEntry {
    public SyscallRecord {
        args = args.clone();
        strings = strings.clone();
    }

    @Override
    public int[] args() { return args.clone(); }

    @Override
    public String[] strings() { return strings.clone(); }

    public int arg(int i) { return args[i]; }

    public String string(int i) { return strings[i]; }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyscallRecord r && pid == r.pid && name.equals(r.name) && nr == r.nr
                && Arrays.equals(args, r.args) && entryIcount == r.entryIcount && exitIcount == r.exitIcount
                && returned == r.returned && result == r.result && Arrays.equals(strings, r.strings);
    }

    @Override
    public int hashCode() {
        return (int) (31 * pid + 17 * nr + entryIcount) ^ Arrays.hashCode(args);
    }

    @Override
    public String toString() {
        return SyscallFormat.line(this);
    }
}
