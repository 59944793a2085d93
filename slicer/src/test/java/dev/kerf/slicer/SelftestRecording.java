package dev.kerf.slicer;

import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.recorder.Recorder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A recording of the guest OS's selftest scenario (virtual clock), made once per test class. */
public final class SelftestRecording {
    private SelftestRecording() {}

    /** Records into {@code dir}/selftest.kerf and returns that path. */
    public static Path record(Path dir) throws IOException, InterruptedException {
        Path kernel = kernel();
        Path out = dir.resolve("selftest.kerf");
        MachineConfig config = new MachineConfig(kernel, "scenario=selftest",
                List.of(new MachineConfig.Module(kernel.resolveSibling("initrd.tar"), "")), 32 << 20, true, null, null, null,
                2_000_000_000L, new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream());
        try (Recorder r = Recorder.start(out, config, "test", Recorder.DEFAULT_HASH_EVERY)) {
            Recorder.Outcome o = r.run();
            if (o.failure() != null) throw o.failure();
        }
        return out;
    }

    private static synchronized Path kernel() throws IOException, InterruptedException {
        String root = System.getProperty("kerf.root");
        if (root == null) throw new IllegalStateException("kerf.root is not set: run the tests through Maven");
        Path dir = Path.of(root).resolve("examples/guest");
        Process make = new ProcessBuilder("make", "-s", "-C", dir.toString()).inheritIO().start();
        if (make.waitFor() != 0) throw new IllegalStateException("make -C " + dir + " failed");
        Path kernel = dir.resolve("build/kernel.elf");
        if (!Files.isRegularFile(kernel)) throw new IllegalStateException(kernel + " was not built");
        return kernel;
    }
}
