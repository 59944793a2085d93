package dev.kerf.slicer.component;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.Cr3Hook;
import dev.kerf.emulator.hook.InstructionHook;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.MemoryHook;
import dev.kerf.emulator.hook.PortHook;
import dev.kerf.emulator.hook.PrivilegeHook;
import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.kernelmode.PortLog;
import dev.kerf.emulator.usermode.ActivationMemory;
import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserExits;
import dev.kerf.emulator.usermode.UserRegisters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Captures a kernel component's activations during a replay of the whole machine (design §7,
 * docs/slicing.md "Kernel components"). Its instruction, memory and port hooks are registered
 * only while the CPU is at CPL 0 (from reset, and after every change to ring 0), so user code
 * replays at full speed.
 *
 * <ul>
 * <li>Entry: an instruction inside the component while no activation is open (the kernel is one
 *     CPU: there is one open activation at most): registers and the return address (the dword at
 *     ESP).</li>
 * <li>Inside: every instruction (kernel helpers it calls too) names the function it is in; every
 *     read of a byte not written nor read before in the activation is a first load, by linear
 *     address (kernel memory is identity mapped; a copy from user memory is recorded at the user
 *     address); writes keep their last value; every IN and OUT joins the activation's port log.</li>
 * <li>End: the instruction at the return address with ESP above the entry's (RETURNED, EAX); an
 *     exception raised by its code (FAULTED). An interrupt or INT n taken inside it, a CR3 write
 *     or a change to ring 3 before it returns make it INTERRUPTED: not replayable, its data
 *     dropped; it stays open (capturing nothing) until it returns, so the handler's calls of the
 *     component are part of it, not activations of their own.</li>
 * </ul>
 */
final class KernelComponentCapture implements PrivilegeHook, InterruptHook, InstructionHook, MemoryHook, PortHook, Cr3Hook {
    private static final class Open {
        final UserRegisters entry;
        final int returnAddress;
        final ActivationMemory memory = new ActivationMemory();
        final PortLog.Builder ports = new PortLog.Builder();
        final TreeMap<Long, ElfSymbols.Function> functions = new TreeMap<>();
        final TreeSet<Long> loose = new TreeSet<>();
        final int slot;
        long count;
        boolean interrupted;

        Open(UserRegisters entry, int returnAddress, int slot) {
            this.entry = entry;
            this.returnAddress = returnAddress;
            this.slot = slot;
        }
    }

    private final ElfSymbols elf;
    private final long[] rangeStart, rangeEnd;
    private final GuestMemory guest;
    private Open open;
    /** Entry order: each activation's slot, filled when it closes. */
    private final List<ComponentActivation> closed = new ArrayList<>();
    private final List<PortLog> ports = new ArrayList<>();
    private final ExecutedCode code = new ExecutedCode();
    private boolean hooked;

    /** @param ranges the component: sorted, disjoint [start, end) pairs */
    KernelComponentCapture(GuestMemory guest, ElfSymbols elf, long[][] ranges) {
        this.guest = guest;
        this.elf = elf;
        rangeStart = new long[ranges.length];
        rangeEnd = new long[ranges.length];
        for (int i = 0; i < ranges.length; i++) {
            rangeStart[i] = ranges[i][0];
            rangeEnd[i] = ranges[i][1];
        }
    }

    /** Registers the capture; {@code cpu} is at reset (CPL 0). */
    void attach(Cpu cpu) {
        cpu.hooks.add((PrivilegeHook) this);
        cpu.hooks.add((InterruptHook) this);
        cpu.hooks.add((Cr3Hook) this);
        hook(cpu, cpu.cpl == 0);
    }

    private void hook(Cpu cpu, boolean on) {
        if (on == hooked) return;
        hooked = on;
        if (on) {
            cpu.hooks.add((InstructionHook) this);
            cpu.hooks.add((MemoryHook) this);
            cpu.hooks.add((PortHook) this);
        } else {
            cpu.hooks.remove((InstructionHook) this);
            cpu.hooks.remove((MemoryHook) this);
            cpu.hooks.remove((PortHook) this);
        }
    }

