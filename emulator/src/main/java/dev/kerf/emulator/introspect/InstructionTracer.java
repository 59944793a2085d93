package dev.kerf.emulator.introspect;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.disasm.Disassembler;
import dev.kerf.emulator.hook.InstructionHook;

/**
 * An instruction trace of user-mode code: before each instruction at CPL 3 whose process and
 * icount the filter accepts, the sink gets it disassembled. The process is the
 * {@link ProcessTracker}'s user pid, so the tracker must be attached first (its privilege hook
 * runs before the next instruction is announced). An instruction that faults is announced and
 * then announced again when it is retried (same icount).
 */
public final class InstructionTracer implements InstructionHook {
    /** Which instructions to show. */
    @FunctionalInterface
    public interface Filter {
        boolean accept(long icount, int pid, String name);
    }

    /** Where they go. */
    @FunctionalInterface
    public interface Sink {
        void instruction(long icount, int pid, String name, int eip, String text);
    }

    private final ProcessTracker tracker;
    private final Disassembler disassembler;
    private final Filter filter;
    private final Sink sink;

    public InstructionTracer(ProcessTracker tracker, Disassembler disassembler, Filter filter, Sink sink) {
        this.tracker = tracker;
        this.disassembler = disassembler;
        this.filter = filter;
        this.sink = sink;
    }

    @Override
    public void beforeInstruction(Cpu cpu) {
        if (cpu.cpl != 3) return;
        int pid = tracker.userPid();
        if (pid < 0) return;
        String name = tracker.nameOf(pid);
        if (!filter.accept(cpu.icount, pid, name)) return;
        sink.instruction(cpu.icount, pid, name, cpu.eip, disassembler.at(cpu));
    }
}
