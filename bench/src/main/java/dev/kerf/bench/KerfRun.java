package dev.kerf.bench;

import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.RunResult;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a guest in kerf with the virtual clock and times {@code Machine.run()} (boot excluded), in
 * wall time and in the CPU time of the thread running it (the CPU runs in the caller's thread).
 */
final class KerfRun {
    private static final int RAM = 128 << 20;

    /** Instructions retired, wall time of the run, and what the guest printed. */
    record Sample(long icount, long nanos, long cpuNanos, String console, RunResult result) {
        double mips() {
            return icount * 1000.0 / nanos;
        }
    }

    private KerfRun() {}

    static Sample run(Path kernel, String cmdline) throws IOException {
        return run(kernel, cmdline, dev.kerf.emulator.cpu.Cpu.Engine.TRANSLATOR);
    }

    /** As {@link #run(Path, String)} with the CPU executing through {@code engine}. */
    static Sample run(Path kernel, String cmdline, dev.kerf.emulator.cpu.Cpu.Engine engine) throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        MachineConfig config = new MachineConfig(kernel, cmdline, List.of(), RAM, true, null, null, null, 0, null, console);
        try (Machine machine = Machine.boot(config)) {
            machine.cpu().setEngine(engine);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            RunResult result = machine.run();
            long nanos = System.nanoTime() - t0;
            long cpuNanos = threads.getCurrentThreadCpuTime() - c0;
            if (result.reason() != RunResult.Reason.EXIT)
                throw new IllegalStateException(kernel.getFileName() + " under kerf ended with " + result);
            return new Sample(result.icount(), nanos, cpuNanos, console.toString(StandardCharsets.ISO_8859_1), result);
        }
    }
}