    @Override
    public void privilegeChanged(Cpu cpu, int fromCpl, int toCpl) {
        if (toCpl != 0 && open != null) open.interrupted = true;
        hook(cpu, toCpl == 0);
    }

    @Override
    public void cr3Written(Cpu cpu, int oldCr3, int newCr3) {
        if (open != null && oldCr3 != newCr3) open.interrupted = true;
    }

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (open == null || open.interrupted || cpu.cpl != 0) return;
        if (source == Source.EXCEPTION) close(ComponentActivation.End.FAULTED, 0, (UserExit.Fault) UserExits.of(cpu, vector, source, errorCode));
        else open.interrupted = true;
    }

    @Override
    public void beforeInstruction(Cpu cpu) {
        if (cpu.cpl != 0) return;
        long eip = Integer.toUnsignedLong(cpu.eip);
        if (open == null) {
            if (!inComponent(eip)) return;
            enter(cpu);
        } else if (cpu.eip == open.returnAddress && Integer.compareUnsigned(cpu.reg[Cpu.ESP], open.entry.get(Cpu.ESP)) > 0) {
            close(open.interrupted ? ComponentActivation.End.INTERRUPTED : ComponentActivation.End.RETURNED, cpu.reg[Cpu.EAX], null);
            return;
        }
        open.count++;
        if (open.interrupted) return;
        ElfSymbols.Function f = elf.at(eip);
        if (f != null) open.functions.putIfAbsent(f.start(), f);
        else open.loose.add(eip);
    }

    private void enter(Cpu cpu) {
        code.entered(cpu);
        int esp = cpu.seg[Cpu.SS].base + cpu.reg[Cpu.ESP];
        int returnAddress = (cpu.cr0 & 0x8000_0000) != 0 ? guest.virtualU32(cpu.cr3, esp) : guest.u32(esp);
        open = new Open(UserRegisters.of(cpu), returnAddress, closed.size());
        closed.add(null);
        ports.add(null);
    }

    private void close(ComponentActivation.End end, int eax, UserExit.Fault fault) {
        Open o = open;
        open = null;
        boolean keep = end.replayable();
        if (keep) code.add(o.functions, o.loose);
        closed.set(o.slot, new ComponentActivation(-1, o.entry, o.returnAddress, keep ? o.memory.loads() : List.of(), end, o.count, eax,
                fault, keep ? o.memory.writes() : List.of()));
        ports.set(o.slot, keep ? o.ports.build() : PortLog.empty());
    }

    private boolean inComponent(long a) {
        int i = Arrays.binarySearch(rangeStart, a);
        if (i < 0) i = -i - 2;
        return i >= 0 && a < rangeEnd[i];
    }

    private boolean capturing(Cpu cpu) {
        return open != null && !open.interrupted && cpu.cpl == 0;
    }

    @Override
    public void read(Cpu cpu, int linear, int physical, int size, int value) {
        if (capturing(cpu)) open.memory.read(linear, size, value);
    }

    @Override
    public void written(Cpu cpu, int linear, int physical, int size, int value) {
        if (capturing(cpu)) open.memory.write(linear, size, value);
    }

    @Override
    public void in(Cpu cpu, int port, int size, int value) {
        if (capturing(cpu)) open.ports.add(false, port, size, value);
    }

    @Override
    public void out(Cpu cpu, int port, int size, int value) {
        if (capturing(cpu)) open.ports.add(true, port, size, value);
    }

    /** Closes what is still open (UNFINISHED) and returns every activation in entry order. */
    List<ComponentActivation> finish() {
        if (open != null) close(ComponentActivation.End.UNFINISHED, 0, null);
        return List.copyOf(closed);
    }

    /** Each activation's port log, in entry order (empty for one not replayable). */
    List<PortLog> ports() {
        return List.copyOf(ports);
    }

    /** The settings and code of the replayable activations, for the slice's image. */
    ExecutedCode code() { return code; }
}
