package dev.kerf.emulator.cpu;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Build steps of the native oracles (a C harness compiled and probed at test time). */
public final class NativeBuild {
    private NativeBuild() {}

    /**
     * Runs {@code cmd} with no input, its output to {@code log}; its exit status, or -1 when it
     * cannot start (no gcc, or a binary the kernel cannot execute) or runs over a minute.
     */
    public static int exec(List<String> cmd, Path log) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            return -1;
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
