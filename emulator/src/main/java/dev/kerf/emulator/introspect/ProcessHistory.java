package dev.kerf.emulator.introspect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects a {@link ProcessTracker}'s reports: one {@link ProcessInfo} per pid and a timeline of
 * system calls and life events in the order they were seen. A call enters the timeline when it
 * returns (so its result is known), exit when it is made: the order in which the kerf guest's
 * {@code debug=syscalls} log prints them. Calls still in progress when the execution ended come
 * last, unreturned (the kernel log has no line for them).
 */
public final class ProcessHistory implements ProcessListener {
    private final Map<Integer, Row> rows = new TreeMap<>();
    private final List<HistoryEntry> timeline = new ArrayList<>();
    private final GuestProfile profile;

    private static final class Row {
        int ppid;
        String name;
        long first, last, user, syscalls;
        Integer status;
        UserFault fault;
    }

    public ProcessHistory(GuestProfile profile) {
        this.profile = profile;
    }

    /** The profile the tracker read the guest with (a {@code LinuxGuestProfile} for a Linux recording). */
    public GuestProfile profile() {
        return profile;
    }

    @Override
    public void created(long icount, int pid, int ppid, String name) {
        Row r = new Row();
        r.ppid = ppid;
        r.name = name;
        r.first = r.last = icount;
        rows.put(pid, r);
        timeline.add(new ProcessEvent(icount, pid, name, ProcessEvent.Kind.CREATED, Integer.toString(ppid)));
    }

    @Override
    public void syscallEntered(long icount, SyscallRecord call) {
        Row r = row(call.pid(), icount);
        r.syscalls++;
        if (profile.isExitCall(call.nr())) timeline.add(call);
    }

    @Override
    public void syscallReturned(long icount, SyscallRecord call) {
        row(call.pid(), icount);
        timeline.add(call);
    }

    @Override
    public void syscallUnfinished(long icount, SyscallRecord call) {
        timeline.add(call);
    }

    @Override
    public void execed(long icount, int pid, String oldName, String newName) {
        row(pid, icount).name = newName;
        timeline.add(new ProcessEvent(icount, pid, newName, ProcessEvent.Kind.EXEC, oldName));
    }

    @Override
    public void renamed(long icount, int pid, String oldName, String newName) {
        row(pid, icount).name = newName;
    }

    @Override
    public void userFault(long icount, UserFault fault) {
        Row r = row(fault.pid(), icount);
        timeline.add(new ProcessEvent(icount, fault.pid(), r.name, ProcessEvent.Kind.FAULT, fault.describe()));
    }

    @Override
    public void exited(long icount, int pid, int status, UserFault fault) {
        Row r = row(pid, icount);
        r.status = status;
        r.fault = fault;
        ProcessInfo shown = info(pid, r);
        timeline.add(new ProcessEvent(icount, pid, r.name, ProcessEvent.Kind.EXIT, shown.ending()));
    }

    @Override
    public void ranInUser(int pid, long from, long to) {
        Row r = row(pid, to);
        r.user += to - from;
    }

    private Row row(int pid, long icount) {
        Row r = rows.get(pid);
        if (r == null) {
            created(icount, pid, 0, "?");
            r = rows.get(pid);
        }
        r.last = Math.max(r.last, icount);
        return r;
    }

    /** Every process seen, by pid. */
    public List<ProcessInfo> processes() {
        List<ProcessInfo> out = new ArrayList<>();
        for (Map.Entry<Integer, Row> e : rows.entrySet()) out.add(info(e.getKey(), e.getValue()));
        return out;
    }

    /** Every system call and life event, in the order described in the class comment. */
    public List<HistoryEntry> timeline() {
        return Collections.unmodifiableList(timeline);
    }

    /** The system calls of the timeline. */
    public List<SyscallRecord> syscalls() {
        List<SyscallRecord> out = new ArrayList<>();
        for (HistoryEntry e : timeline) if (e instanceof SyscallRecord s) out.add(s);
        return out;
    }

    private static ProcessInfo info(int pid, Row r) {
        return new ProcessInfo(pid, r.ppid, r.name, r.first, r.last, r.user, r.syscalls, r.status, r.fault);
    }
}
