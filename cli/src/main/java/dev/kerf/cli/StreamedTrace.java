package dev.kerf.cli;

import dev.kerf.emulator.introspect.HistoryEntry;
import dev.kerf.emulator.introspect.ProcessEvent;
import dev.kerf.emulator.introspect.ProcessHistory;
import dev.kerf.emulator.introspect.SyscallRecord;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code kerf trace --insns}: instruction lines printed as the replay runs (an instruction trace is
 * too big to hold), with the system call and process lines (with {@code --syscalls}) merged in
 * order: before each instruction line, the history entries added since the last one. Processes
 * are selected by pid, or by the name they have at that moment.
 */
final class StreamedTrace {
    private final PrintStream out;
    private final long lo, hi;
    private final Integer pid;
    private final String name;
    private final boolean syscalls, json;
    private ProcessHistory history;
    /** The calls come from {@link #linuxLine} (a Linux recording: strace's spelling), not from the history's records. */
    private boolean linuxCalls;
    private int drained;
    private long instructions;

    StreamedTrace(PrintStream out, long lo, long hi, Integer pid, String name, boolean syscalls, boolean json) {
        this.out = out;
        this.lo = lo;
        this.hi = hi;
        this.pid = pid;
        this.name = name;
        this.syscalls = syscalls;
        this.json = json;
    }

    void follow(ProcessHistory history) {
        this.history = history;
    }

    /** From now on calls are printed by {@link #linuxLine} as they return; the history gives process events only. */
    void callsFromLinux() {
        linuxCalls = true;
    }

    /** A Linux call or signal line, printed where it happened in the instruction stream. */
    void linuxLine(LinuxTrace.Line l) {
        drain();
        if (syscalls && accepts(l.icount(), l.pid(), l.name())) out.println(json ? l.json() : LinuxTrace.text(l));
    }

    boolean accepts(long icount, int pid, String name) {
        return icount >= lo && icount <= hi && (this.pid == null || this.pid == pid)
                && (this.name == null || this.name.equals(name));
    }

    void instruction(long icount, int pid, String name, int eip, String text) {
        drain();
        instructions++;
        if (json) {
            out.printf("{\"icount\":%d,\"type\":\"insn\",\"pid\":%d,\"name\":%s,\"eip\":%d,\"text\":%s}%n", icount, pid,
                    JsonText.str(name), Integer.toUnsignedLong(eip), JsonText.str(text));
        } else {
            out.printf("[%d] %d %s 0x%08x: %s%n", icount, pid, Printable.escape(name), eip, Printable.escape(text));
        }
    }

    /** Prints the history entries not printed yet (all of them at the end of the replay). */
    void drain() {
        List<HistoryEntry> timeline = history.timeline();
        for (; drained < timeline.size(); drained++) {
            HistoryEntry e = timeline.get(drained);
            if (linuxCalls && e instanceof SyscallRecord) continue;
            String who = e instanceof SyscallRecord s ? s.name() : ((ProcessEvent) e).name();
            long at = e instanceof SyscallRecord s ? s.entryIcount() : ((ProcessEvent) e).icount();
            if (syscalls && accepts(at, e.pid(), who)) out.println(json ? TraceCommand.json(e) : TraceCommand.text(e));
        }
    }

    long instructions() {
        return instructions;
    }
}
