package dev.kerf.emulator.usermode;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuStop;
import dev.kerf.emulator.hook.InstructionHook;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.MemoryHook;

import java.util.Arrays;
import java.util.List;

/**
 * Runs one {@link ComponentActivation} on a machine already holding the code and the first loads
 * (user-mode or ring-0: the caller built it and put the CPU in the entry state) and compares the
 * result with the recording: from the entry registers until the return to the recorded return
 * address (ESP at or above the entry's: above it after a RET, equal where an activation entered
 * mid-function left its address range) or an exception. Divergences: a read of a byte the log does not
 * hold, an instruction outside the carried code, an INT n or interrupt, an end, EAX, fault,
 * instruction count or written bytes other than recorded.
 */
public final class ActivationRun implements InstructionHook, MemoryHook, InterruptHook {
    private final ComponentActivation activation;
    private final long[] codeStart, codeEnd;
    private final ActivationMemory memory = new ActivationMemory();
    private boolean done;
    private String divergence;
    private long count;
    private int eax;
    private UserExit.Fault fault;

    public ActivationRun(List<MemoryWrite> code, ComponentActivation activation) {
        this.activation = activation;
        codeStart = new long[code.size()];
        codeEnd = new long[code.size()];
        for (int i = 0; i < codeStart.length; i++) {
            MemoryWrite w = code.get(i);
            codeStart[i] = Integer.toUnsignedLong(w.address());
            codeEnd[i] = codeStart[i] + w.bytes().length;
        }
        for (MemoryWrite w : activation.loads()) memory.preload(w);
    }

    /**
     * Runs {@code cpu} (in the entry state) with this run's hooks; null when the activation
     * verified, else what differed (one line). A {@code RuntimeException} of type {@code machineError}
     * thrown by the machine (its bus, say) is a divergence too.
     */
    public String run(Cpu cpu, Class<? extends RuntimeException> machineError) {
        cpu.hooks.add((InstructionHook) this);
        cpu.hooks.add((MemoryHook) this);
        cpu.hooks.add((InterruptHook) this);
        CpuStop stop;
        try {
            stop = cpu.run(activation.instructions() + 16);
        } catch (RuntimeException e) {
            if (!machineError.isInstance(e)) throw e;
            return e.getMessage() + " after " + count + " instructions";
        }
        if (divergence != null) return divergence;
        if (!done) return "it did not return nor fault within " + count + " instructions (" + stop + "; recorded: " + activation.instructions() + ")";
        return compare();
    }

    /** Instructions run so far (for a machine reporting its own divergence). */
    public long count() {
        return count;
    }

    private String compare() {
        if (fault != null && activation.end() != ComponentActivation.End.FAULTED) {
            return "it faulted (" + fault.describe() + ") where the recording returned";
        }
        if (fault == null && activation.end() == ComponentActivation.End.FAULTED) {
            return "it returned where the recording faulted (" + activation.fault().describe() + ")";
        }
        if (fault != null && !fault.equals(activation.fault())) {
            return "it faulted with " + fault.describe() + ", recorded " + activation.fault().describe();
        }
        if (fault == null && eax != activation.eax()) {
            return String.format("it returned eax=0x%08x, recorded 0x%08x", eax, activation.eax());
        }
        if (count != activation.instructions()) return "it ran " + count + " instructions, recorded " + activation.instructions();
        List<MemoryWrite> writes = memory.writes();
        if (!same(writes, activation.writes())) return "its writes differ: " + firstDifference(writes, activation.writes());
        return null;
    }

    private static boolean same(List<MemoryWrite> a, List<MemoryWrite> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).address() != b.get(i).address() || !Arrays.equals(a.get(i).bytes(), b.get(i).bytes())) return false;
        }
        return true;
    }

    private static String firstDifference(List<MemoryWrite> got, List<MemoryWrite> want) {
        for (int i = 0; i < Math.min(got.size(), want.size()); i++) {
            MemoryWrite g = got.get(i), w = want.get(i);
            if (g.address() != w.address() || !Arrays.equals(g.bytes(), w.bytes())) {
                return String.format("run %d: wrote %d bytes at 0x%08x, recorded %d bytes at 0x%08x", i, g.bytes().length, g.address(),
                        w.bytes().length, w.address());
            }
        }
        return got.size() + " runs written, recorded " + want.size();
    }

    private void diverge(Cpu cpu, String what) {
        if (divergence == null) divergence = what + " (instruction " + count + ")";
        done = true;
        cpu.requestStop();
    }

    private boolean inCode(long a) {
        int i = Arrays.binarySearch(codeStart, a);
        if (i < 0) i = -i - 2;
        return i >= 0 && a < codeEnd[i];
    }

    @Override
    public void beforeInstruction(Cpu cpu) {
        if (done) return;
        if (cpu.eip == activation.returnAddress()
                && Integer.compareUnsigned(cpu.reg[Cpu.ESP], activation.entry().get(Cpu.ESP)) >= 0) {
            done = true;
            eax = cpu.reg[Cpu.EAX];
            cpu.requestStop();
            return;
        }
        count++;
        if (!inCode(Integer.toUnsignedLong(cpu.eip))) diverge(cpu, String.format("it executes 0x%08x, outside the captured code", cpu.eip));
    }

    @Override
    public void read(Cpu cpu, int linear, int physical, int size, int value) {
        if (done) return;
        long missing = memory.uncovered(linear, size);
        if (missing >= 0) diverge(cpu, String.format("it loads 0x%08x, a byte the log does not hold", missing));
    }

    @Override
    public void written(Cpu cpu, int linear, int physical, int size, int value) {
        if (!done) memory.write(linear, size, value);
    }

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (done) return;
        if (source == Source.EXCEPTION) {
            fault = (UserExit.Fault) UserExits.of(cpu, vector, source, errorCode);
            done = true;
            cpu.requestStop();
        } else {
            diverge(cpu, "it made a system call or took an interrupt (vector " + vector + ")");
        }
    }
}
