package dev.kerf.cli;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.HistoryEntry;
import dev.kerf.emulator.introspect.ProcessEvent;
import dev.kerf.emulator.introspect.ProcessHistory;
import dev.kerf.emulator.introspect.ProcessInfo;
import dev.kerf.emulator.introspect.ProcessTracker;
import dev.kerf.emulator.introspect.UserFault;
import dev.kerf.emulator.introspect.linux.LinuxCall;
import dev.kerf.emulator.introspect.linux.LinuxGuestProfile;
import dev.kerf.emulator.introspect.linux.LinuxSignal;
import dev.kerf.emulator.introspect.linux.LinuxSyscallObserver;
import dev.kerf.emulator.introspect.linux.LinuxSyscalls;
import dev.kerf.emulator.introspect.linux.LinuxTask;
import dev.kerf.emulator.introspect.linux.StraceText;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kerf trace --syscalls} on a Linux recording: the i386 Linux system calls seen from the
 * ABI ({@link LinuxSyscallObserver}) in strace's spelling ({@link StraceText}), each attributed to
 * the pid the kernel's current task had when the call returned (exit_group: when it was made), and
 * per process strace's {@code --- SIGSEGV {...} ---} for the fault that killed it and its
 * {@code +++ exited with N +++} / {@code +++ killed by SIG +++} line, from the process tracker.
 * Lines come in the order the calls returned, as on the example OS; docs/linux.md lists where
 * the text differs from strace's.
 */
final class LinuxTrace {
    /** Bytes read per path or buffer: paths in full, buffers up to strace's -s 32 are shown. */
    static final int CAPTURE_LIMIT = 4096;

    /** One output line: shown at {@code icount}, ordered by {@code order} (stable). */
    record Line(long order, long icount, int pid, String name, String text, String json) {}

    private final List<Line> calls = new ArrayList<>();
    private final Map<LinuxTask, Integer> pids = new IdentityHashMap<>(); // looked up only, never iterated
    private LinuxSyscallObserver observer;
    private StraceText text;
    /** Fills secrets in a call's captured bytes before they are spelled (the timeline's --secret); a no-op for trace. */
    private final java.util.function.Consumer<byte[]> redact;

    LinuxTrace() {
        this(bytes -> { });
    }

    /** Told each call and signal line as it happens (kerf trace --insns streams them between instructions), or null. */
    private java.util.function.Consumer<Line> live;

    /** Each line is also given to {@code live} as soon as it is known (the call's return, the signal's delivery). */
    void live(java.util.function.Consumer<Line> live) {
        this.live = live;
    }

    private void add(Line l) {
        calls.add(l);
        if (live != null) live.accept(l);
    }

    /** @param redact fills every secret in the bytes it is given, in place: applied to each captured path and buffer, whole, before strace's truncation */
    LinuxTrace(java.util.function.Consumer<byte[]> redact) {
        this.redact = redact;
    }

    /** The extension for {@link IntrospectedReplay}: attaches the observer when the profile is Linux's. */
    void attachIfLinux(Cpu cpu, GuestMemory memory, ProcessTracker tracker, ProcessHistory history) {
        if (!(history.profile() instanceof LinuxGuestProfile profile)) return;
        LinuxSyscalls table = LinuxSyscalls.i386();
        text = new StraceText(table);
        observer = new LinuxSyscallObserver(table, memory, CAPTURE_LIMIT, new LinuxSyscallObserver.Listener() {
            @Override
            public void callEnded(LinuxCall call) {
                int pid = pidOf(call.task(), call.outcome() != LinuxCall.Outcome.UNFINISHED, profile, memory);
                long shown = call.entryIcount() >= 0 ? call.entryIcount() : call.exitIcount();
                long order = switch (call.outcome()) {
                    case NO_RETURN -> call.entryIcount();
                    case UNFINISHED -> Long.MAX_VALUE;
                    default -> call.exitIcount();
                };
                String name = java.util.Objects.requireNonNullElse(tracker.nameOf(pid), "?");
                for (int i = 0; i < LinuxSyscalls.MAX_ARGS; i++) {
                    byte[] d = call.bytes(i);
                    if (d != null) redact.accept(d);
                }
                String line = text.line(call);
                add(new Line(order, shown, pid, name, line, callJson(shown, pid, name, call, table, line)));
            }

            @Override
            public void signalDelivered(LinuxSignal s) {
                int pid = pidOf(s.task(), true, profile, memory);
                String name = java.util.Objects.requireNonNullElse(tracker.nameOf(pid), "?");
                String line = text.signalLine(s);
                add(new Line(s.icount(), s.icount(), pid, name, line, eventJson(s.icount(), "signal", pid, name, line, line)));
            }
        });
        observer.attach(cpu.hooks);
    }

