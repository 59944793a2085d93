package dev.kerf.emulator.machine;

import dev.kerf.testkit.HostPackages;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test-side access to guest images and to qemu-system-i386 as the reference machine: finds the
 * repository, builds an example image with make, runs it under QEMU with COM1 on stdout and the
 * isa-debug-exit device, exactly as the design's command line does.
 */
final class QemuGuest {
    static final String QEMU = "qemu-system-i386";

    /** What QEMU printed on COM1 and its exit status ((v << 1) | 1 after debug-exit). */
    record Output(byte[] console, int exitStatus) {}

    private QemuGuest() {}

    /** The repository root: system property kerf.root (Surefire sets it), else walk up from user.dir. */
    static Path repoRoot() {
        String prop = System.getProperty("kerf.root");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "examples"))) return Path.of(prop);
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent())
            if (Files.isDirectory(d.resolve("examples")) && Files.isDirectory(d.resolve("emulator"))) return d;
        throw new IllegalStateException("cannot find the kerf repository root above " + dir + " (set -Dkerf.root)");
    }

    /** Runs {@code make -C examples/NAME} (a no-op when up to date) and returns build/ELF. */
    static Path buildExample(String name, String elf) throws IOException, InterruptedException {
        Path dir = repoRoot().resolve("examples").resolve(name);
        Path image = dir.resolve("build").resolve(elf);
        if (onPath("make")) make(dir);
        if (!Files.exists(image)) throw new AssertionError("guest image " + image + " is missing and make is not available");
        return image;
    }

    /** Runs {@code make -s -C DIR ARGS...}; a failure (or 5 minutes) is an AssertionError with make's output. */
    static void make(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("make", "-s", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0)
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + log);
    }

    /** Skips the test when QEMU is missing, unless CI=true, where a missing oracle is a failure. */
    static void requireQemu() {
        HostPackages.require(HostPackages.QEMU);
    }

    /** Boots {@code kernel} under QEMU (TCG) and collects COM1 until the guest exits or the timeout hits. */
    static Output run(Path kernel, String append, long timeoutSeconds) throws IOException, InterruptedException {
        return run(kernel, append, List.of(), timeoutSeconds);
    }

    /** As {@link #run(Path, String, long)}, with more QEMU arguments (modules, RAM, devices) after the standard ones. */
    static Output run(Path kernel, String append, List<String> extra, long timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(QEMU, "-kernel", kernel.toString()));
        if (append != null && !append.isEmpty()) cmd.addAll(List.of("-append", append));
        cmd.addAll(List.of("-display", "none", "-serial", "stdio", "-nodefaults",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"));
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getInputStream(), out), "qemu-stdout");
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            throw new AssertionError(QEMU + " did not finish within " + timeoutSeconds + " s; output so far:\n"
                    + tail(out.toString(), 20));
        }
        reader.join(10_000);
        return new Output(out.toByteArray(), p.exitValue());
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            // the process ended; what was read is what it printed
        }
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator))
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        return false;
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return String.join("\n", List.of(all).subList(from, all.length));
    }
}
