package dev.kerf.emulator.introspect.linux;

import dev.kerf.emulator.cpu.DescriptorTable;
import dev.kerf.emulator.introspect.GuestMemory;

/**
 * Where an i386 Linux kernel keeps its tasks, as {@link LinuxTaskLayoutInference} found it by
 * observing system calls (docs/linux.md, "Processes without debug info"). Offsets are bytes from
 * the start of a {@code task_struct} unless said otherwise; addresses are kernel virtual addresses
 * in the direct map ({@code physical = va - pageOffset}).
 *
 * @param pageOffset      start of the kernel's direct map ({@code PAGE_OFFSET}, 0xC0000000 on a 3G/1G split)
 * @param percpuBase      the per-cpu offset of the (only) CPU: the base of the segment the kernel
 *                        addresses per-cpu data through (GDT entry {@link #PERCPU_GDT_ENTRY}, FS in kernel mode)
 * @param currentOffset   the displacement ({@code %fs:disp}) of the per-cpu pointer to the current task
 * @param offStack        {@code task->stack}: the task's kernel stack (its lowest address)
 * @param stackTop        the top of a kernel stack (TSS ring-1 ESP, {@code thread.sp0}) minus {@code task->stack}
 * @param regsOffset      the user registers saved at kernel entry ({@code struct pt_regs}) minus {@code task->stack}
 * @param offPid          {@code task->pid}; {@code task->tgid} follows it
 * @param offComm         {@code task->comm}, {@link #COMM_LEN} bytes, NUL-terminated
 * @param offMm           {@code task->mm} (NULL for kernel threads and exited tasks)
 * @param offPgd          {@code mm->pgd}, from the start of the {@code mm_struct}
 * @param offRealParent   {@code task->real_parent}
 * @param offTasks        {@code task->tasks}, the list of all thread-group leaders (init_task heads it)
 * @param offExitState    {@code task->exit_state}; {@code task->exit_code} follows it
 * @param zombieState     the value of {@code exit_state} for a zombie ({@code EXIT_ZOMBIE})
 * @param initTask        the address of {@code init_task} (pid 0, the idle task), the head of the tasks list
 */
public record LinuxTaskLayout(int pageOffset, int percpuBase, int currentOffset, int offStack, int stackTop,
                              int regsOffset, int offPid, int offComm, int offMm, int offPgd, int offRealParent,
                              int offTasks, int offExitState, int zombieState, int initTask) {
    /** GDT entry of {@code __KERNEL_PERCPU} (selector 0xd8) on i386. */
    public static final int PERCPU_GDT_ENTRY = 27;
    /** {@code TASK_COMM_LEN}. */
    public static final int COMM_LEN = 16;
    /** {@code pt_regs.ax} on i386 (after bx cx dx si di bp). */
    public static final int REGS_AX = 24;
    /** {@code pt_regs.ip} and {@code pt_regs.sp} on i386. */
    public static final int REGS_IP = 48, REGS_SP = 60;

    /**
     * This layout for the same kernel loaded {@code delta} bytes further (another KASLR slide):
     * {@code init_task} and the current-task displacement (kernel image addresses) move with it;
     * {@code percpuBase}, the per-cpu area's distance from the image's per-cpu section, is given
     * (read from the machine's GDT) since the area itself does not move with the image.
     */
    public LinuxTaskLayout rebased(int delta, int percpuBase) {
        return new LinuxTaskLayout(pageOffset, percpuBase, currentOffset + delta, offStack, stackTop, regsOffset, offPid, offComm,
                offMm, offPgd, offRealParent, offTasks, offExitState, zombieState, initTask + delta);
    }

    /**
     * The base of the per-cpu segment ({@link #PERCPU_GDT_ENTRY}) of the GDT at linear
     * {@code gdtBase} under page directory {@code cr3}, or -1 when that GDT entry is not mapped.
     */
    public static long percpuBase(GuestMemory memory, int cr3, int gdtBase) {
        long pa = memory.translate(cr3, gdtBase + PERCPU_GDT_ENTRY * 8);
        if (pa < 0) return -1;
        long d = (memory.u32((int) pa) & 0xFFFF_FFFFL) | ((long) memory.u32((int) pa + 4) << 32);
        return Integer.toUnsignedLong(DescriptorTable.base(d));
    }

    /** The task's thread-group id (the pid user space sees). */
    public int offTgid() { return offPid + 4; }

    /** {@code task->exit_code}: the wait status of a zombie. */
    public int offExitCode() { return offExitState + 4; }

    /** The kernel virtual address of the per-cpu current-task pointer. */
    public int currentAddress() { return percpuBase + currentOffset; }

    /** One line per fact, for {@code kerf profile} and error messages. */
    public String describe() {
        return String.join("\n",
                String.format("PAGE_OFFSET          0x%08x", pageOffset),
                String.format("per-cpu base         0x%08x (GDT entry %d)", percpuBase, PERCPU_GDT_ENTRY),
                String.format("current task         %%fs:0x%08x (at 0x%08x)", currentOffset, currentAddress()),
                String.format("task->stack          +0x%x (stack top +0x%x, pt_regs +0x%x)", offStack, stackTop, regsOffset),
                String.format("task->pid, tgid      +0x%x, +0x%x", offPid, offTgid()),
                String.format("task->comm           +0x%x", offComm),
                String.format("task->mm, mm->pgd    +0x%x, +0x%x", offMm, offPgd),
                String.format("task->real_parent    +0x%x", offRealParent),
                String.format("task->tasks          +0x%x (init_task at 0x%08x)", offTasks, initTask),
                String.format("task->exit_state     +0x%x (zombie %d), exit_code +0x%x", offExitState, zombieState, offExitCode()));
    }
}