    boolean attached() {
        return observer != null;
    }

    /** The task's pid: the kernel's current task when it is the one in user mode or at its entry, else the one last seen. */
    private int pidOf(LinuxTask task, boolean current, LinuxGuestProfile profile, GuestMemory memory) {
        if (current) {
            int pid = profile.currentPid(memory);
            if (pid > 0) {
                pids.put(task, pid);
                return pid;
            }
        }
        Integer known = pids.get(task);
        return known != null ? known : task.pid();
    }

    /** The calls alone, in the order they returned, after the replay (the timeline marks ends and faults itself). */
    List<Line> callLines() {
        observer.finish();
        List<Line> out = new ArrayList<>(calls);
        out.sort(Comparator.comparingLong(Line::order));
        return out;
    }

    /** Every line after the replay: the calls, and per ended process its fatal fault's signal and its end. */
    List<Line> lines(ProcessHistory history) {
        observer.finish();
        List<Line> out = new ArrayList<>(calls);
        Map<Integer, ProcessInfo> byPid = new java.util.TreeMap<>();
        for (ProcessInfo p : history.processes()) byPid.put(p.pid(), p);
        for (HistoryEntry e : history.timeline()) {
            if (!(e instanceof ProcessEvent ev) || ev.kind() != ProcessEvent.Kind.EXIT) continue;
            ProcessInfo p = byPid.get(ev.pid());
            if (p == null || p.exitStatus() == null) continue;
            int status = p.exitStatus();
            UserFault f = p.fault();
            if (f != null && (status & 0x7F) != 0) {
                String line = StraceText.faultSignalLine(status & 0x7F, f.vector(), f.errorCode(), f.eip(), f.cr2());
                out.add(new Line(f.icount(), f.icount(), ev.pid(), ev.name(), line,
                        eventJson(f.icount(), "signal", ev.pid(), ev.name(), f.describe(), line)));
            }
            String line = StraceText.endLine(status);
            out.add(new Line(ev.icount(), ev.icount(), ev.pid(), ev.name(), line,
                    eventJson(ev.icount(), "exit", ev.pid(), ev.name(), ev.detail(), line)));
        }
        out.sort(Comparator.comparingLong(Line::order)); // stable: calls before the events at one icount
        return out;
    }

    static String text(Line l) {
        return String.format("[%d] %d %s %s", l.icount(), l.pid(), Printable.escape(l.name()), l.text());
    }

    private static String eventJson(long icount, String type, int pid, String name, String detail, String text) {
        return String.format("{\"icount\":%d,\"type\":%s,\"pid\":%d,\"name\":%s,\"detail\":%s,\"text\":%s}", icount,
                JsonText.str(type), pid, JsonText.str(name), JsonText.str(detail), JsonText.str(text));
    }

    private static String callJson(long icount, int pid, String name, LinuxCall call, LinuxSyscalls table, String text) {
        LinuxSyscalls.Call c = table.get(call.nr());
        StringBuilder args = new StringBuilder("[");
        StringBuilder strings = new StringBuilder("[");
        for (int i = 0; i < LinuxSyscalls.MAX_ARGS; i++) {
            if (i > 0) { args.append(','); strings.append(','); }
            args.append(Integer.toUnsignedLong(call.arg(i)));
            byte[] d = call.bytes(i);
            boolean path = c != null && c.kind(i) == 's' && d != null;
            strings.append(path ? JsonText.str(new String(d, StandardCharsets.ISO_8859_1)) : "null");
        }
        return String.format("{\"icount\":%d,\"type\":\"syscall\",\"pid\":%d,\"name\":%s,\"nr\":%d,\"call\":%s,"
                        + "\"args\":%s],\"strings\":%s],\"returned\":%b,\"result\":%s,\"exitIcount\":%d,\"text\":%s}",
                icount, pid, JsonText.str(name), call.nr(), JsonText.str(table.name(call.nr())), args, strings,
                call.returned(), call.returned() ? Integer.toString(call.result()) : "null", call.exitIcount(),
                JsonText.str(text));
    }
}
