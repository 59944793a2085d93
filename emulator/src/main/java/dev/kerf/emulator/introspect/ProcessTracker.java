package dev.kerf.emulator.introspect;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.Cr3Hook;
import dev.kerf.emulator.hook.Hooks;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.PrivilegeHook;

import java.util.Map;
import java.util.TreeMap;

/**
 * Follows the guest's processes from three cheap hooks (no instruction or memory hook): interrupt
 * delivery, privilege changes and CR3 writes, reading the kernel's process table through a
 * {@link GuestProfile}.
 *
 * <ul>
 * <li>A system call starts at the delivery of the syscall vector from CPL 3 (number and
 *     arguments from the registers) and ends at the next return to CPL 3 <em>of the same
 *     process</em>: a call may block while others run, so pending calls are kept per pid. The
 *     result is the result register after that return. exit never returns. A successful execve
 *     returns into the new image (its name is read again then).</li>
 * <li>The process table is scanned on every CR3 write and every system call return: new pids are
 *     creations (with the parent at first sight: the kernel reparents orphans later), zombies are
 *     exits with their wait status. A process the kernel ends inside a call (a pending kill) has
 *     its call finished with the result the kernel stored in its trap frame.</li>
 * <li>A context switch is a CR3 write that loads the current process's page directory for a pid
 *     other than the last one switched to.</li>
 * <li>User instructions are counted exactly from icount deltas: from the return to CPL 3 (the
 *     IRET itself counts as kernel) to the next trap, an INT n counting as user, a faulting
 *     instruction not at all (it did not retire).</li>
 * </ul>
 * Call {@link #finish} after the run: it closes the last user stretch, scans once more, and
 * reports a process that made the exit call but whose kernel stopped the machine first (init),
 * and the calls still in progress.
 */
public final class ProcessTracker implements InterruptHook, PrivilegeHook, Cr3Hook {
    private final GuestProfile profile;
    private final GuestMemory memory;
    private final ProcessListener listener;
    private final SyscallDecoder decoder;
    private final Map<Integer, Tracked> procs = new TreeMap<>();
    private int runningPid = -1;
    private int userPid = -1;
    /** icount after the return to CPL 3 retired: the stretch's first user instruction. */
    private long userSince;
    /** icount after the last user instruction of the stretch, noted at the delivery that ends it (-1: none). */
    private long userEnd = -1;

    /** What the tracker remembers of one pid. */
    private static final class Tracked {
        String name;
        SyscallRecord pending;
        UserFault fault;
        boolean exited;
        long userInstructions;

        Tracked(String name) {
            this.name = name;
        }
    }

    public ProcessTracker(GuestProfile profile, GuestMemory memory, ProcessListener listener) {
        this.profile = profile;
        this.memory = memory;
        this.listener = listener;
        this.decoder = new SyscallDecoder(memory);
    }

    /** Registers the three hooks on a CPU. */
    public void attach(Hooks hooks) {
        hooks.add((InterruptHook) this);
        hooks.add((PrivilegeHook) this);
        hooks.add((Cr3Hook) this);
    }

    /** The pid running in user mode now, or -1 while the CPU is in the kernel. */
    public int userPid() {
        return userPid;
    }

    /** The process's name as the tracker knows it now (null for an unknown pid). */
    public String nameOf(int pid) {
        Tracked t = procs.get(pid);
        return t == null ? null : t.name;
    }

