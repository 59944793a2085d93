package dev.kerf.emulator.introspect.linux;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.Cr3Hook;
import dev.kerf.emulator.hook.Hooks;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.PrivilegeHook;
import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.IntrospectionException;
import dev.kerf.emulator.mmu.PhysicalMemory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds an i386 Linux kernel's task layout ({@link LinuxTaskLayout}) during a replay, from the
 * system-call ABI alone: no symbols, no debug info, KASLR or not (docs/linux.md, "Processes
 * without debug info"). Three cheap hooks (interrupt delivery, privilege changes, CR3 writes) see
 * each {@code int 0x80} from user mode and its return to the same task; a task is identified by
 * its kernel stack (the TSS's ring-1 ESP, where i386 Linux keeps the current task's stack top).
 * What the caller is told is ground truth about the current task, and every offset is the one
 * that agrees with all such facts:
 *
 * <ul>
 * <li><b>core</b> (getpid, gettid returns): the task is a structure that points to the caller's
 *     kernel stack ({@code task->stack}) and holds the returned id twice ({@code pid, tgid}); the
 *     current-task pointer is a fixed per-cpu location holding that structure's address. RAM is
 *     searched for both; candidates are intersected over processes.</li>
 * <li><b>tasks</b>: a list_head in the task whose cycle goes through init_task (pid 0), init
 *     (pid 1) and the caller, every node a task with sane ids.</li>
 * <li><b>mm, pgd</b>: a pointer to a structure holding the page directory the caller runs with.</li>
 * <li><b>pt_regs</b>: where, from the stack's base, the caller's user EIP, ESP and the call's
 *     result are saved.</li>
 * <li><b>comm</b> (execve returns): the executed path's file name, NUL-terminated.</li>
 * <li><b>real_parent</b> (getppid returns, and fork/vfork/clone returns in the parent): a pointer
 *     to the parent's task.</li>
 * <li><b>exit_state, exit_code</b> (exit_group): a word that is 0 while the task runs and not
 *     once it is a zombie, followed by the wait status {@code (code & 0xff) << 8}.</li>
 * </ul>
 * Each is confirmed by at least {@link #NEEDED} different processes. Observation stops once all
 * are; {@link #layout()} gives the result or one line naming what could not be confirmed.
 * Deterministic: candidates are kept in sorted sets, results never depend on hash order.
 */
public final class LinuxTaskLayoutInference implements InterruptHook, PrivilegeHook, Cr3Hook {
    /** Processes that must agree on each fact. */
    public static final int NEEDED = 2;
    /** Processes whose getpid/set_tid_address is searched for before giving up on the core. */
    static final int MAX_CORE_LOOKS = 16;
    /** exit_group calls remembered until their zombie is seen. */
    static final int MAX_EXITING = 16;
    static final int THREAD_SIZE_MAX = 0x4000, STACK_FIELD_MAX = 0x100, TASK_SPAN = 0x2000, MM_SPAN = 0x400;
    private static final int NR_EXIT = 1, NR_FORK = 2, NR_EXECVE = 11, NR_GETPID = 20, NR_GETPPID = 64, NR_CLONE = 120,
            NR_VFORK = 190, NR_GETTID = 224, NR_EXIT_GROUP = 252, NR_EXECVEAT = 358, NR_PRCTL = 172, PR_SET_NAME = 15, NR_SET_TID_ADDRESS = 258, NR_WAIT4 = 114;
    /** exit_state of a zombie: EXIT_ZOMBIE is 0x20 since Linux 3.15, 0x10 before (include/linux/sched.h). */
    static final int EXIT_ZOMBIE = 0x20, EXIT_ZOMBIE_OLD = 0x10;
    private static final int CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000;

    private final PhysicalMemory ram;
    private final GuestMemory memory;
    private final Map<Integer, Call> pending = new TreeMap<>();
    private final Map<Integer, Integer> tidOfStack = new TreeMap<>();

    // the core: per-cpu base, direct map, task->stack, pid/tgid, current pointer
    private Integer pageOffset, percpuBase;
    private TreeSet<Core> cores;
    private final TreeSet<Integer> coreTgids = new TreeSet<>();
    private Core core;
    /** Current-pointer displacements still consistent, with how often each named the incoming task at a CR3 write. */
    private final TreeMap<Integer, Integer> currentAhead = new TreeMap<>();
    private final TreeMap<Integer, Integer> atCr3Write = new TreeMap<>();
    private int getpidSeen, unmatched, initTaskLooks, coreLooks;
    /** Why observation stopped early (a fact that cannot hold for this kernel), or null. */
    private String broken;
    private final TreeSet<Integer> initTasks = new TreeSet<>(Integer::compareUnsigned);

    private final Field tasks = new Field("task->tasks (the list of all tasks)");
    private final Field mm = new Field("task->mm and mm->pgd (the page directory)");
    private final Field regs = new Field("the saved user registers (pt_regs) on the kernel stack");
    private final Field comm = new Field("task->comm (needs execve calls)");
    private final Field parent = new Field("task->real_parent (needs getppid or fork calls)");
    private final Field exit = new Field("task->exit_state and exit_code (needs exit_group calls)");
    private final Field waited = new Field("task->exit_code as wait4 reports it (needs fork and wait4 calls)");
    /** Offsets that were not 0 in some task returning to user mode (exit_state is 0 in every one), and how many returns looked. */
    private final boolean[] busy = new boolean[TASK_SPAN / 4];
    private int busyLooks;
    /** Children seen at their parent's fork return: pid to task address. */
    private final Map<Integer, Integer> forked = new TreeMap<>();
    private final List<Exiting> exiting = new ArrayList<>();
    private long observations;

    /** A system call in progress: what the caller passed and where it will return. */
    private record Call(int nr, int[] args, int eip, int esp, int cr3, String path) {}

    /** A task that called exit_group: its words then, to compare with its zombie. */
    private record Exiting(int task, int tgid, int status, int[] before) {}

    /** One candidate for the core facts; ordered, so the sets iterate deterministically. */
    record Core(int offStack, int stackTop, int offPid, int currentOffset) implements Comparable<Core> {
        @Override
        public int compareTo(Core o) {
            int c = Integer.compare(offStack, o.offStack);
            if (c == 0) c = Integer.compare(stackTop, o.stackTop);
            if (c == 0) c = Integer.compare(offPid, o.offPid);
            return c != 0 ? c : Integer.compareUnsigned(currentOffset, o.currentOffset);
        }

        boolean sameTask(Core o) {
            return offStack == o.offStack && stackTop == o.stackTop && offPid == o.offPid;
        }
    }

    /** The candidates for one fact (sorted long keys) and the processes that agreed on them. */
    static final class Field {
        final String what;
        TreeSet<Long> candidates;
        final TreeSet<Integer> tgids = new TreeSet<>();
        int seen;

        Field(String what) {
            this.what = what;
        }

        void observe(int tgid, TreeSet<Long> found) {
            seen++;
            if (candidates == null) candidates = found;
            else candidates.retainAll(found);
            tgids.add(tgid);
        }

        boolean confirmed() {
            return candidates != null && !candidates.isEmpty() && tgids.size() >= NEEDED;
        }

        /** Why this fact is not known, or null when it is. */
        String missing() {
            if (candidates == null) return what + ": never observed";
            if (candidates.isEmpty()) return what + ": no offset agrees with all " + seen + " observations";
            if (tgids.size() < NEEDED) return what + ": observed in " + tgids.size() + " process, " + NEEDED + " needed";
            return null;
        }
    }

    public LinuxTaskLayoutInference(PhysicalMemory ram) {
        this.ram = ram;
        this.memory = new GuestMemory(ram);
    }

    /** Registers the three hooks. */
    public void attach(Hooks hooks) {
        hooks.add((InterruptHook) this);
        hooks.add((PrivilegeHook) this);
        hooks.add((Cr3Hook) this);
    }

    /** Removes them (the replay may go on without the cost once {@link #done()}). */
    public void detach(Hooks hooks) {
        hooks.remove((InterruptHook) this);
        hooks.remove((PrivilegeHook) this);
        hooks.remove((Cr3Hook) this);
    }

    /** System-call returns used so far. */
    public long observations() {
        return observations;
    }

    /** Every fact is confirmed and unambiguous: {@link #layout()} succeeds, observing more changes nothing. */
    public boolean done() {
        if (core == null || !tasks.confirmed() || !mm.confirmed() || !regs.confirmed() || !comm.confirmed()
                || !parent.confirmed() || !exit.confirmed() || initTaskLooks < NEEDED) {
            return false;
        }
        try {
            layout();
            return true;
        } catch (IntrospectionException e) {
            return false;
        }
    }

    // ---- hooks ----

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (cpu.cpl != 3 || vector != 0x80 || source != Source.SOFTWARE) return;
        int top = stackTop(cpu);
        if (top == 0) return;
        int nr = cpu.reg[Cpu.EAX];
        int[] args = {cpu.reg[Cpu.EBX], cpu.reg[Cpu.ECX], cpu.reg[Cpu.EDX], cpu.reg[Cpu.ESI], cpu.reg[Cpu.EDI], cpu.reg[Cpu.EBP]};
        String path = nr == NR_EXECVE ? memory.virtualCString(cpu.cr3, args[0], 4096)
                : nr == NR_EXECVEAT ? memory.virtualCString(cpu.cr3, args[1], 4096)
                : nr == NR_PRCTL && args[0] == PR_SET_NAME ? memory.virtualCString(cpu.cr3, args[1], LinuxTaskLayout.COMM_LEN) : null;
        if (nr != NR_EXIT && nr != NR_EXIT_GROUP) pending.put(top, new Call(nr, args, cpu.eip, cpu.reg[Cpu.ESP], cpu.cr3, path));
        else pending.remove(top); // never returns: its stack may serve a new task
        if ((nr == NR_EXIT_GROUP || nr == NR_EXIT) && core != null && !exit.confirmed() && exiting.size() < MAX_EXITING) {
            int task = current(top);
            if (task != 0) {
                int[] before = new int[TASK_SPAN / 4];
                for (int i = 0; i < before.length; i++) before[i] = u32(task + 4 * i);
                exiting.add(new Exiting(task, u32(task + core.offPid + 4), (args[0] & 0xFF) << 8, before));
            }
        }
    }

    @Override
    public void privilegeChanged(Cpu cpu, int fromCpl, int toCpl) {
        if (toCpl != 3) return;
        int top = stackTop(cpu);
        if (top == 0) return;
        if (core != null) {
            checkCurrent(top);
            if (!exiting.isEmpty() && tasks.confirmed() && mm.confirmed()) checkExits(current(top));
        }
        Call call = pending.remove(top);
        if (call == null) return;
        boolean exec = call.nr == NR_EXECVE || call.nr == NR_EXECVEAT;
        if (!exec && (cpu.eip != call.eip || cpu.reg[Cpu.ESP] != call.esp)) return; // a signal handler, not the call's return
        int result = cpu.reg[Cpu.EAX];
        observations++;
        if (core == null) {
            if (call.nr == NR_GETTID) tidOfStack.put(top, result);
            if ((call.nr == NR_GETPID || call.nr == NR_SET_TID_ADDRESS) && result > 0) observeCore(cpu, top, result);
            return;
        }
        int task = current(top);
        if (task == 0) return;
        observeTask(cpu, call, top, task, result);
    }

    @Override
    public void cr3Written(Cpu cpu, int oldCr3, int newCr3) {
        if (core == null) return;
        atCr3Write.clear();
        for (int d : currentAhead.keySet()) atCr3Write.put(d, u32(percpuBase + d));
        if (!exiting.isEmpty() && tasks.confirmed() && mm.confirmed()) checkExits(0);
    }

    // ---- the core ----

    /** The current task's kernel stack top: the TSS's ring-1 ESP (0 when unreadable). */
    private int stackTop(Cpu cpu) {
        long pa = memory.translate(cpu.cr3, cpu.tr.base + 12);
        return pa < 0 ? 0 : ram.read32((int) pa);
    }

    private void observeCore(Cpu cpu, int top, int tgid) {
        getpidSeen++;
        if (broken != null || coreTgids.contains(tgid)) return; // the same process again tells nothing new
        if (coreLooks++ >= MAX_CORE_LOOKS) return; // each look searches RAM twice: a kernel this does not fit stops here
        long stackPa = memory.translate(cpu.cr3, top);
        if (stackPa < 0) return;
        int po = top - (int) stackPa;
        long percpu = LinuxTaskLayout.percpuBase(memory, cpu.cr3, cpu.gdtBase);
        if (percpu < 0) return;
        int base = (int) percpu;
        if (pageOffset == null) {
            pageOffset = po;
            percpuBase = base;
        } else if (pageOffset != po || percpuBase != base) {
            broken = String.format("the kernel's direct map or per-cpu base moved (0x%08x, 0x%08x then 0x%08x, 0x%08x)",
                    pageOffset, percpuBase, po, base);
            return;
        }
        Integer tid = tidOfStack.get(top);
        int pid = tid != null ? tid : tgid;
        // structures holding a pointer to this stack's base and the ids
        TreeMap<Integer, List<int[]>> byTask = new TreeMap<>(Integer::compareUnsigned);
        int words = ram.size() / 4;
        for (int i = 0; i < words; i++) {
            int w = ram.read32(i * 4);
            int delta = top - w;
            if ((w & 0xFFF) != 0 || delta <= 0 || delta > THREAD_SIZE_MAX) continue;
            int at = i * 4 + po;
            for (int s = 0; s < STACK_FIELD_MAX; s += 4) {
                int task = at - s;
                for (int o = 0; o < TASK_SPAN; o += 4) {
                    if (u32(task + o) == pid && u32(task + o + 4) == tgid) {
                        byTask.computeIfAbsent(task, k -> new ArrayList<>()).add(new int[]{s, delta, o});
                    }
                }
            }
        }
        TreeSet<Core> found = new TreeSet<>();
        if (byTask.isEmpty()) {
            unmatched++; // not a single-threaded process's leader (pid != tgid), or not this kind of kernel
            return;
        }
        {
            int[] sorted = byTask.keySet().stream().mapToInt(Integer::intValue).toArray();
            Arrays.sort(sorted);
            for (int i = 0; i < words; i++) {
                int w = ram.read32(i * 4);
                if (Arrays.binarySearch(sorted, w) < 0) continue;
                int d = i * 4 + po - base;
                for (int[] f : byTask.get(w)) found.add(new Core(f[0], f[1], f[2], d));
            }
        }
        coreTgids.add(tgid);
        if (cores == null) cores = found;
        else cores.retainAll(found);
        if (coreTgids.size() < NEEDED || cores.isEmpty()) return;
        Core first = cores.first();
        for (Core c : cores) if (!c.sameTask(first)) return; // more than one layout still fits: wait for another process
        core = first;
        for (Core c : cores) currentAhead.put(c.currentOffset, 0);
    }

    /** Drops current-pointer candidates that do not name the task returning to user mode; scores those that named it at the last CR3 write. */
    private void checkCurrent(int top) {
        int base = top - core.stackTop;
        Integer[] ds = currentAhead.keySet().toArray(new Integer[0]);
        for (int d : ds) {
            int task = u32(percpuBase + d);
            if (!pointer(task) || u32(task + core.offStack) != base) {
                currentAhead.remove(d);
                continue;
            }
            Integer then = atCr3Write.get(d);
            if (then != null && then == task) currentAhead.merge(d, 1, Integer::sum);
        }
        atCr3Write.clear();
    }

    /** The current-pointer displacement to use: the one that names the incoming task at CR3 writes most often (lowest on a tie). */
    private int currentOffset() {
        if (currentAhead.isEmpty()) return 0;
        int best = currentAhead.firstKey(), score = -1;
        for (Map.Entry<Integer, Integer> e : currentAhead.entrySet()) {
            if (e.getValue() > score) {
                best = e.getKey();
                score = e.getValue();
            }
        }
        return best;
    }

    /** The current task, checked against the returning task's stack (0 when none agrees). */
    private int current(int top) {
        for (int d : currentAhead.keySet()) {
            int task = u32(percpuBase + d);
            if (pointer(task) && u32(task + core.offStack) == top - core.stackTop) return task;
        }
        return 0;
    }

    // ---- the other fields ----

    private void observeTask(Cpu cpu, Call call, int top, int task, int result) {
        int tgid = u32(task + core.offPid + 4);
        if (busyLooks < 256) {
            busyLooks++;
            for (int i = 0; i < busy.length; i++) busy[i] |= u32(task + 4 * i) != 0;
        }
        if (!tasks.confirmed()) tasks.observe(tgid, listCandidates(task));
        if (tasks.confirmed() && initTaskLooks < NEEDED) {
            initTaskLooks++;
            initTasks.add(idleTask(task));
        }
        if (!mm.confirmed()) mm.observe(tgid, mmCandidates(task, cpu.cr3 & 0xFFFFF000));
        if (!regs.confirmed()) regs.observe(tgid, regsCandidates(top - core.stackTop, cpu.eip, cpu.reg[Cpu.ESP], result));
        if (!comm.confirmed() && (call.nr == NR_EXECVE || call.nr == NR_EXECVEAT || call.nr == NR_PRCTL) && result == 0
                && call.path != null) {
            // execve names the task after the path's last component, PR_SET_NAME after its argument
            String name = call.nr == NR_PRCTL ? call.path : call.path.substring(call.path.lastIndexOf('/') + 1);
            if (!name.isEmpty()) comm.observe(tgid, commCandidates(task, name));
        }
        if (!parent.confirmed()) {
            if (call.nr == NR_GETPPID && result > 0) parent.observe(tgid, parentCandidates(task, result));
            boolean fork = call.nr == NR_FORK || call.nr == NR_VFORK
                    || call.nr == NR_CLONE && (call.args[0] & (CLONE_THREAD | CLONE_PARENT)) == 0;
            if (fork && result > 0 && tasks.confirmed()) {
                int child = taskOf(task, result);
                if (child != 0) parent.observe(result, pointersTo(child, task));
            }
        }
        if (tasks.confirmed() && result > 0) {
            boolean fork = call.nr == NR_FORK || call.nr == NR_VFORK || call.nr == NR_CLONE;
            if (fork && forked.size() < 64) {
                int child = taskOf(task, result);
                if (child != 0) forked.put(result, child);
            }
            Integer child = call.nr == NR_WAIT4 ? forked.remove(result) : null;
            if (call.nr == NR_WAIT4 && call.args[1] != 0 && child != null && !waited.confirmed()
                    && u32(child + core.offPid) == result) {
                // the reaped child's task_struct is freed only after an RCU grace period: its exit_code is still there
                byte[] st = memory.virtualBytes(cpu.cr3, call.args[1], 4);
                if (st != null && st.length == 4) {
                    int status = (st[0] & 0xFF) | (st[1] & 0xFF) << 8 | (st[2] & 0xFF) << 16 | st[3] << 24;
                    TreeSet<Long> found = new TreeSet<>();
                    for (int x = 0; x + 8 <= TASK_SPAN; x += 4) {
                        int state = u32(child + x);
                        if (state > 0 && state < 0x100 && u32(child + x + 4) == status) found.add((long) x);
                    }
                    waited.observe(result, found);
                }
            }
        }
    }

    private TreeSet<Long> listCandidates(int task) {
        TreeSet<Long> found = new TreeSet<>();
        for (int t = 0; t < TASK_SPAN; t += 4) {
            if (cycleOk(task, t)) found.add((long) t);
        }
        return found;
    }

    /** The list through offset {@code t} of {@code task} is a cycle of tasks with init_task and init in it. */
    private boolean cycleOk(int task, int t) {
        int head = task + t, prev = head, node = u32(head);
        boolean idle = false, init = false;
        TreeSet<Integer> ids = new TreeSet<>();
        int n = 0;
        while (node != head) {
            if (!pointer(node) || u32(node + 4) != prev || ++n > LinuxGuestProfile.MAX_TASKS) return false;
            int other = node - t;
            int pid = u32(other + core.offPid), tgid = u32(other + core.offPid + 4);
            if (pid < 0 || pid > 4 * 1024 * 1024 || pid != tgid || !ids.add(pid)) return false; // leaders only, each once
            if (u32(other + core.offStack) == 0 || !pointer(u32(other + core.offStack))) return false;
            if (pid == 0) idle = true;
            if (pid == 1) init = true;
            prev = node;
            node = u32(node);
        }
        return n >= 2 && idle && init;
    }

    /** Pairs (mm offset, pgd offset) reaching {@code pgdPa}, as {@code m << 32 | g}. */
    private TreeSet<Long> mmCandidates(int task, int pgdPa) {
        TreeSet<Long> found = new TreeSet<>();
        for (int m = 0; m < TASK_SPAN; m += 4) {
            int mmp = u32(task + m);
            if (!pointer(mmp)) continue;
            for (int g = 0; g < MM_SPAN; g += 4) {
                int pgd = u32(mmp + g);
                if (pointer(pgd) && pgd - pageOffset == pgdPa) found.add((long) m << 32 | g);
            }
        }
        return found;
    }

    /** Offsets from the stack's base where the user EIP, ESP and the result sit as in pt_regs. */
    private TreeSet<Long> regsCandidates(int stack, int eip, int esp, int result) {
        TreeSet<Long> found = new TreeSet<>();
        for (int r = 0; r + LinuxTaskLayout.REGS_SP < core.stackTop; r += 4) {
            if (u32(stack + r + LinuxTaskLayout.REGS_IP) == eip && u32(stack + r + LinuxTaskLayout.REGS_SP) == esp
                    && u32(stack + r + LinuxTaskLayout.REGS_AX) == result) {
                found.add((long) r);
            }
        }
        return found;
    }

    private TreeSet<Long> commCandidates(int task, String name) {
        byte[] want = name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int n = Math.min(want.length, LinuxTaskLayout.COMM_LEN - 1);
        TreeSet<Long> found = new TreeSet<>();
        int taskPa = task - pageOffset;
        outer:
        for (int c = 0; c + LinuxTaskLayout.COMM_LEN <= TASK_SPAN; c++) {
            for (int i = 0; i < n; i++) if (ram.read8(taskPa + c + i) != (want[i] & 0xFF)) continue outer;
            if (ram.read8(taskPa + c + n) == 0) found.add((long) c);
        }
        return found;
    }

    private TreeSet<Long> parentCandidates(int task, int ppid) {
        TreeSet<Long> found = new TreeSet<>();
        for (int p = 0; p < TASK_SPAN; p += 4) {
            int other = u32(task + p);
            if (pointer(other) && other != task && u32(other + core.offStack) != 0 && u32(other + core.offPid + 4) == ppid) {
                found.add((long) p);
            }
        }
        return found;
    }

    private TreeSet<Long> pointersTo(int task, int target) {
        TreeSet<Long> found = new TreeSet<>();
        for (int p = 0; p < TASK_SPAN; p += 4) if (u32(task + p) == target) found.add((long) p);
        return found;
    }

    /** The task on the tasks list (through {@code from}) with thread-group id {@code tgid}, or 0. */
    private int taskOf(int from, int tgid) {
        for (int task : walk(from)) if (u32(task + core.offPid + 4) == tgid) return task;
        return 0;
    }

    /** The tasks on the list through {@code from} (itself first), or none when the list does not close (a task already unlinked). */
    private List<Integer> walk(int from) {
        int t = (int) (long) tasks.candidates.first();
        List<Integer> l = new ArrayList<>();
        int head = from + t, prev = head, node = u32(head);
        l.add(from);
        while (node != head) {
            if (!pointer(node) || u32(node + 4) != prev || l.size() > LinuxGuestProfile.MAX_TASKS) return List.of();
            l.add(node - t);
            prev = node;
            node = u32(node);
        }
        return l;
    }

    /** init_task (pid 0, the list's head) as the list through {@code from} shows it, or 0. */
    private int idleTask(int from) {
        for (int task : walk(from)) if (u32(task + core.offPid) == 0) return task;
        return 0;
    }

    /** Tasks that called exit_group: once they are zombies on the tasks list, the word that became non-zero before the status. */
    private void checkExits(int returning) {
        if (initTasks.isEmpty()) return;
        List<Integer> all = walk(initTasks.first());
        int offMm = (int) (mm.candidates.first() >>> 32);
        for (java.util.Iterator<Exiting> it = exiting.iterator(); it.hasNext(); ) {
            Exiting e = it.next();
            if (!all.contains(e.task) || u32(e.task + core.offPid + 4) != e.tgid) {
                it.remove(); // reaped before we looked, or never made it
                continue;
            }
            // the CPU left it: another task returns to user mode, or at a CR3 write some current pointer names another task
            boolean leaving = returning != 0 && returning != e.task;
            if (returning == 0) for (int d : atCr3Write.keySet()) leaving |= atCr3Write.get(d) != e.task;
            if (!leaving || u32(e.task + offMm) != 0) continue; // still running, or not past exit_mm
            // task->stack may already be 0: the kernel frees a dead task's stack at the switch after its
            // last schedule (finish_task_switch), long before the parent reaps it; when another task (a
            // kworker) runs in between, the first CR3 write after the exit comes after that. The zombie's
            // words stay valid while it is on the tasks list (checked above).
            TreeSet<Long> found = new TreeSet<>();
            for (int x = 0; x + 8 <= TASK_SPAN; x += 4) {
                int now = u32(e.task + x);
                if (e.before[x / 4] == 0 && (now == EXIT_ZOMBIE || now == EXIT_ZOMBIE_OLD) && u32(e.task + x + 4) == e.status) found.add((long) x << 32 | now);
            }
            it.remove();
            exit.observe(e.tgid, found);
        }
    }

    // ---- memory ----

    private boolean pointer(int va) {
        return (va & 3) == 0 && Integer.compareUnsigned(va, pageOffset) >= 0
                && Integer.compareUnsigned(va - pageOffset, ram.size() - 4) < 0;
    }

    private int u32(int va) {
        return ram.read32(va - pageOffset);
    }

    // ---- the result ----

    /**
     * The layout found.
     *
     * @throws IntrospectionException one line naming what could not be confirmed
     */
    public LinuxTaskLayout layout() {
        if (broken != null) throw new IntrospectionException("the Linux task layout could not be inferred: " + broken);
        if (core == null) {
            String why = coreLooks > MAX_CORE_LOOKS && (cores == null || !cores.isEmpty()) ? "no single layout fits the first " + MAX_CORE_LOOKS + " processes"
                    : cores == null ? getpidSeen + " getpid/set_tid_address returns seen, " + unmatched + " with no structure holding the caller's stack and id"
                    : cores.isEmpty() ? "no structure holds the caller's stack and ids in every one of " + coreTgids.size() + " processes"
                    : coreTgids.size() < NEEDED ? "getpid was seen from " + coreTgids.size() + " process, " + NEEDED + " needed"
                    : "more than one layout fits all " + coreTgids.size() + " processes";
            throw new IntrospectionException("the current task and task->pid could not be confirmed: " + why);
        }
        if (currentAhead.isEmpty()) {
            throw new IntrospectionException("the current task could not be confirmed: no per-cpu pointer named every task returning to user mode");
        }
        List<String> missing = new ArrayList<>();
        for (Field f : List.of(tasks, mm, regs, comm, parent, exit)) {
            String m = f.missing();
            if (m != null) missing.add(m);
        }
        if (missing.isEmpty() && (initTasks.size() != 1 || initTasks.first() == 0)) missing.add("init_task: the tasks list showed " + initTasks.size() + " different heads");
        if (missing.isEmpty() && tasks.candidates.size() > 1) missing.add("task->tasks: " + tasks.candidates.size() + " lists fit");
        if (missing.isEmpty() && comm.candidates.size() > 1) missing.add("task->comm: " + comm.candidates.size() + " offsets fit");
        if (missing.isEmpty() && exit.candidates.size() > 1) {
            exit.candidates.removeIf(c -> busy[(int) (c >>> 32) / 4]);
            if (exit.candidates.isEmpty()) missing.add("task->exit_state: every candidate was non-zero in a running task");
        }
        if (missing.isEmpty() && exit.candidates.size() > 1 && waited.confirmed()) {
            exit.candidates.removeIf(c -> !waited.candidates.contains(c >>> 32));
            if (exit.candidates.isEmpty()) missing.add("task->exit_state: no offset agrees with both exit_group and wait4");
        }
        if (missing.isEmpty() && exit.candidates.size() > 1) missing.add("task->exit_state: " + exit.candidates.size() + " offsets fit");
        if (missing.isEmpty() && regs.candidates.size() > 1) missing.add("pt_regs: " + regs.candidates.size() + " offsets fit");
        if (!missing.isEmpty()) throw new IntrospectionException("the Linux task layout could not be confirmed: " + String.join("; ", missing));
        // mm and active_mm, real_parent and parent are equal for the tasks seen: the kernel declares mm and real_parent first
        long mmPgd = mm.candidates.first();
        return new LinuxTaskLayout(pageOffset, percpuBase, currentOffset(), core.offStack, core.stackTop,
                (int) (long) regs.candidates.first(), core.offPid, (int) (long) comm.candidates.first(), (int) (mmPgd >>> 32),
                (int) mmPgd, (int) (long) parent.candidates.first(), (int) (long) tasks.candidates.first(),
                (int) (exit.candidates.first() >>> 32), (int) (long) exit.candidates.first(), initTasks.first());
    }

    /** What is known so far, for diagnostics. */
    public String progress() {
        StringBuilder s = new StringBuilder();
        s.append("core ").append(core != null ? core : cores == null ? "-" : cores.size() + " candidates")
                .append(" from ").append(coreTgids).append("; current ").append(currentAhead);
        for (Field f : List.of(tasks, mm, regs, comm, parent, exit, waited)) {
            s.append("; ").append(f.what).append(' ').append(f.candidates).append(' ').append(f.tgids);
        }
        return s.append("; init_task ").append(initTasks).toString();
    }
}
