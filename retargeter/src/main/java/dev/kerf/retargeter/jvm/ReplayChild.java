package dev.kerf.retargeter.jvm;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The one way kerf starts the JVM a replay runs in ({@link JvmReplayer}; with a debugger too). The
 * child is {@code java} from this JVM's {@code java.home} with:
 * <ul>
 *   <li>a class path of its own: a fresh temporary directory holding only the classes the child's
 *       side needs ({@link #CLASSES} and their nested classes), copied from kerf's;</li>
 *   <li>an empty environment and that directory as its working directory;</li>
 *   <li>the budget: {@code -Xmx} ({@link ReplayLimits#maxHeapBytes}), class metadata and direct
 *       buffers capped, {@code -XX:+ExitOnOutOfMemoryError} (exit status 3: over budget, whatever
 *       the program catches), and a wall-clock timeout after which kerf kills it;</li>
 *   <li>fixed settings, so the verdict does not depend on the host's: one processor, locale en-US,
 *       time zone UTC, {@code file.encoding} ISO-8859-1 (minijvm's byte per char);</li>
 *   <li>{@code -Djava.security.manager=allow} for {@link SandboxMain}'s security manager;</li>
 *   <li>with a port: {@code -agentlib:jdwp=transport=dt_socket,server=y,suspend=y,quiet=y,address=PORT}.</li>
 * </ul>
 * Its stdin and stdout carry {@link ReplayProtocol}; the JVM's own messages go to its stderr, of
 * which the last few KiB are kept for an error message. Closing kills it (and anything it
 * started) and deletes the directory; so does a shutdown hook, should kerf be stopped (Ctrl-C)
 * while it runs.
 */
final class ReplayChild implements AutoCloseable {
    /** What the child runs: its main class and every class that code reaches (each with its nested classes). */
    static final List<Class<?>> CLASSES = List.of(SandboxMain.class, SandboxSecurityManager.class, ChildNatives.class, ReplayProtocol.class,
            CallerFrame.class, JvmClassLoader.class, MissingClass.class, UncaughtText.class, CharBytes.class, ActiveReplay.class,
            SysNatives.class, JvmClass.class, JvmReplayException.class, NativeKind.class, kerf.Sys.class);
    /** The child's exit status when it ran out of memory ({@code -XX:+ExitOnOutOfMemoryError}). */
    static final int OUT_OF_MEMORY_STATUS = 3;
    private static final int STDERR_KEPT = 4096;

    private final Process process;
    private final Path classpath;
    private final Thread cleanup;
    private final byte[] stderr = new byte[STDERR_KEPT];
    private int stderrLength;
    private volatile boolean timedOut;
    private final DataInputStream fromChild;
    private final DataOutputStream toChild;

    private ReplayChild(Process process, Path classpath) {
        this.process = process;
        this.classpath = classpath;
        this.fromChild = new DataInputStream(new BufferedInputStream(process.getInputStream()));
        this.toChild = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
        this.cleanup = new Thread(this::destroy, "kerf-replay-jvm-cleanup");
    }

    /** Starts a child under {@code limits}. */
    static ReplayChild start(ReplayLimits limits) throws IOException {
        Path dir = Files.createTempDirectory("kerf-replay-jvm-");
        Process p;
        try {
            copyClasses(dir);
            ProcessBuilder pb = new ProcessBuilder(command(dir, limits)).directory(dir.toFile());
            pb.environment().clear();
            p = pb.start();
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
        ReplayChild child = new ReplayChild(p, dir);
        try {
            Runtime.getRuntime().addShutdownHook(child.cleanup);
        } catch (IllegalStateException e) { // kerf is already shutting down: no replay now
            child.destroy();
            throw e;
        }
        child.daemon(child::keepStderr, "kerf-replay-jvm-stderr");
        if (limits.timeoutMillis() > 0) child.daemon(() -> child.killAfter(limits.timeoutMillis()), "kerf-replay-jvm-timeout");
        return child;
    }

    /** The child's command line. */
    static List<String> command(Path classpath, ReplayLimits limits) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + limits.maxHeapBytes());
        cmd.add("-XX:MaxMetaspaceSize=128m");
        cmd.add("-XX:MaxDirectMemorySize=16m");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:+DisplayVMOutputToStderr");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:ActiveProcessorCount=1");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-XX:ErrorFile=" + classpath.resolve("hs_err.log"));
        cmd.add("-Djava.security.manager=allow");
        cmd.add("-Dfile.encoding=ISO-8859-1");
        cmd.add("-Duser.language=en");
        cmd.add("-Duser.country=US");
        cmd.add("-Duser.timezone=UTC");
        if (limits.jdwpPort() != 0) {
            cmd.add("-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,quiet=y,address=" + limits.jdwpPort());
        }
        cmd.add("-cp");
        cmd.add(classpath.toString());
        cmd.add(SandboxMain.class.getName());
        return cmd;
    }

    /** Copies {@link #CLASSES} and their nest members from kerf's own class path into {@code dir}. */
    static void copyClasses(Path dir) throws IOException {
        for (Class<?> top : CLASSES) {
            for (Class<?> c : top.getNestMembers()) {
                String path = c.getName().replace('.', '/') + ".class";
                Path to = dir.resolve(path);
                if (Files.exists(to)) continue;
                Files.createDirectories(to.getParent());
                try (InputStream in = ReplayChild.class.getClassLoader().getResourceAsStream(path)) {
                    if (in == null) throw new IOException("kerf's class " + path + " is not on its class path");
                    Files.copy(in, to);
                }
            }
        }
    }

    DataInputStream fromChild() {
        return fromChild;
    }

    DataOutputStream toChild() {
        return toChild;
    }

    /** True when the timeout killed the child. */
    boolean timedOut() {
        return timedOut;
    }

    /** Waits for the child's end (it closed its stdout: it is ending) at most a few seconds; its exit status, or -1. */
    int exitStatus() throws InterruptedException {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            destroy();
            return -1;
        }
        return process.exitValue();
    }

    /**
     * What the child said last on stderr: its first {@code ERROR} line if any (a JDWP agent that
     * cannot bind its port says why there), else its last line that is not the JVM's deprecation
     * warning; or "".
     */
    String stderrLastLine() {
        String s;
        synchronized (stderr) {
            s = new String(stderr, 0, stderrLength, StandardCharsets.UTF_8);
        }
        String last = "";
        for (String line : s.split("\n")) {
            if (line.startsWith("ERROR: ")) return line.strip();
            if (!line.isBlank() && !line.startsWith("WARNING: ")) last = line.strip();
        }
        return last;
    }

    /** Kills the child (and anything it started), waits for it, deletes its class path. */
    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // kerf is shutting down: the hook is doing the same
        }
        destroy();
    }

    private void destroy() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            deleteTree(classpath);
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is no reason to fail the replay
        }
    }

    private void killAfter(long millis) {
        try {
            if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
                timedOut = true;
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            // not reached: nobody interrupts this thread
        }
    }

    private void keepStderr() {
        byte[] buf = new byte[4096];
        try (InputStream in = process.getErrorStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (stderr) {
                    if (n >= STDERR_KEPT) {
                        System.arraycopy(buf, n - STDERR_KEPT, stderr, 0, STDERR_KEPT);
                        stderrLength = STDERR_KEPT;
                    } else {
                        int keep = Math.min(stderrLength, STDERR_KEPT - n);
                        System.arraycopy(stderr, stderrLength - keep, stderr, 0, keep);
                        System.arraycopy(buf, 0, stderr, keep, n);
                        stderrLength = keep + n;
                    }
                }
            }
        } catch (IOException e) {
            // the child is gone
        }
    }

    private void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        }
    }
}
