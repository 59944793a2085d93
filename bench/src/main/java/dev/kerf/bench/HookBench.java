package dev.kerf.bench;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.Cr3Hook;
import dev.kerf.emulator.hook.InstructionHook;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.MemoryHook;
import dev.kerf.emulator.hook.PrivilegeHook;
import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.RunResult;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Guest MIPS of kerf on a benchmark guest with one set of replay-time hooks registered (issue 5,
 * must-show 4): {@code none}, {@code slow} (interrupt + privilege + CR3 hooks, what OS
 * introspection registers), {@code memwrite} (a memory hook counting writes) or {@code insn} (an
 * instruction hook counting). One mode per JVM, so the JIT profile of one mode does not shape
 * another's; bench/hooks.sh runs the modes and prints the table. Mode {@code none} touches no
 * hook class, so this file also builds and runs against the emulator before hooks existed (the
 * baseline of the "costs nothing" row).
 *
 * <p>MIPS = icount / time of {@code Machine.run()} (virtual clock, boot excluded), median of
 * {@code --reps} runs after one warm-up run, in wall time and in the running thread's CPU time.
 */
public final class HookBench {
    private static final int RAM = 128 << 20;

    private HookBench() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        String mode = "none", label = null;
        String workload = "loop";
        int reps = 5;
        double scale = 1.0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--label" -> label = args[++i];
                case "--workload" -> workload = args[++i];
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                default -> {
                    System.err.println("usage: HookBench [--root DIR] [--mode none|slow|memwrite|insn] [--label TEXT]"
                            + " [--workload loop|memory|pit] [--reps N] [--scale F]");
                    System.exit(2);
                }
            }
        }
        if (!List.of("none", "slow", "memwrite", "insn").contains(mode)) {
            System.err.println("unknown mode " + mode + " (none, slow, memwrite, insn)");
            System.exit(2);
        }
        Path kernel = root.resolve("examples/bench/build/" + workload + ".elf");
        if (!Files.exists(kernel)) throw new IllegalStateException(kernel + " missing: run make -C examples/bench");
        long rounds = Math.max(1, Math.round((workload.equals("memory") ? 5e6 : 20e6) * scale));
        String cmdline = "n=" + rounds;
        long[] counted = new long[1];
        run(kernel, cmdline, mode, counted); // warm-up
        long[] wall = new long[reps], cpu = new long[reps];
        long icount = 0;
        for (int i = 0; i < reps; i++) {
            counted[0] = 0;
            long[] s = run(kernel, cmdline, mode, counted);
            icount = s[0];
            wall[i] = s[1];
            cpu[i] = s[2];
        }
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %,d | %.1f | %.1f | %,d |%n", workload, label != null ? label : mode, mode,
                icount, icount * 1000.0 / median(wall), icount * 1000.0 / median(cpu), counted[0]);
    }

    /** One run: {icount, wall nanos, thread CPU nanos}; {@code counted[0]} gets the hook calls. */
    private static long[] run(Path kernel, String cmdline, String mode, long[] counted) throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        MachineConfig config = new MachineConfig(kernel, cmdline, List.of(), RAM, true, null, null, null, 0, null, console);
        try (Machine machine = Machine.boot(config)) {
            if (!mode.equals("none")) Registrar.register(machine.cpu(), mode, counted);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            RunResult result = machine.run();
            long nanos = System.nanoTime() - t0;
            long cpuNanos = threads.getCurrentThreadCpuTime() - c0;
            if (result.reason() != RunResult.Reason.EXIT)
                throw new IllegalStateException(kernel.getFileName() + " under kerf ended with " + result);
            return new long[] {result.icount(), nanos, cpuNanos};
        }
    }

    private static long median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Kept apart so that mode none never loads a hook class. */
    private static final class Registrar {
        static void register(Cpu cpu, String mode, long[] counted) {
            switch (mode) {
                case "slow" -> {
                    cpu.hooks.add((InterruptHook) (c, vector, source, errorCode) -> counted[0]++);
                    cpu.hooks.add((PrivilegeHook) (c, from, to) -> counted[0]++);
                    cpu.hooks.add((Cr3Hook) (c, oldCr3, newCr3) -> counted[0]++);
                }
                case "memwrite" -> cpu.hooks.add(new MemoryHook() {
                    @Override public void written(Cpu c, int linear, int physical, int size, int value) { counted[0]++; }
                });
                case "insn" -> cpu.hooks.add((InstructionHook) c -> counted[0]++);
                default -> throw new IllegalArgumentException(mode);
            }
        }
    }
}