    /** User-mode instructions the process has retired so far (0 for an unknown pid). */
    public long userInstructions(int pid) {
        Tracked t = procs.get(pid);
        return t == null ? 0 : t.userInstructions;
    }

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (cpu.cpl != 3) return;
        // INT n retires in user mode; a fault does not retire, and an external interrupt comes between instructions
        userEnd = cpu.icount + (source == Source.SOFTWARE ? 1 : 0);
        int pid = currentPid();
        if (pid < 0) return;
        Tracked t = known(cpu.icount, pid);
        if (source == Source.SOFTWARE && vector == profile.syscallVector()) {
            enter(cpu, pid, t);
        } else if (source == Source.EXCEPTION) {
            t.fault = new UserFault(cpu.icount, pid, vector, errorCode, cpu.eip,
                    vector == UserFault.PAGE_FAULT ? cpu.cr2 : 0);
            listener.userFault(cpu.icount, t.fault);
        }
    }

    private void enter(Cpu cpu, int pid, Tracked t) {
        int nr = cpu.reg[profile.syscallNumberRegister()];
        int[] regs = profile.syscallArgumentRegisters();
        int[] args = new int[regs.length];
        for (int i = 0; i < regs.length; i++) args[i] = cpu.reg[regs[i]];
        String[] strings = decoder.atEntry(cpu.cr3, nr, args);
        SyscallRecord call = new SyscallRecord(pid, t.name, nr, args, cpu.icount, -1, false, 0, strings);
        t.pending = call;
        listener.syscallEntered(cpu.icount, call);
    }

    @Override
    public void privilegeChanged(Cpu cpu, int fromCpl, int toCpl) {
        if (fromCpl == 3 && toCpl != 3) {
            endUserStretch(userEnd >= 0 ? userEnd : cpu.icount);
            userEnd = -1;
            return;
        }
        if (toCpl != 3) return;
        int pid = currentPid();
        if (pid < 0) return;
        Tracked t = known(cpu.icount, pid);
        t.fault = null; // back in user mode: whatever faulted was resolved (stack growth)
        SyscallRecord call = t.pending;
        if (call != null) {
            t.pending = null;
            int result = cpu.reg[profile.syscallResultRegister()];
            finishCall(cpu.icount, t, call, result, decoder.atReturn(cpu.cr3, call, result));
            scan(cpu.icount);
        }
        userPid = pid;
        userSince = cpu.icount + 1; // the IRET that got here retires as a kernel instruction
    }

    private void finishCall(long icount, Tracked t, SyscallRecord call, int result, String[] strings) {
        SyscallRecord done = new SyscallRecord(call.pid(), call.name(), call.nr(), call.args(), call.entryIcount(),
                icount, true, result, strings);
        listener.syscallReturned(icount, done);
        if (profile.isExecCall(call.nr()) && result == 0) {
            String now = nameOfPid(call.pid());
            if (now != null && !now.equals(t.name)) {
                String old = t.name;
                t.name = now;
                listener.execed(icount, call.pid(), old, now);
            }
            return;
        }
        GuestProcess cur = profile.current(memory); // the caller, back in user mode: did the call rename it?
        if (cur != null && cur.pid() == call.pid() && !cur.name().equals(t.name)) {
            String old = t.name;
            t.name = cur.name();
            listener.renamed(icount, call.pid(), old, cur.name());
        }
    }

    private void endUserStretch(long icount) {
        if (userPid < 0) return;
        Tracked t = procs.get(userPid);
        if (t != null) t.userInstructions += icount - userSince;
        listener.ranInUser(userPid, userSince, icount);
        userPid = -1;
    }

    @Override
    public void cr3Written(Cpu cpu, int oldCr3, int newCr3) {
        scan(cpu.icount);
        GuestProcess cur = profile.current(memory);
        if (cur == null || cur.cr3() != newCr3) return;
        int pid = cur.pid();
        if (pid == runningPid) return;
        Tracked t = known(cpu.icount, cur);
        runningPid = pid;
        listener.switchedTo(cpu.icount, pid, t.name);
    }

    /** Ends the observation at the CPU's current state (see the class comment). */
    public void finish(Cpu cpu) {
        if (cpu.cpl == 3) endUserStretch(cpu.icount);
        scan(cpu.icount);
        for (Map.Entry<Integer, Tracked> e : procs.entrySet()) {
            Tracked t = e.getValue();
            if (t.exited || t.pending == null) continue;
            if (profile.isExitCall(t.pending.nr())) {
                t.exited = true;
                listener.exited(cpu.icount, e.getKey(), profile.exitStatusOf(t.pending.nr(), t.pending.args()), null);
            } else {
                listener.syscallUnfinished(cpu.icount, t.pending);
            }
        }
    }

    /** Compares the process table with what is known: creations, exits. */
    private void scan(long icount) {
        for (GuestProcess p : profile.processes(memory)) {
            Tracked t = known(icount, p);
            if (p.zombie() && !t.exited) exit(icount, p, t);
        }
    }

    private void exit(long icount, GuestProcess p, Tracked t) {
        t.exited = true;
        SyscallRecord call = t.pending;
        if (call != null && !profile.isExitCall(call.nr())) { // ended inside a call: the kernel saved its result
            t.pending = null;
            finishCall(icount, t, call, profile.interruptedCallResult(memory, p), call.strings());
        }
        listener.exited(icount, p.pid(), p.exitStatus(), t.fault);
    }

    private Tracked known(long icount, int pid) {
        Tracked t = procs.get(pid);
        if (t != null) return t;
        GuestProcess p = processOf(pid);
        return p == null ? learn(icount, pid, 0, "?") : known(icount, p);
    }

    private Tracked known(long icount, GuestProcess p) {
        Tracked t = procs.get(p.pid());
        if (t != null) return t;
        return learn(icount, p.pid(), p.ppid(), p.name());
    }

    private Tracked learn(long icount, int pid, int ppid, String name) {
        Tracked t = new Tracked(name);
        procs.put(pid, t);
        listener.created(icount, pid, ppid, name);
        return t;
    }

    /** The pid of the kernel's current process, or -1 when there is none. */
    private int currentPid() {
        return profile.currentPid(memory);
    }

    private GuestProcess processOf(int pid) {
        for (GuestProcess p : profile.processes(memory)) {
            if (p.pid() == pid) return p;
        }
        return null;
    }

    private String nameOfPid(int pid) {
        GuestProcess p = processOf(pid);
        return p == null ? null : p.name();
    }
}
