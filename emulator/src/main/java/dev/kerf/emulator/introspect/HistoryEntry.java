package dev.kerf.emulator.introspect;

/** An entry of a {@link ProcessHistory} timeline: a finished system call or a {@link ProcessEvent}. */
public sealed interface HistoryEntry permits SyscallRecord, ProcessEvent {
    int pid();
}
