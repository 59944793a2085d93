package dev.kerf.slicer.component;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InstructionHook;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.MemoryHook;
import dev.kerf.emulator.hook.PrivilegeHook;
import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.ProcessTracker;
import dev.kerf.emulator.usermode.ActivationMemory;
import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserExits;
import dev.kerf.emulator.usermode.UserRegisters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Captures a component's activations during a replay of the whole machine (design §7). Registered
 * after a {@link ProcessTracker}. Its instruction and memory hooks are registered only while a
 * process running the program is in user mode, so the rest of the recording replays at full speed.
 *
 * <ul>
 * <li>Entry: an instruction inside the component while no activation of that process is open
 *     (a call from outside): registers and the return address (the dword at ESP).</li>
 * <li>Inside: every instruction (callees outside the component too: they are part of the
 *     activation) names the function it is in (its code goes into the slice); every read of a byte
 *     not written nor read before in the activation is a first load; writes keep their last value.</li>
 * <li>End: the instruction at the return address with ESP above the entry's (RETURNED, EAX); an
 *     exception (FAULTED); a system call makes it SYSCALL (not replayable, its data dropped); an
 *     external interrupt suspends it until the process returns to user mode. A page fault the
 *     kernel resolves (the process comes back to the faulting instruction: demand paging,
 *     copy-on-write, stack growth on Linux) suspends it too: the replay maps every page the call
 *     touches, so it never takes that fault. One after which the process comes back elsewhere (a
 *     signal handler) or never (killed) ends it FAULTED.</li>
 * </ul>
 * The program file's text of every function (and loose address) the program executes is compared
 * with the process's memory the first time it runs (the bytes whose pages are present): a program
 * file other than the one the process ran is reported ({@link #mismatch()}), since the slice
 * carries the file's code, not memory.
 */
final class ComponentCapture implements PrivilegeHook, InterruptHook, InstructionHook, MemoryHook {
    private static final class Open {
        final int pid;
        final UserRegisters entry;
        /** The caller's return address; for an activation entered mid-function, where it left the range (set at the end). */
        int returnAddress;
        /** Entered at an address that starts no function (a range spec cutting into a function): it ends when it leaves the range. */
        final boolean midFunction;
        final ActivationMemory memory = new ActivationMemory();
        /** Functions and loose addresses it executed: into the slice only when it is replayable. */
        final TreeMap<Long, ElfSymbols.Function> functions = new TreeMap<>();
        final TreeSet<Long> loose = new TreeSet<>();
        long count;
        boolean suspended, syscall;
        /** Its segment registers when they differ from the first entry's (see {@link ComponentActivation#segments()}). */
        int[] segments;
        /** A page fault taken inside it, waiting to see whether the process comes back to the faulting instruction. */
        UserExit.Fault pendingFault;

        Open(int pid, UserRegisters entry, int returnAddress, boolean midFunction) {
            this.pid = pid;
            this.entry = entry;
            this.returnAddress = returnAddress;
            this.midFunction = midFunction;
        }

        /** Whether the instruction at {@code eip} with {@code esp} is back in the caller. */
        boolean returnedTo(long eip, int esp, boolean inComponent) {
            int cmp = Integer.compareUnsigned(esp, entry.get(Cpu.ESP));
            return midFunction ? !inComponent && cmp >= 0 : eip == Integer.toUnsignedLong(returnAddress) && cmp > 0;
        }
    }

    private final ProcessTracker tracker;
    private final String program;
    /** Only this process (-1: every process running the program). */
    private final int pid;
    private final ElfSymbols elf;
    private final long[] rangeStart, rangeEnd;
    private final GuestMemory guest;
    private final Map<Integer, Open> open = new TreeMap<>();
    /** Entry order: each activation's slot, filled when it closes. */
    private final List<ComponentActivation> closed = new ArrayList<>();
    private final Map<Open, Integer> slot = new java.util.IdentityHashMap<>();
    private final ExecutedCode code = new ExecutedCode();
    private int current = -1;
    private boolean hooked, programRan;
    /** Function starts and loose addresses whose file text was compared with memory. */
    private final TreeSet<Long> checked = new TreeSet<>();
    private String mismatch;

    /** @param ranges the component: sorted, disjoint [start, end) pairs */
    ComponentCapture(ProcessTracker tracker, GuestMemory guest, String program, int pid, ElfSymbols elf, long[][] ranges) {
        this.tracker = tracker;
        this.pid = pid;
        this.guest = guest;
        this.program = program;
        this.elf = elf;
        rangeStart = new long[ranges.length];
        rangeEnd = new long[ranges.length];
        for (int i = 0; i < ranges.length; i++) {
            rangeStart[i] = ranges[i][0];
            rangeEnd[i] = ranges[i][1];
        }
    }

    @Override
    public void privilegeChanged(Cpu cpu, int fromCpl, int toCpl) {
        if (toCpl == 3) {
            int upid = tracker.userPid();
            if (upid >= 0 && (pid < 0 || upid == pid) && program.equals(tracker.nameOf(upid))) {
                programRan = true;
                current = upid;
                Open o = open.get(upid);
                if (o != null && o.pendingFault != null) {
                    if (cpu.eip == o.pendingFault.eip()) {
                        o.pendingFault = null; // resolved (paged in): the faulting instruction runs again and counts then
                        o.count--;
                    } else {
                        close(o, ComponentActivation.End.FAULTED, 0, o.pendingFault);
                        o = null;
                    }
                }
                if (o != null) o.suspended = false;
                hook(cpu, true);
                return;
            }
        }
        current = -1;
        hook(cpu, false);
    }

    private void hook(Cpu cpu, boolean on) {
        if (on == hooked) return;
        hooked = on;
        if (on) {
            cpu.hooks.add((InstructionHook) this);
            cpu.hooks.add((MemoryHook) this);
        } else {
            cpu.hooks.remove((InstructionHook) this);
            cpu.hooks.remove((MemoryHook) this);
        }
    }

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (cpu.cpl != 3 || current < 0) return;
        Open o = open.get(current);
        if (o == null || o.suspended) return;
        o.suspended = true;
        switch (source) {
            case EXCEPTION -> {
                UserExit.Fault f = (UserExit.Fault) UserExits.of(cpu, vector, source, errorCode);
                if (o.syscall) close(o, ComponentActivation.End.SYSCALL, 0, null); // its loads were not kept: not replayable
                else if (vector == 14) o.pendingFault = f; // decided when the process comes back (see the class comment)
                else close(o, ComponentActivation.End.FAULTED, 0, f);
            }
            case SOFTWARE -> o.syscall = true;
            default -> { } // an external interrupt: the activation resumes when the process does
        }
    }

    @Override
    public void beforeInstruction(Cpu cpu) {
        if (current < 0 || cpu.cpl != 3) return;
        Open o = open.get(current);
        long eip = Integer.toUnsignedLong(cpu.eip);
        if (o == null) {
            if (!inComponent(eip)) return;
            o = enter(cpu);
        } else if (o.returnedTo(eip, cpu.reg[Cpu.ESP], inComponent(eip))) {
            o.returnAddress = cpu.eip;
            close(o, o.syscall ? ComponentActivation.End.SYSCALL : ComponentActivation.End.RETURNED, cpu.reg[Cpu.EAX], null);
            return;
        }
        o.count++;
        if (o.syscall) return;
        ElfSymbols.Function f = elf.at(eip);
        if (f != null) {
            o.functions.putIfAbsent(f.start(), f);
            if (!checked.contains(f.start()) && checkText(cpu, f.start(), f.end(), f.name())) checked.add(f.start());
        } else {
            o.loose.add(eip);
            if (!checked.contains(eip) && checkText(cpu, eip, Math.min(eip + 16, 0x1_0000_0000L), null)) checked.add(eip);
        }
    }

    /**
     * Compares the program file's bytes [lo, hi) with the process's memory; true once every page of
     * it was present (the first run of code is often the fault that pages it in: it is compared
     * again when it runs after).
     */
    private boolean checkText(Cpu cpu, long lo, long hi, String function) {
        if (mismatch != null) return true;
        byte[] file = elf.bytesAt(lo, (int) (hi - lo));
        boolean complete = true;
        for (long page = lo & ~0xFFFL; page < hi; page += 4096) {
            long a = Math.max(lo, page), b = Math.min(hi, page + 4096);
            byte[] mem = guest.virtualBytes(cpu.cr3, (int) a, (int) (b - a));
            if (mem == null || mem.length < b - a) { // not paged in yet
                complete = false;
                continue;
            }
            for (int i = 0; i < mem.length; i++) {
                if (mem[i] != file[(int) (a - lo) + i]) {
                    mismatch = String.format("the program file's text differs from the code process %d ran at 0x%08x%s (file 0x%02x, memory 0x%02x)",
                            current, a + i, function == null ? "" : " in " + function, file[(int) (a - lo) + i] & 0xFF, mem[i] & 0xFF);
                    return true;
                }
            }
        }
        return complete;
    }

    /** The first difference between the program file's text and the code the process ran, or null. */
    String mismatch() {
        return mismatch;
    }

    private Open enter(Cpu cpu) {
        code.entered(cpu);
        int returnAddress = guest.virtualU32(cpu.cr3, cpu.reg[Cpu.ESP]);
        ElfSymbols.Function f = elf.at(Integer.toUnsignedLong(cpu.eip));
        Open o = new Open(current, UserRegisters.of(cpu), returnAddress, f == null || f.start() != Integer.toUnsignedLong(cpu.eip));
        int[] segs = ProcessImage.segmentsOf(cpu);
        if (!java.util.Arrays.equals(segs, code.segments())) o.segments = segs;
        open.put(current, o);
        slot.put(o, closed.size());
        closed.add(null);
        return o;
    }

    private void close(Open o, ComponentActivation.End end, int eax, UserExit.Fault fault) {
        open.remove(o.pid);
        boolean keep = end.replayable();
        if (keep) code.add(o.functions, o.loose);
        ComponentActivation a = new ComponentActivation(o.pid, o.entry, o.returnAddress, keep ? o.memory.loads() : List.of(), end,
                o.count, eax, fault, keep ? o.memory.writes() : List.of(), o.segments);
        closed.set(slot.remove(o), a);
    }

    private boolean inComponent(long a) {
        int i = java.util.Arrays.binarySearch(rangeStart, a);
        if (i < 0) i = -i - 2;
        return i >= 0 && a < rangeEnd[i];
    }

    @Override
    public void read(Cpu cpu, int linear, int physical, int size, int value) {
        Open o = current < 0 || cpu.cpl != 3 ? null : open.get(current);
        if (o != null && !o.suspended && !o.syscall) o.memory.read(linear, size, value);
    }

    @Override
    public void written(Cpu cpu, int linear, int physical, int size, int value) {
        Open o = current < 0 || cpu.cpl != 3 ? null : open.get(current);
        if (o != null && !o.suspended && !o.syscall) o.memory.write(linear, size, value);
    }

    /** Closes what is still open (UNFINISHED) and returns every activation in entry order. */
    List<ComponentActivation> finish() {
        for (Open o : new ArrayList<>(open.values())) {
            if (o.pendingFault != null) close(o, ComponentActivation.End.FAULTED, 0, o.pendingFault); // it never came back
            else close(o, ComponentActivation.End.UNFINISHED, 0, null);
        }
        return List.copyOf(closed);
    }

    boolean programRan() {
        return programRan;
    }

    /** The settings and code of the replayable activations, for the slice's image. */
    ExecutedCode code() { return code; }
}
