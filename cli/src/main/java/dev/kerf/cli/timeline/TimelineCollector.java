package dev.kerf.cli.timeline;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.PortHook;
import dev.kerf.emulator.introspect.ProcessListener;
import dev.kerf.emulator.introspect.SyscallFormat;
import dev.kerf.emulator.introspect.SyscallRecord;
import dev.kerf.emulator.introspect.UserFault;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Fills a {@link Timeline} during a replay: the process tracker's reports (user stretches,
 * switches, syscalls, faults, exits), external interrupts (an interrupt hook) and console output
 * (a port hook on COM1's transmit register, following DLAB as the replay's outputs do). A process
 * that is current but not in user mode is shown as kernel time on its behalf: from its trap (the
 * end of a user stretch) to its next user stretch or the next switch away.
 */
public final class TimelineCollector implements ProcessListener, InterruptHook, PortHook {
    private static final int COM1 = 0x3F8, LCR = COM1 + 3;

    private final Timeline timeline = new Timeline();
    private final Map<Integer, String> names = new HashMap<>(); // looked up only, never iterated
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long lineAt = -1;
    private boolean dlab;
    private int current = -1;
    /** When the current process entered the kernel (-1: it is in user mode or not known). */
    private long kernelFrom = -1;

    public Timeline timeline() { return timeline; }

    /** Registers the hooks this collector needs besides the tracker's reports. */
    public void attach(Cpu cpu) {
        cpu.hooks.add((InterruptHook) this);
        cpu.hooks.add((PortHook) this);
    }

    /** The replay ended at {@code icount}: closes what is open. */
    public void finish(long icount) {
        endKernel(icount);
        flushLine();
        timeline.end(icount);
    }

    private String name(int pid) {
        return names.getOrDefault(pid, "?");
    }

    @Override
    public void created(long icount, int pid, int ppid, String name) {
        names.put(pid, name);
        timeline.lane(pid, name);
    }

    @Override
    public void switchedTo(long icount, int pid, String name) {
        endKernel(icount);
        names.put(pid, name);
        current = pid;
        kernelFrom = icount;
    }

    @Override
    public void ranInUser(int pid, long from, long to) {
        if (pid == current && kernelFrom >= 0 && kernelFrom < from) timeline.span(pid, name(pid), kernelFrom, from, false);
        timeline.span(pid, name(pid), from, to, true);
        current = pid;
        kernelFrom = to;
    }

    private void endKernel(long icount) {
        if (current >= 0 && kernelFrom >= 0 && kernelFrom < icount) timeline.span(current, name(current), kernelFrom, icount, false);
        kernelFrom = -1;
    }

    @Override
    public void syscallReturned(long icount, SyscallRecord call) {
        timeline.mark(call.pid(), name(call.pid()), call.entryIcount(), Timeline.MarkKind.SYSCALL, SyscallFormat.line(call));
    }

    @Override
    public void syscallUnfinished(long icount, SyscallRecord call) {
        syscallReturned(icount, call);
    }

    @Override
    public void execed(long icount, int pid, String oldName, String newName) {
        names.put(pid, newName);
        timeline.lane(pid, newName);
    }

    @Override
    public void userFault(long icount, UserFault fault) {
        timeline.mark(fault.pid(), name(fault.pid()), icount, Timeline.MarkKind.FAULT, name(fault.pid()) + "[" + fault.pid()
                + "]: " + fault.describe());
    }

    @Override
    public void exited(long icount, int pid, int status, UserFault fault) {
        String how = fault != null ? "killed: " + fault.describe() : (status & 0x7F) == 0 ? "exit " + ((status >> 8) & 0xFF)
                : "killed by signal " + (status & 0x7F);
        timeline.mark(pid, name(pid), icount, Timeline.MarkKind.EXIT, name(pid) + "[" + pid + "] " + how);
        if (pid == current) endKernel(icount);
    }

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (source == Source.EXTERNAL) timeline.irq(cpu.icount, vector);
    }

    @Override
    public void out(Cpu cpu, int port, int size, int value) {
        for (int i = 0; i < size; i++) {
            int p = (port + i) & 0xFFFF, b = (value >>> (8 * i)) & 0xFF;
            if (p == LCR) dlab = (b & 0x80) != 0;
            else if (p == COM1 && !dlab) console(cpu.icount, b);
        }
    }

    private void console(long icount, int b) {
        if (lineAt < 0) lineAt = icount;
        line.write(b);
        if (b == '\n' || line.size() >= 200) flushLine();
    }

    private void flushLine() {
        if (line.size() == 0) return;
        timeline.output(lineAt, line.toString(StandardCharsets.UTF_8));
        line.reset();
        lineAt = -1;
    }
}
