package dev.kerf.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Guest MIPS of kerf against qemu-system-i386 (TCG) on the benchmark guests of examples/bench,
 * measured in one run (design §9; issue 2, must-show 6). Run it through bench/run.sh.
 *
 * <p>kerf: MIPS = icount / wall time of {@code Machine.run()} (virtual clock, boot excluded),
 * median of {@code --reps} runs after one warm-up run. QEMU: whole-process wall time at n rounds
 * minus the same at n = 0 (start-up), median of {@code --reps}; its instruction count is kerf's
 * per-round count times n, which is exact for (a) and (b) and within the IRQ handler's few
 * instructions per tick for (c). Before timing, kerf and QEMU run the same n and must print the
 * same line.
 *
 * <p>kerf runs with its default engine (the block translator) and, for comparison, with the
 * interpreter alone ({@code Cpu.Engine.INTERPRETER}, an eighth of the rounds, one warm-up, median of
 * {@code --reps}): the last two columns.
 *
 * <p>Each figure is also given per CPU-second (kerf: the running thread's CPU time; QEMU: the
 * process's user+system time from /usr/bin/time, net of start-up), which is steadier than wall
 * time on a shared machine.
 */
public final class MachineBench {
    private MachineBench() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        int reps = 5;
        double scale = 1.0;
        List<String> only = List.of("loop", "memory", "pit");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                case "--only" -> only = Arrays.asList(args[++i].split(","));
                default -> {
                    System.err.println("usage: MachineBench [--root DIR] [--reps N] [--scale F] [--only loop,memory,pit]");
                    System.exit(2);
                }
            }
        }
        Path build = root.resolve("examples/bench/build");
        List<Workload> all = List.of(
                new Workload("(a) integer loop", build.resolve("loop.elf"), round(20e6 * scale), round(400e6 * scale)),
                new Workload("(b) memory, paging on", build.resolve("memory.elf"), round(5e6 * scale), round(100e6 * scale)),
                new Workload("(c) loop + PIT 1 kHz", build.resolve("pit.elf"), round(20e6 * scale), round(400e6 * scale)));
        List<String> rows = new ArrayList<>();
        for (Workload w : all) {
            String file = w.kernel().getFileName().toString().replace(".elf", "");
            if (!only.contains(file)) continue;
            if (!Files.exists(w.kernel())) throw new IllegalStateException(w.kernel() + " missing: run make -C examples/bench");
            rows.add(measure(w, reps));
        }
        System.out.printf(Locale.ROOT, "java %s, %d cpus, reps=%d%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), reps);
        System.out.println("| workload | kerf insns | kerf MIPS | kerf MIPS/CPU-s | QEMU insns | QEMU MIPS | QEMU MIPS/CPU-s"
                + " | kerf/QEMU (wall) | kerf/QEMU (CPU) | interpreter MIPS/CPU-s | translator/interpreter (CPU) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    private static String measure(Workload w, int reps) throws Exception {
        KerfRun.Sample base = KerfRun.run(w.kernel(), w.cmdline(0));
        KerfRun.Sample check = KerfRun.run(w.kernel(), w.cmdline(w.kerfRounds())); // also the JIT warm-up
        QemuRun.Sample qcheck = QemuRun.run(w.kernel(), w.cmdline(w.kerfRounds()), 600);
        if (!check.console().equals(qcheck.console()))
            throw new IllegalStateException(w.name() + ": kerf printed " + check.console().strip() + " but QEMU "
                    + qcheck.console().strip());
        long[] kerfNanos = new long[reps], kerfCpu = new long[reps];
        long icount = check.icount();
        for (int i = 0; i < reps; i++) {
            KerfRun.Sample s = KerfRun.run(w.kernel(), w.cmdline(w.kerfRounds()));
            kerfNanos[i] = s.nanos();
            kerfCpu[i] = s.cpuNanos();
            icount = s.icount();
        }
        long interpRounds = Math.max(1, w.kerfRounds() / 8); // the interpreter is several times slower
        KerfRun.run(w.kernel(), w.cmdline(interpRounds), dev.kerf.emulator.cpu.Cpu.Engine.INTERPRETER); // warm-up
        long[] interpCpu = new long[reps];
        long interpIcount = 0;
        for (int i = 0; i < reps; i++) {
            KerfRun.Sample s = KerfRun.run(w.kernel(), w.cmdline(interpRounds), dev.kerf.emulator.cpu.Cpu.Engine.INTERPRETER);
            interpCpu[i] = s.cpuNanos();
            interpIcount = s.icount();
        }
        double interpCpuMips = interpIcount * 1000.0 / median(interpCpu);
        double perRound = (double) (icount - base.icount()) / w.kerfRounds();
        long[] q0 = new long[reps], qn = new long[reps], q0cpu = new long[reps], qncpu = new long[reps];
        for (int i = 0; i < reps; i++) {
            QemuRun.Sample zero = QemuRun.run(w.kernel(), w.cmdline(0), 600);
            QemuRun.Sample full = QemuRun.run(w.kernel(), w.cmdline(w.qemuRounds()), 600);
            q0[i] = zero.nanos();
            qn[i] = full.nanos();
            q0cpu[i] = zero.cpuNanos();
            qncpu[i] = full.cpuNanos();
        }
        double qemuInsns = perRound * w.qemuRounds();
        double kerfMips = icount * 1000.0 / median(kerfNanos);
        double kerfCpuMips = icount * 1000.0 / median(kerfCpu);
        double qemuMips = qemuInsns * 1000.0 / Math.max(1, median(qn) - median(q0));
        boolean qemuCpuKnown = q0cpu[0] >= 0;
        double qemuCpuMips = qemuCpuKnown ? qemuInsns * 1000.0 / Math.max(1, median(qncpu) - median(q0cpu)) : Double.NaN;
        System.err.printf(Locale.ROOT, "%s: kerf %.1f MIPS (%.1f per CPU-s; interpreter %.1f), QEMU %.1f MIPS (%.1f per CPU-s)%n",
                w.name(), kerfMips, kerfCpuMips, interpCpuMips, qemuMips, qemuCpuMips);
        return String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %,.0f | %.1f | %.1f | %.3f | %.3f | %.1f | %.1f |", w.name(), icount,
                kerfMips, kerfCpuMips, qemuInsns, qemuMips, qemuCpuMips, kerfMips / qemuMips, kerfCpuMips / qemuCpuMips,
                interpCpuMips, kerfCpuMips / interpCpuMips);
    }

    private static long median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static long round(double x) {
        return Math.max(1, Math.round(x));
    }
}
