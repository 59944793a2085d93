package dev.kerf.emulator.introspect;

/**
 * A process's life event other than a system call, for traces.
 *
 * @param icount when it was seen
 * @param pid    the process
 * @param name   its name at that time (for EXEC: the new name)
 * @param kind   what happened
 * @param detail the parent pid (CREATED), the old name (EXEC), the fault (FAULT), how it ended (EXIT)
 */
public record ProcessEvent(long icount, int pid, String name, Kind kind, String detail) implements HistoryEntry {
    public enum Kind { CREATED, EXEC, FAULT, EXIT }
}
