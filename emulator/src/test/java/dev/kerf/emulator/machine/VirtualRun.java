package dev.kerf.emulator.machine;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assertions;

/** A Multiboot guest run on kerf with a virtual clock and its COM1 output captured (the differential tests' kerf side). */
record VirtualRun(RunResult result, byte[] console) {
    static VirtualRun of(Path kernel, String cmdline, int ramBytes, long maxInsns) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        MachineConfig config = new MachineConfig(kernel, cmdline, List.of(), ramBytes, true, null, null, null, maxInsns,
                null, console);
        RunResult result = Assertions.assertTimeoutPreemptively(Duration.ofMinutes(5), () -> {
            try (Machine machine = Machine.boot(config)) {
                return machine.run();
            }
        });
        return new VirtualRun(result, console.toByteArray());
    }
}
