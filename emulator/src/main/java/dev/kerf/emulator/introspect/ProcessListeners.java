package dev.kerf.emulator.introspect;

import java.util.List;

/** Several {@link ProcessListener}s as one, called in the given order (the tracker takes one listener). */
public final class ProcessListeners implements ProcessListener {
    private final List<ProcessListener> all;

    public ProcessListeners(List<ProcessListener> all) {
        this.all = List.copyOf(all);
    }

    @Override public void created(long icount, int pid, int ppid, String name) { for (var l : all) l.created(icount, pid, ppid, name); }
    @Override public void switchedTo(long icount, int pid, String name) { for (var l : all) l.switchedTo(icount, pid, name); }
    @Override public void syscallEntered(long icount, SyscallRecord call) { for (var l : all) l.syscallEntered(icount, call); }
    @Override public void syscallReturned(long icount, SyscallRecord call) { for (var l : all) l.syscallReturned(icount, call); }
    @Override public void syscallUnfinished(long icount, SyscallRecord call) { for (var l : all) l.syscallUnfinished(icount, call); }
    @Override public void execed(long icount, int pid, String oldName, String newName) { for (var l : all) l.execed(icount, pid, oldName, newName); }
    @Override public void renamed(long icount, int pid, String oldName, String newName) { for (var l : all) l.renamed(icount, pid, oldName, newName); }
    @Override public void userFault(long icount, UserFault fault) { for (var l : all) l.userFault(icount, fault); }
    @Override public void exited(long icount, int pid, int status, UserFault fault) { for (var l : all) l.exited(icount, pid, status, fault); }
    @Override public void ranInUser(int pid, long from, long to) { for (var l : all) l.ranInUser(pid, from, to); }
}
