package dev.kerf.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a guest under qemu-system-i386 (TCG) and times the whole process (wall and, via /usr/bin/time, CPU). */
final class QemuRun {
    /** Wall time; user+system CPU time of the process (-1 when /usr/bin/time is not there). */
    record Sample(long nanos, long cpuNanos, String console) {}

    private static final Path TIME = Path.of("/usr/bin/time");

    private QemuRun() {}

    static Sample run(Path kernel, String cmdline, long timeoutSeconds) throws IOException, InterruptedException {
        Path cpuFile = Files.createTempFile("kerf-bench-qemu", ".time");
        List<String> qemu = List.of("qemu-system-i386", "-kernel", kernel.toString(), "-append", cmdline,
                "-display", "none", "-serial", "stdio", "-nodefaults",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");
        boolean timed = Files.isExecutable(TIME);
        List<String> cmd = new ArrayList<>();
        if (timed) cmd.addAll(List.of(TIME.toString(), "-f", "%U %S", "-o", cpuFile.toString()));
        cmd.addAll(qemu);
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
        long cpuNanos = -1;
        if (timed) {
            String[] us = Files.readString(cpuFile).trim().split("\\s+");
            String[] last = Arrays.copyOfRange(us, us.length - 2, us.length);
            cpuNanos = Math.round((Double.parseDouble(last[0]) + Double.parseDouble(last[1])) * 1e9);
        }
        Files.deleteIfExists(cpuFile);
        return new Sample(nanos, cpuNanos, new String(out, StandardCharsets.ISO_8859_1));
    }
}
