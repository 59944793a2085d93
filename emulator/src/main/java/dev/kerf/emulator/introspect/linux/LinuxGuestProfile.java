package dev.kerf.emulator.introspect.linux;

import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.GuestProcess;
import dev.kerf.emulator.introspect.I386LinuxAbi;

import java.util.ArrayList;
import java.util.List;

/**
 * An i386 Linux kernel's processes read through a {@link LinuxTaskLayout}: the thread-group
 * leaders on the kernel's {@code tasks} list (init_task, pid 0, heads it and is left out), the
 * current task from the per-cpu pointer, and the i386 system call ABI ({@code int 0x80}, number in
 * eax, arguments in ebx ecx edx esi edi ebp, result in eax). Reads never fail: a pointer outside
 * the direct map ends a walk (a list being changed cannot be seen: reads happen between
 * instructions), so a kernel that is not the profiled one gives few or no processes, not an error.
 */
public final class LinuxGuestProfile implements I386LinuxAbi {
    /** More tasks than any 32-bit kernel can have (PID_MAX_LIMIT is 32768 on 32-bit). */
    static final int MAX_TASKS = 32768;
    private final LinuxTaskLayout layout;
    private final LinuxSyscalls table = LinuxSyscalls.i386();

    public LinuxGuestProfile(LinuxTaskLayout layout) {
        this.layout = layout;
    }

    /** i386 sizes of the structures calls fill: struct stat (old), stat64, new_utsname, timespec. */
    private static final int STAT = 64, STAT64 = 96, UTSNAME = 6 * 65, TIMESPEC = 8;

    /**
     * The buffers a successful call filled, from the system-call table's argument kinds: a buffer
     * whose length is the result (read, pread64, readlink, getcwd: {@code B}), a wait status
     * ({@code w}), a struct stat or stat64 ({@code S}), plus the pointer arguments the table does
     * not type as output: getdents64's records (the result's length), pipe and pipe2's two
     * descriptors, uname's new_utsname, time's seconds, clock_gettime's timespec.
     */
    @Override
    public List<OutputBuffer> outputBuffers(int nr, int[] args, int result) {
        LinuxSyscalls.Call c = table.get(nr);
        if (c == null || result < 0) return List.of();
        List<OutputBuffer> out = new ArrayList<>();
        switch (c.name()) {
            case "getdents64", "getdents" -> add(out, args[1], result);
            case "pipe", "pipe2" -> add(out, args[0], 8);
            case "uname" -> add(out, args[0], UTSNAME);
            case "time" -> add(out, args[0], 4);
            case "clock_gettime" -> add(out, args[1], TIMESPEC);
            default -> {
                for (int i = 0; i < Math.min(c.argCount(), args.length); i++) {
                    switch (c.kind(i)) {
                        case 'B' -> add(out, args[i], result);
                        case 'w' -> { if (result > 0) add(out, args[i], 4); }
                        case 'S' -> add(out, args[i], c.name().endsWith("64") ? STAT64 : STAT);
                        default -> { }
                    }
                }
            }
        }
        return out;
    }

    private static void add(List<OutputBuffer> out, int address, int length) {
        if (address != 0 && length > 0) out.add(new OutputBuffer(address, length));
    }

    public LinuxTaskLayout layout() {
        return layout;
    }

    private boolean pointer(int va) {
        return (va & 3) == 0 && Integer.compareUnsigned(va, layout.pageOffset()) >= 0;
    }

    private int u32(GuestMemory m, int va) {
        return m.u32(va - layout.pageOffset());
    }

    /** The current task's address, or 0 when the pointer does not point into the direct map. */
    public int currentTask(GuestMemory memory) {
        int p = u32(memory, layout.currentAddress());
        return pointer(p) ? p : 0;
    }

    /** The addresses of the tasks on the kernel's tasks list from init_task on (init_task first), or none when it does not close. */
    public List<Integer> taskAddresses(GuestMemory memory) {
        int head = layout.initTask() + layout.offTasks(), prev = head, node = u32(memory, head);
        List<Integer> l = new ArrayList<>();
        l.add(layout.initTask());
        while (node != head) {
            if (!pointer(node) || u32(memory, node + 4) != prev || l.size() > MAX_TASKS) return List.of();
            l.add(node - layout.offTasks());
            prev = node;
            node = u32(memory, node);
        }
        return l;
    }

    @Override
    public String guest() { return "linux"; }

    @Override
    public List<GuestProcess> processes(GuestMemory memory) {
        List<GuestProcess> l = new ArrayList<>();
        for (int task : taskAddresses(memory)) {
            GuestProcess p = process(memory, task);
            if (p.pid() != 0) l.add(p);
        }
        return l;
    }

    @Override
    public GuestProcess current(GuestMemory memory) {
        int cur = currentTask(memory);
        return cur == 0 ? null : process(memory, cur);
    }

    @Override
    public int currentPid(GuestMemory memory) {
        int cur = currentTask(memory);
        return cur == 0 ? -1 : u32(memory, cur + layout.offTgid());
    }

    /** The process record of the task at {@code task}. */
    public GuestProcess process(GuestMemory memory, int task) {
        LinuxTaskLayout t = layout;
        int tgid = u32(memory, task + t.offTgid());
        int parent = u32(memory, task + t.offRealParent());
        int ppid = pointer(parent) && parent != task ? u32(memory, parent + t.offTgid()) : 0;
        String name = memory.cString(task + t.offComm() - t.pageOffset(), LinuxTaskLayout.COMM_LEN - 1);
        int mm = u32(memory, task + t.offMm());
        int cr3 = 0;
        if (pointer(mm)) {
            int pgd = u32(memory, mm + t.offPgd());
            if (pointer(pgd)) cr3 = pgd - t.pageOffset();
        }
        boolean zombie = u32(memory, task + t.offExitState()) == t.zombieState();
        return new GuestProcess(tgid, ppid, name, cr3, zombie, u32(memory, task + t.offExitCode()), Integer.toUnsignedLong(task));
    }

    /** pt_regs.ax of the task: what its interrupted system call returns. */
    @Override
    public int interruptedCallResult(GuestMemory memory, GuestProcess process) {
        int task = (int) process.handle();
        int stack = u32(memory, task + layout.offStack());
        return u32(memory, stack + layout.regsOffset() + LinuxTaskLayout.REGS_AX);
    }

    /**
     * Whether this layout fits the kernel in {@code memory} (a saved profile given for another
     * recording): null if init_task's tasks list closes, init_task has pid 0, and the per-cpu
     * current pointer names a task on that list; else one line saying what does not fit.
     */
    public String misfit(GuestMemory memory) {
        long direct = Integer.toUnsignedLong(layout.initTask()) - Integer.toUnsignedLong(layout.pageOffset());
        if (Integer.compareUnsigned(layout.initTask(), layout.pageOffset()) < 0 || direct + 0x2000 > memory.size()) {
            return String.format("its init_task 0x%08x is not in this machine's RAM", layout.initTask());
        }
        List<Integer> tasks = taskAddresses(memory);
        if (tasks.isEmpty()) return String.format("the tasks list at init_task 0x%08x + 0x%x does not close", layout.initTask(), layout.offTasks());
        if (u32(memory, layout.initTask() + layout.offPid()) != 0) return "init_task's pid is not 0";
        int cur = currentTask(memory);
        if (cur == 0 || !tasks.contains(cur)) return String.format("the current-task pointer at 0x%08x names no task on the list", layout.currentAddress());
        return null;
    }
}
