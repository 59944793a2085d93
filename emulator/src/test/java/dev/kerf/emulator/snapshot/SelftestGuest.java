package dev.kerf.emulator.snapshot;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.MachineTap;
import dev.kerf.emulator.machine.RunResult;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The guest OS's selftest scenario under the virtual clock (a plain run repeats exactly), with a
 * callback at chosen icounts, between CPU slices, where the machine's state may be read or replaced.
 */
final class SelftestGuest {
    static final int RAM = 32 << 20;

    private SelftestGuest() {}

    /** Runs selftest, calling {@code at} with the CPU at each of {@code stops} (increasing); stops after the last. */
    static RunResult run(long[] stops, Consumer<Cpu> at, ByteArrayOutputStream console) throws Exception {
        Path kernel = build();
        MachineConfig config = new MachineConfig(kernel, "scenario=selftest",
                List.of(new MachineConfig.Module(kernel.resolveSibling("initrd.tar"), "initrd.tar")), RAM, true,
                null, null, null, 0, null, console);
        Tap tap = new Tap(stops, at);
        try (Machine m = Machine.boot(config, tap)) {
            return m.run();
        }
    }

    private static final class Tap implements MachineTap {
        private final long[] stops;
        private final Consumer<Cpu> at;
        private Cpu cpu;
        private int next;

        Tap(long[] stops, Consumer<Cpu> at) {
            this.stops = stops;
            this.at = at;
        }

        @Override public CpuBus wrap(CpuBus live) { return live; }

        @Override public void attach(Cpu cpu) { this.cpu = cpu; }

        @Override public long nextBoundary() { return next < stops.length ? stops[next] : Long.MAX_VALUE; }

        @Override
        public boolean sliceEnded() {
            if (next < stops.length && cpu.icount == stops[next]) {
                at.accept(cpu);
                next++;
                return next < stops.length;
            }
            return true;
        }
    }

    /** examples/guest/build/kernel.elf, made first (a no-op when up to date). */
    static Path build() throws Exception {
        Path root = Path.of(System.getProperty("kerf.root", "")).toAbsolutePath();
        if (!Files.isDirectory(root.resolve("examples"))) {
            root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
            while (root != null && !Files.isDirectory(root.resolve("examples").resolve("guest"))) root = root.getParent();
        }
        if (root == null) throw new AssertionError("cannot find the kerf repository root");
        Path dir = root.resolve("examples").resolve("guest");
        Process p = new ProcessBuilder("make", "-s", "-C", dir.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("make failed:\n" + log);
        return dir.resolve("build").resolve("kernel.elf");
    }
}
