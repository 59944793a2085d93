package dev.kerf.emulator.introspect;

import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.RunResult;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A virtual-clock run of the guest OS (examples/guest, built by make) with a ProcessTracker attached. */
record GuestRun(String console, RunResult result, ProcessHistory history, ProcessTracker tracker) {
    private static final int RAM = 32 << 20;

    static GuestRun of(String cmdline) throws IOException, InterruptedException {
        return of(cmdline, (cpu, profile) -> { });
    }

    /** With {@code more} registering further hooks after the tracker's. */
    static GuestRun of(String cmdline, java.util.function.BiConsumer<dev.kerf.emulator.cpu.Cpu, GuestProfile> more)
            throws IOException, InterruptedException {
        Path kernel = kernel();
        Path initrd = kernel.resolveSibling("initrd.tar");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        MachineConfig config = new MachineConfig(kernel, cmdline,
                List.of(new MachineConfig.Module(initrd, initrd.toString())), RAM, true, null, null, null,
                2_000_000_000L, null, console);
        try (Machine machine = Machine.boot(config)) {
            KerfGuestProfile profile = KerfGuestProfile.read(machine.cpu().memory);
            ProcessHistory history = new ProcessHistory(profile);
            ProcessTracker tracker = new ProcessTracker(profile, new GuestMemory(machine.cpu().memory), history);
            tracker.attach(machine.cpu().hooks);
            more.accept(machine.cpu(), profile);
            RunResult result = machine.run();
            tracker.finish(machine.cpu());
            return new GuestRun(console.toString(StandardCharsets.ISO_8859_1), result, history, tracker);
        }
    }

    static Path kernel() throws IOException, InterruptedException {
        Path dir = root().resolve("examples/guest");
        List<String> cmd = new ArrayList<>(List.of("make", "-s", "-C", dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("make failed:\n" + log);
        Path kernel = dir.resolve("build/kernel.elf");
        if (!Files.isRegularFile(kernel)) throw new AssertionError(kernel + " was not built");
        return kernel;
    }

    private static Path root() {
        String prop = System.getProperty("kerf.root");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("examples")) && Files.isDirectory(d.resolve("emulator"))) return d;
        }
        throw new IllegalStateException("cannot find the kerf repository root (set -Dkerf.root)");
    }
}
