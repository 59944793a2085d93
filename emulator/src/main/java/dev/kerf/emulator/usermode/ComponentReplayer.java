package dev.kerf.emulator.usermode;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuStop;
import dev.kerf.emulator.hook.InstructionHook;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.MemoryHook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Replays one {@link ComponentActivation} on a fresh {@link UserModeMachine} that holds only the
 * component's code and the activation's first loads (every other byte is zero or unmapped): from
 * the entry registers at CPL 3 until the return to the recorded return address (ESP above the
 * entry's) or a fault. Divergences: a read of a byte the log does not hold, an instruction outside
 * the captured code, a system call, an end, EAX, fault, instruction count or written bytes other
 * than recorded.
 */
public final class ComponentReplayer implements InstructionHook, MemoryHook, InterruptHook {
    /** 256 MiB of frames: a hostile file cannot make the replayer allocate more. */
    private static final int MAX_PAGES = 1 << 16;
    private final ComponentImage image;
    private final ComponentActivation activation;
    private final long[] codeStart, codeEnd;
    private final ActivationMemory memory = new ActivationMemory();
    private boolean done;
    private String divergence;
    private long count;
    private int eax;
    private UserExit.Fault fault;

    private ComponentReplayer(ComponentImage image, ComponentActivation activation) {
        this.image = image;
        this.activation = activation;
        codeStart = new long[image.code().size()];
        codeEnd = new long[image.code().size()];
        for (int i = 0; i < codeStart.length; i++) {
            MemoryWrite w = image.code().get(i);
            codeStart[i] = Integer.toUnsignedLong(w.address());
            codeEnd[i] = codeStart[i] + w.bytes().length;
        }
    }

    /**
     * Replays {@code activation}; null when it verified, else what differed (one line). A slice that
     * cannot be set up is a {@link UserModeException}.
     */
    public static String replay(ComponentImage image, ComponentActivation activation) {
        return new ComponentReplayer(image, activation).run();
    }

    private String run() {
        List<MemoryWrite> contents = new ArrayList<>(image.code());
        contents.addAll(activation.loads());
        TreeSet<Integer> pages = new TreeSet<>();
        for (List<MemoryWrite> ws : List.of(contents, activation.writes())) {
            for (MemoryWrite w : ws) {
                for (long a = Integer.toUnsignedLong(w.address()) >>> 12; a <= (Integer.toUnsignedLong(w.address()) + w.bytes().length - 1) >>> 12; a++) {
                    pages.add((int) a);
                }
            }
        }
        if (pages.size() > MAX_PAGES) {
            throw new UserModeException("the activation touches " + pages.size() + " pages, more than a component replay maps (" + MAX_PAGES + ")");
        }
        List<PageMapping> mappings = new ArrayList<>();
        for (int p : pages) mappings.add(new PageMapping(p, true));
        ProcessImage process = new ProcessImage(activation.pid(), "component", image.cr0(), image.cr4(), image.segments(), new int[0],
                List.of(), activation.entry(), mappings, contents);
        UserModeMachine machine = new UserModeMachine(new ProcessSlice(process, List.of()));
        for (PageMapping m : mappings) machine.map(m);
        for (MemoryWrite w : contents) machine.write(w);
        for (MemoryWrite w : activation.loads()) memory.preload(w);
        machine.enterUser(activation.entry(), 0);
        Cpu cpu = machine.cpu();
        cpu.hooks.add((InstructionHook) this);
        cpu.hooks.add((MemoryHook) this);
        cpu.hooks.add((InterruptHook) this);
        CpuStop stop;
        try {
            stop = cpu.run(activation.instructions() + 16);
        } catch (UserModeException e) {
            return e.getMessage() + " after " + count + " instructions";
        }
        if (divergence != null) return divergence;
        if (!done) return "it did not return nor fault within " + count + " instructions (" + stop + "; recorded: " + activation.instructions() + ")";
        return compare();
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
                && Integer.compareUnsigned(cpu.reg[Cpu.ESP], activation.entry().get(Cpu.ESP)) > 0) {
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
