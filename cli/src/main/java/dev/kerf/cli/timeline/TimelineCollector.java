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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Fills a {@link Timeline} during a replay: the process tracker's reports (user stretches,
 * switches, syscalls, faults, exits), external interrupts (an interrupt hook) and console output
 * (a port hook on COM1's transmit register, following DLAB as the replay's outputs do). A process
 * that is current but not in user mode is shown as kernel time on its behalf: from its trap (the
 * end of a user stretch) to its next user stretch or the next switch away.
 *
 * <p>Every text taken from the guest (process names, system call strings, console output) goes
 * through {@code redact} (fills secrets in place) before it reaches the timeline; the console is
 * redacted as one stream at {@link #finish}, so a secret split across two lines is still found.
 */
public final class TimelineCollector implements ProcessListener, InterruptHook, PortHook {
    private static final int COM1 = 0x3F8, LCR = COM1 + 3;

    private final Timeline timeline = new Timeline();
    private final Map<Integer, String> names = new HashMap<>(); // looked up only, never iterated
    private final Consumer<byte[]> redact;
    /** All console bytes so far, and where each line starts in them and at which icount. */
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final List<long[]> lines = new ArrayList<>(); // {start offset, icount}
    private int lineLength;
    private long lineAt = -1;
    private boolean dlab;
    private int current = -1;
    /** When the current process entered the kernel (-1: it is in user mode or not known). */
    private long kernelFrom = -1;
    /** The tracker's call records are not shown: the guest's own spelling comes through {@link #syscall} instead (Linux). */
    private boolean callsFromElsewhere;

    /** A collector that keeps the guest's texts as they are. */
    public TimelineCollector() {
        this(bytes -> { });
    }

    /** @param redact fills every secret in the bytes it is given (ISO-8859-1 text, console bytes) in place */
    public TimelineCollector(Consumer<byte[]> redact) {
        this.redact = redact;
    }

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
        byte[] all = console.toByteArray();
        redact.accept(all);
        for (int i = 0; i < lines.size(); i++) {
            int from = (int) lines.get(i)[0], to = i + 1 < lines.size() ? (int) lines.get(i + 1)[0] : all.length;
            timeline.output(lines.get(i)[1], new String(all, from, to - from, StandardCharsets.UTF_8));
        }
        timeline.end(icount);
    }

    private String name(int pid) {
        return names.getOrDefault(pid, "?");
    }

    /** {@code text} (bytes as ISO-8859-1 characters, as introspection decodes them) with secrets filled. */
    private String clean(String text) {
        if (text == null) return null;
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        redact.accept(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** A call's string as introspection quotes it: its bytes (not their escapes) searched and filled. */
    private String cleanQuoted(String quoted) {
        if (quoted == null) return null;
        byte[] b = SyscallFormat.unquote(quoted);
        if (b == null) return clean(quoted);
        redact.accept(b);
        return SyscallFormat.quote(b, quoted.endsWith("\"..."));
    }

    @Override
    public void created(long icount, int pid, int ppid, String name) {
        name = clean(name);
        names.put(pid, name);
        timeline.lane(pid, name);
    }

    @Override
    public void switchedTo(long icount, int pid, String name) {
        endKernel(icount);
        names.put(pid, clean(name));
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

    /** From now on calls are given by {@link #syscall} (already spelled and redacted), not taken from the tracker's records. */
    public void callsFromElsewhere() {
        callsFromElsewhere = true;
    }

    /** A system call of {@code pid} made at {@code icount}, as the guest's own tracer spells it (its captured bytes already redacted). */
    public void syscall(int pid, long icount, String text) {
        timeline.mark(pid, name(pid), icount, Timeline.MarkKind.SYSCALL, clean(text));
    }

    @Override
    public void syscallReturned(long icount, SyscallRecord call) {
        if (callsFromElsewhere) return;
        String[] strings = call.strings();
        for (int i = 0; i < strings.length; i++) strings[i] = cleanQuoted(strings[i]);
        SyscallRecord shown = new SyscallRecord(call.pid(), clean(call.name()), call.nr(), call.args(), call.entryIcount(),
                call.exitIcount(), call.returned(), call.result(), strings);
        timeline.mark(call.pid(), name(call.pid()), call.entryIcount(), Timeline.MarkKind.SYSCALL, SyscallFormat.line(shown));
    }

    @Override
    public void syscallUnfinished(long icount, SyscallRecord call) {
        syscallReturned(icount, call);
    }

    @Override
    public void execed(long icount, int pid, String oldName, String newName) {
        newName = clean(newName);
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
        if (lineAt < 0) {
            lineAt = icount;
            lines.add(new long[] {console.size(), icount});
        }
        console.write(b);
        lineLength++;
        if (b == '\n' || lineLength >= 200) flushLine();
    }

    private void flushLine() {
        lineLength = 0;
        lineAt = -1;
    }
}
