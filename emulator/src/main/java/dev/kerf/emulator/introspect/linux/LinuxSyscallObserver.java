package dev.kerf.emulator.introspect.linux;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.Hooks;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.PrivilegeHook;
import dev.kerf.emulator.introspect.GuestMemory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sees the i386 Linux system calls of every user process from outside the guest, with two cheap
 * hooks (interrupt delivery and privilege change: no instruction or memory hook) and nothing from
 * the kernel but its ABI: no symbols, no structure offsets.
 *
 * <p><b>Pairing.</b> Every entry to the kernel from CPL 3 (the {@code int $0x80}, an exception, an
 * external interrupt) is kept as pending under its key: CR3, user ESP and the user EIP it returns
 * to. Every return to CPL 3 is explained, in this order:
 * <ol>
 * <li>the key of a pending entry: that entry returns (a system call with EAX as its result) —
 *     except the first EAX=0 return at the key of a pending vfork (or clone sharing memory and
 *     stack), which is the child;</li>
 * <li>two bytes before a pending call's EIP, at {@code int $0x80}: the kernel rewound the call to
 *     restart it after a signal ({@link LinuxCall.Outcome#RESTARTED});</li>
 * <li>EAX=0 at the EIP and child stack of a fork/vfork/clone/clone3 whose child has not appeared,
 *     in a new address space (or the same one for CLONE_VM): the child's first return;</li>
 * <li>EAX=0 in an address space other than a pending execve's caller's, on a fresh process stack
 *     (argc, argv, NULL): that execve succeeded (with several pending, the one whose path is the
 *     stack's AT_EXECFN);</li>
 * <li>two bytes after an {@code int $0x80}: a call entered before the recording began
 *     ({@link LinuxCall.Outcome#RESUMED}, number unknown);</li>
 * <li>EAX equal to the first argument on the new frame, 1..64: a signal handler;</li>
 * <li>anything else (an interrupt taken before the recording began) is counted, not shown.</li>
 * </ol>
 * A sigreturn never returns to its caller: it ends at the return that matches the context it
 * restores. exit and exit_group end at entry. A thread is identified inside its address space by
 * its stack: the one not in the kernel whose last user ESP is nearest.
 *
 * <p>Limits: a process killed by a signal makes no call, so it is seen to end only when its page
 * directory is given to a new process; the number of a call pending at the start is lost (its
 * arguments are those the kernel preserved). Deterministic: lists in icount order, maps in
 * insertion order.
 */
public final class LinuxSyscallObserver implements InterruptHook, PrivilegeHook {
    public static final int SYSCALL_VECTOR = 0x80;
    static final int CLONE_VM = 0x100, CLONE_VFORK = 0x4000, CLONE_THREAD = 0x10000;
    private static final int AT_EXECFN = 31;
    private static final int MAX_PATH = 4096, MAX_ARGV = 1024;
    /** sizeof(struct user_desc): entry_number, base_addr, limit, the flag bits */
    static final int USER_DESC = 16;

    private final LinuxSyscalls table;
    private final GuestMemory memory;
    private final int captureLimit;
    private final Map<Key, Pending> pending = new LinkedHashMap<>();
    private final List<Pending> unclaimedChildren = new ArrayList<>();
    private final List<LinuxTask> tasks = new ArrayList<>();
    private final List<LinuxCall> calls = new ArrayList<>();
    private final List<LinuxSignal> signals = new ArrayList<>();
    private long syscallsEntered, userEntries, unexplainedReturns;

    record Key(int cr3, int esp, int eip) {
    }

    /** A kernel entry from user mode awaiting its return. */
    static final class Pending {
        final Key key;
        final LinuxTask task;
        final boolean syscall;
        final long icount;
        int nr;
        int[] args;
        byte[][] data;
        List<String> argv;
        LinuxSyscalls.Call call;
        /** fork-likes: where the child appears */
        boolean childSharesMemory;
        int childEsp;
        LinuxTask child;
        boolean parentReturned;
        int parentResult;

        Pending(Key key, LinuxTask task, boolean syscall, long icount) {
            this.key = key;
            this.task = task;
            this.syscall = syscall;
            this.icount = icount;
        }
    }

    /**
     * Hears what the observer learns as it learns it, on the machine thread (for a tool that streams
     * its output or builds a timeline). A task's ids may still be learnt after it was reported.
     */
    public interface Listener {
        /** A call ended (returned, exec'd, exited, restarted) or was found unfinished. */
        default void callEnded(LinuxCall call) { }

        default void signalDelivered(LinuxSignal signal) { }

        /** First sight of a task: a fork/clone child, or one alive at the start making its first move. */
        default void taskAppeared(LinuxTask task) { }

        /** The task ended as {@link LinuxTask#end()} says. */
        default void taskEnded(LinuxTask task) { }
    }

    private final Listener listener;

    /** @param captureLimit the most bytes kept of one string or buffer argument */
    public LinuxSyscallObserver(LinuxSyscalls table, GuestMemory memory, int captureLimit) {
        this(table, memory, captureLimit, new Listener() { });
    }

    public LinuxSyscallObserver(LinuxSyscalls table, GuestMemory memory, int captureLimit, Listener listener) {
        if (captureLimit < 0) throw new IllegalArgumentException("captureLimit < 0: " + captureLimit);
        this.table = table;
        this.memory = memory;
        this.captureLimit = captureLimit;
        this.listener = listener;
    }

    /** Registers the two hooks. */
    public void attach(Hooks hooks) {
        hooks.add((InterruptHook) this);
        hooks.add((PrivilegeHook) this);
    }

    public LinuxSyscalls table() { return table; }

    /** The calls seen so far, by entry icount (calls resumed from before the start first). */
    public List<LinuxCall> calls() {
        List<LinuxCall> sorted = new ArrayList<>(calls);
        sorted.sort(Comparator.comparingLong(LinuxCall::entryIcount).thenComparingLong(LinuxCall::exitIcount));
        return sorted;
    }

    public List<LinuxSignal> signals() { return List.copyOf(signals); }

    /** Every task seen, by first sight. */
    public List<LinuxTask> tasks() { return List.copyOf(tasks); }

    public long syscallsEntered() { return syscallsEntered; }

    /** Kernel entries from user mode of every kind (system calls, exceptions, interrupts). */
    public long userEntries() { return userEntries; }

    /** Returns to user mode that no entry explains (interrupts pending since before the start). */
    public long unexplainedReturns() { return unexplainedReturns; }

    // ---- entries ------------------------------------------------------------------------------

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (cpu.cpl != 3) return;
        userEntries++;
        Key key = new Key(cpu.cr3, cpu.reg[Cpu.ESP], cpu.eip);
        LinuxTask task = runningTask(key.cr3(), key.esp(), cpu.icount);
        task.lastEsp = key.esp();
        if (source == Source.SOFTWARE && vector == SYSCALL_VECTOR) {
            enter(cpu, key, task);
            return;
        }
        if (source == Source.EXCEPTION) {
            task.faultVector = vector;
            task.faultEip = cpu.eip;
            task.faultCr2 = vector == 14 ? cpu.cr2 : 0;
        }
        Pending p = new Pending(key, task, false, cpu.icount);
        pending.put(key, p);
        task.inKernel = p;
    }

    private void enter(Cpu cpu, Key key, LinuxTask task) {
        syscallsEntered++;
        Pending p = new Pending(key, task, true, cpu.icount);
        p.nr = cpu.reg[Cpu.EAX];
        p.args = new int[] {cpu.reg[Cpu.EBX], cpu.reg[Cpu.ECX], cpu.reg[Cpu.EDX], cpu.reg[Cpu.ESI],
                cpu.reg[Cpu.EDI], cpu.reg[Cpu.EBP]};
        p.call = table.get(p.nr);
        p.data = new byte[LinuxSyscalls.MAX_ARGS][];
        if (p.call != null) readAtEntry(p);
        LinuxSyscalls.Effect effect = p.call == null ? LinuxSyscalls.Effect.NONE : p.call.effect();
        switch (effect) {
            case EXIT_GROUP, EXIT_THREAD -> {
                exit(p, effect, cpu.icount);
                return;
            }
            case SIGRETURN -> task.sigreturn = p;
            case FORK, VFORK, CLONE, CLONE3 -> expectChild(p, effect);
            default -> { }
        }
        pending.put(key, p);
        task.inKernel = p;
    }

    private void expectChild(Pending p, LinuxSyscalls.Effect effect) {
        p.childEsp = p.key.esp();
        switch (effect) {
            case VFORK -> p.childSharesMemory = true;
            case CLONE -> {
                p.childSharesMemory = (p.args[0] & CLONE_VM) != 0;
                if (p.args[1] != 0) p.childEsp = p.args[1];
            }
            case CLONE3 -> {
                byte[] a = memory.virtualBytes(p.key.cr3(), p.args[0], 56);
                if (a == null || a.length < 56) return; // unreadable: its child will not be recognised
                p.childSharesMemory = (le32(a, 0) & CLONE_VM) != 0;
                int stack = le32(a, 40), size = le32(a, 48);
                if (stack != 0) p.childEsp = stack + size;
            }
            default -> { }
        }
        unclaimedChildren.add(p);
    }

    private void exit(Pending p, LinuxSyscalls.Effect effect, long icount) {
        LinuxTask t = p.task;
        record(p, icount, LinuxCall.Outcome.NO_RETURN, 0);
        if (effect == LinuxSyscalls.Effect.EXIT_GROUP && !t.vforkChild) {
            for (LinuxTask o : tasks) {
                if (o != t && o.alive() && o.cr3 == t.cr3 && !o.vforkChild) end(o, LinuxTask.End.EXIT_GROUP, p.args[0] & 0xFF, icount);
            }
        }
        end(t, effect == LinuxSyscalls.Effect.EXIT_GROUP ? LinuxTask.End.EXIT_GROUP : LinuxTask.End.EXIT, p.args[0] & 0xFF, icount);
    }

    private void end(LinuxTask t, LinuxTask.End how, int status, long icount) {
        t.end = how;
        t.exitStatus = status;
        t.endIcount = icount;
        // its pending entries never return: drop them so a later process with this page directory is not confused
        Iterator<Pending> it = pending.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (p.task != t) continue;
            it.remove();
            if (p.syscall && p.call != null && p.call.effect() != LinuxSyscalls.Effect.SIGRETURN) {
                record(p, -1, LinuxCall.Outcome.UNFINISHED, 0);
            }
        }
        t.inKernel = null;
        t.sigreturn = null;
        unclaimedChildren.removeIf(p -> p.task == t && p.child == null && p.parentReturned);
        listener.taskEnded(t);
    }

    // ---- returns ------------------------------------------------------------------------------

    @Override
    public void privilegeChanged(Cpu cpu, int fromCpl, int toCpl) {
        if (toCpl != 3 || fromCpl == 3) return;
        Key key = new Key(cpu.cr3, cpu.reg[Cpu.ESP], cpu.eip);
        int eax = cpu.reg[Cpu.EAX];
        long icount = cpu.icount;
        Pending p = pending.get(key);
        if (p != null) {
            if (p.syscall && p.childSharesMemory && p.child == null && eax == 0 && p.childEsp == key.esp()) {
                childAppears(p, key, icount); // the vfork child comes back first, at the parent's own key
                return;
            }
            pending.remove(key);
            returned(p, eax, icount);
            return;
        }
        Pending rewound = pending.get(new Key(key.cr3(), key.esp(), key.eip() + 2));
        if (rewound != null && rewound.syscall && isInt80(key.cr3(), key.eip())) {
            pending.remove(rewound.key);
            record(rewound, icount, LinuxCall.Outcome.RESTARTED, eax);
            resumeUser(rewound.task, eax, icount);
            return;
        }
        if (eax == 0 && claimChild(key, icount)) return;
        if (eax == 0 && execReturned(key, icount)) return;
        if (isInt80(key.cr3(), key.eip() - 2)) { // before the signal test: a handler does not start after an int $0x80
            resumedFromBeforeTheStart(cpu, key, eax, icount);
            return;
        }
        if (eax >= 1 && eax <= 64 && memory.virtualU32(key.cr3(), key.esp() + 4) == eax) {
            signalHandler(key, eax, icount);
            return;
        }
        unexplainedReturns++;
    }

    private void returned(Pending p, int eax, long icount) {
        LinuxTask t = p.task;
        if (p.syscall) {
            readAtReturn(p, eax);
            record(p, icount, LinuxCall.Outcome.RETURNED, eax);
            learnIds(p, eax);
        }
        resumeUser(t, eax, icount);
    }

    /** The task runs user code again: a sigreturn that restored this context has ended. */
    private void resumeUser(LinuxTask t, int eax, long icount) {
        t.inKernel = null;
        if (t.sigreturn != null) {
            Pending s = t.sigreturn;
            t.sigreturn = null;
            pending.remove(s.key);
            record(s, icount, LinuxCall.Outcome.RETURNED, eax);
        }
    }

    private void learnIds(Pending p, int eax) {
        LinuxTask t = p.task;
        if (p.call == null || eax < 0) {
            if (p.call != null && unclaimedChildren.contains(p) && eax < 0) unclaimedChildren.remove(p);
            return;
        }
        if (p.call.pidOfCaller()) {
            t.pid = eax;
            if (t.leader == null && t.tid < 0) t.tid = eax;
        }
        if (p.call.tidOfCaller()) {
            t.tid = eax;
            if (t.leader == null && t.pid < 0) t.pid = eax;
        }
        switch (p.call.effect()) {
            case FORK, VFORK, CLONE, CLONE3 -> {
                p.parentReturned = true;
                p.parentResult = eax;
                if (p.child != null) {
                    childIds(p.child, eax);
                    unclaimedChildren.remove(p);
                }
            }
            default -> { }
        }
    }

    private static void childIds(LinuxTask child, int id) {
        child.tid = id;
        if (child.leader == null) child.pid = id;
    }

    private boolean claimChild(Key key, long icount) {
        for (int i = unclaimedChildren.size() - 1; i >= 0; i--) {
            Pending p = unclaimedChildren.get(i);
            if (p.child != null || p.key.eip() != key.eip() || p.childEsp != key.esp()) continue;
            if (p.childSharesMemory != (p.task.cr3 == key.cr3())) continue;
            childAppears(p, key, icount);
            return true;
        }
        return false;
    }

    private void childAppears(Pending p, Key key, long icount) {
        if (!p.childSharesMemory) addressSpaceIsNew(key.cr3(), icount);
        LinuxTask child = newTask(p.task, key.cr3(), icount);
        child.lastEsp = key.esp();
        child.exe = p.task.exe;
        boolean thread = p.call.effect() == LinuxSyscalls.Effect.CLONE && (p.args[0] & CLONE_THREAD) != 0;
        if (thread) child.leader = p.task.leader != null ? p.task.leader : p.task;
        child.vforkChild = p.childSharesMemory && !thread
                && (p.call.effect() == LinuxSyscalls.Effect.VFORK || (p.args[0] & CLONE_VFORK) != 0 || p.childEsp == p.key.esp());
        p.child = child;
        if (p.parentReturned) {
            childIds(child, p.parentResult);
            unclaimedChildren.remove(p);
        }
        listener.taskAppeared(child);
    }

    /** A new process got page directory {@code cr3}: whoever had it before is gone. */
    private void addressSpaceIsNew(int cr3, long icount) {
        for (LinuxTask t : tasks) {
            if (t.alive() && t.cr3 == cr3) end(t, LinuxTask.End.ADDRESS_SPACE_REUSED, -1, icount);
        }
    }

    private boolean execReturned(Key key, long icount) {
        List<Pending> candidates = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (p.syscall && p.call != null && p.call.effect() == LinuxSyscalls.Effect.EXEC && p.task.cr3 != key.cr3()) candidates.add(p);
        }
        if (candidates.isEmpty()) return false;
        NewStack stack = NewStack.read(memory, key.cr3(), key.esp(), captureLimit);
        if (stack == null) return false;
        Pending p = candidates.get(0);
        for (Pending c : candidates) {
            if (stack.execfn() != null && stack.execfn().equals(pathOf(c))) {
                p = c;
                break;
            }
        }
        pending.remove(p.key);
        LinuxTask t = p.task;
        if (p.argv == null) p.argv = stack.argv();
        int pathArg = p.call.kinds().indexOf('s');
        if (pathArg >= 0 && p.data[pathArg] == null && stack.execfn() != null) { // not yet paged in at entry: AT_EXECFN is the same string
            p.data[pathArg] = stack.execfn().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        record(p, icount, LinuxCall.Outcome.EXECED, 0);
        int oldCr3 = t.cr3;
        addressSpaceIsNew(key.cr3(), icount);
        if (!t.vforkChild) {
            for (LinuxTask o : tasks) {
                if (o != t && o.alive() && o.cr3 == oldCr3 && !o.vforkChild) end(o, LinuxTask.End.EXEC_BY_OTHER_THREAD, -1, icount);
            }
        }
        t.cr3 = key.cr3();
        t.vforkChild = false;
        t.lastEsp = key.esp();
        String path = pathOf(p);
        t.exe = path != null ? path : stack.execfn();
        resumeUser(t, 0, icount);
        return true;
    }

    private String pathOf(Pending p) {
        int i = p.call.kinds().indexOf('s');
        return i < 0 || p.data[i] == null ? null : GuestMemory.latin1(p.data[i]);
    }

    private void signalHandler(Key key, int sig, long icount) {
        // the thread interrupted in this address space whose entry is nearest above the new frame
        LinuxTask best = null;
        long bestGap = Long.MAX_VALUE;
        for (LinuxTask t : tasks) {
            if (!t.alive() || t.cr3 != key.cr3() || t.inKernel == null) continue;
            long gap = Integer.toUnsignedLong(t.inKernel.key.esp()) - Integer.toUnsignedLong(key.esp());
            if (gap >= 0 && gap < bestGap) {
                bestGap = gap;
                best = t;
            }
        }
        if (best == null) best = runningTask(key.cr3(), key.esp(), icount);
        best.inKernel = null;
        best.lastEsp = key.esp();
        LinuxSignal signal = new LinuxSignal(best, sig, icount, key.eip());
        signals.add(signal);
        listener.signalDelivered(signal);
    }

    private void resumedFromBeforeTheStart(Cpu cpu, Key key, int eax, long icount) {
        LinuxTask t = runningTask(key.cr3(), key.esp(), icount);
        t.lastEsp = key.esp();
        int[] args = {cpu.reg[Cpu.EBX], cpu.reg[Cpu.ECX], cpu.reg[Cpu.EDX], cpu.reg[Cpu.ESI], cpu.reg[Cpu.EDI], cpu.reg[Cpu.EBP]};
        LinuxCall call = new LinuxCall(t, key.cr3(), key.eip(), key.esp(), -1, args, -1, icount, LinuxCall.Outcome.RESUMED, eax,
                new byte[LinuxSyscalls.MAX_ARGS][], null);
        calls.add(call);
        listener.callEnded(call);
    }

    // ---- tasks --------------------------------------------------------------------------------

    /** The task making a kernel entry at {@code esp} in {@code cr3}: one not already in the kernel, nearest stack. */
    private LinuxTask runningTask(int cr3, int esp, long icount) {
        LinuxTask best = null;
        long bestGap = Long.MAX_VALUE;
        for (LinuxTask t : tasks) {
            if (!t.alive() || t.cr3 != cr3 || t.inKernel != null) continue;
            long gap = Math.abs(Integer.toUnsignedLong(t.lastEsp) - Integer.toUnsignedLong(esp));
            if (gap < bestGap) {
                bestGap = gap;
                best = t;
            }
        }
        if (best != null) return best;
        LinuxTask t = newTask(null, cr3, icount);
        listener.taskAppeared(t);
        return t;
    }

    private LinuxTask newTask(LinuxTask parent, int cr3, long icount) {
        LinuxTask t = new LinuxTask(tasks.size() + 1, parent, cr3, icount);
        tasks.add(t);
        return t;
    }

    // ---- memory arguments ---------------------------------------------------------------------

    private void readAtEntry(Pending p) {
        String kinds = p.call.kinds();
        int cr3 = p.key.cr3();
        for (int i = 0; i < kinds.length(); i++) {
            int a = p.args[i];
            switch (kinds.charAt(i)) {
                case 's' -> p.data[i] = cString(cr3, a, MAX_PATH);
                case 'b' -> p.data[i] = buffer(cr3, a, i + 1 < p.args.length ? p.args[i + 1] : 0);
                case 't' -> p.data[i] = a == 0 ? null : exact(cr3, a, 8);
                case 'v' -> p.argv = stringArray(cr3, a);
                case 'e' -> p.data[i] = a == 0 ? null : le(countArray(cr3, a));
                case 'U' -> p.data[i] = a == 0 ? null : exact(cr3, a, USER_DESC);
                default -> { }
            }
        }
    }

    private void readAtReturn(Pending p, int result) {
        if (p.call == null) return;
        String kinds = p.call.kinds();
        int cr3 = p.key.cr3();
        for (int i = 0; i < kinds.length(); i++) {
            int a = p.args[i];
            switch (kinds.charAt(i)) {
                case 'B' -> p.data[i] = result >= 0 ? buffer(cr3, a, result) : null;
                case 'w' -> p.data[i] = a != 0 && result > 0 ? exact(cr3, a, 4) : null;
                case 's' -> { if (p.data[i] == null) p.data[i] = cString(cr3, a, MAX_PATH); } // a page faulted in by the call
                case 'L' -> p.data[i] = a != 0 && result == 0 ? exact(cr3, a, 8) : null;
                case 'T' -> p.data[i] = a != 0 && result == 0 ? exact(cr3, a, 16) : null;
                case 'U' -> { // the entry number the kernel chose, after the 16 bytes read at entry
                    byte[] now = p.data[i] != null && result == 0 ? exact(cr3, a, 4) : null;
                    if (now != null) p.data[i] = concat(p.data[i], now);
                }
                default -> { }
            }
        }
    }

    private byte[] cString(int cr3, int va, int max) {
        if (va == 0) return null;
        String s = memory.virtualCString(cr3, va, Math.min(max, captureLimit));
        return s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private byte[] buffer(int cr3, int va, int length) {
        if (length < 0) return null;
        int n = Math.min(length, captureLimit);
        if (n == 0) return new byte[0];
        byte[] b = memory.virtualBytes(cr3, va, n);
        return b == null || b.length < n ? null : b;
    }

    private byte[] exact(int cr3, int va, int n) {
        byte[] b = memory.virtualBytes(cr3, va, n);
        return b == null || b.length < n ? null : b;
    }

    private List<String> stringArray(int cr3, int va) {
        if (va == 0) return null;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < MAX_ARGV; i++) {
            byte[] ptr = exact(cr3, va + 4 * i, 4);
            if (ptr == null) return null;
            int s = le32(ptr, 0);
            if (s == 0) return out;
            byte[] str = cString(cr3, s, MAX_PATH);
            if (str == null) return null;
            out.add(GuestMemory.latin1(str));
        }
        return out;
    }

    private int countArray(int cr3, int va) {
        for (int i = 0; i < MAX_ARGV; i++) {
            byte[] ptr = exact(cr3, va + 4 * i, 4);
            if (ptr == null || le32(ptr, 0) == 0) return i;
        }
        return MAX_ARGV;
    }

    private boolean isInt80(int cr3, int va) {
        byte[] b = memory.virtualBytes(cr3, va, 2);
        return b != null && b.length == 2 && (b[0] & 0xFF) == 0xCD && (b[1] & 0xFF) == SYSCALL_VECTOR;
    }

    static int le32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] le(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    private void record(Pending p, long exitIcount, LinuxCall.Outcome outcome, int result) {
        LinuxCall call = new LinuxCall(p.task, p.key.cr3(), p.key.eip(), p.key.esp(), p.nr, p.args, p.icount, exitIcount,
                outcome, result, p.data, p.argv);
        calls.add(call);
        listener.callEnded(call);
    }

    /** Ends the observation: the calls still in the kernel are recorded as UNFINISHED. */
    public void finish(Cpu cpu) {
        finish();
    }

    /** As {@link #finish(Cpu)}: it needs nothing from the CPU (the calls in the kernel are known). */
    public void finish() {
        for (Pending p : pending.values()) {
            if (p.syscall) record(p, -1, LinuxCall.Outcome.UNFINISHED, 0);
        }
        pending.clear();
    }

    /** A process stack as execve leaves it: argc, argv[], NULL, envp[], NULL, auxv pairs. */
    private record NewStack(List<String> argv, String execfn) {
        static NewStack read(GuestMemory m, int cr3, int esp, int limit) {
            int argc = m.virtualU32(cr3, esp);
            if (argc < 0 || argc > MAX_ARGV) return null;
            byte[] words = m.virtualBytes(cr3, esp + 4, 4 * (argc + 1));
            if (words == null || words.length < 4 * (argc + 1) || le32(words, 4 * argc) != 0) return null;
            List<String> argv = new ArrayList<>();
            for (int i = 0; i < argc; i++) {
                String s = m.virtualCString(cr3, le32(words, 4 * i), Math.min(MAX_PATH, limit));
                if (s == null) return null;
                argv.add(s);
            }
            int at = esp + 4 * (argc + 2);
            for (int i = 0; i < MAX_ARGV && m.virtualU32(cr3, at) != 0; i++) at += 4; // envp
            at += 4;
            String execfn = null;
            for (int i = 0; i < 64; i++, at += 8) {
                int type = m.virtualU32(cr3, at);
                if (type == 0) break;
                if (type == AT_EXECFN) execfn = m.virtualCString(cr3, m.virtualU32(cr3, at + 4), MAX_PATH);
            }
            return new NewStack(argv, execfn);
        }
    }
}
