package dev.kerf.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a guest under qemu-system-i386 (TCG) and times the whole process. */
final class QemuRun {
    record Sample(long nanos, String console) {}

    private QemuRun() {}

    static Sample run(Path kernel, String cmdline, long timeoutSeconds) throws IOException, InterruptedException {
        List<String> cmd = List.of("qemu-system-i386", "-kernel", kernel.toString(), "-append", cmdline,
                "-display", "none", "-serial", "stdio", "-nodefaults",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("qemu-system-i386 did not finish " + kernel.getFileName());
        }
        long nanos = System.nanoTime() - t0;
        if (p.exitValue() != 1)
            throw new IllegalStateException(kernel.getFileName() + " under QEMU exited with " + p.exitValue());
        return new Sample(nanos, new String(out, StandardCharsets.ISO_8859_1));
    }
}
