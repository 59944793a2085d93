package dev.kerf.testkit;

import com.sun.jna.NativeLibrary;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.opentest4j.TestAbortedException;

/**
 * The one gate for tests that need a Debian package beyond the build's own (JDK 17, Maven, gcc,
 * make, git): {@code HostPackages.require(HostPackages.QEMU)} at the start of the test.
 *
 * <p>When the package's probe fails the test is skipped with {@code requires Debian package X
 * (apt-get install X): why}, so {@code mvn -B verify} passes on a bare machine; with {@code CI=true}
 * (where {@code .ci/run} installs them all) the same check fails the test instead, so CI cannot
 * quietly lose the oracle.
 *
 * <p>The probes look where the code under test looks, so a package can be hidden without
 * uninstalling it: programs are searched on {@code PATH}; libcapstone is loaded through JNA, which
 * honours {@code -Djna.platform.library.path=/empty -Djna.library.path=/empty} (Maven passes
 * {@code -D} options on to the tests). Any package can also be declared missing by name with the
 * environment variable {@code KERF_HIDE_HOST_PACKAGES} or the system property
 * {@code kerf.hideHostPackages} (comma-separated, e.g. {@code qemu-system-x86,libcapstone4}).
 */
public final class HostPackages {
    /** One Debian package and how to tell, from the environment and system properties, whether it is usable. */
    public record HostPackage(String name, Function<Map<String, String>, String> probe) {
        /** Null when usable here, else why not (one phrase). */
        String problem(Map<String, String> env) {
            return probe.apply(env);
        }
    }

    /** qemu-system-i386, the reference machine of the differential tests. */
    public static final HostPackage QEMU = program("qemu-system-x86", "qemu-system-i386");
    /** libcapstone.so.4, loaded through JNA: disassembly in traces and the decoder cross-check. */
    public static final HostPackage CAPSTONE = library("libcapstone4", "capstone");
    /** python3, which writes the sample capture for scenario=net (examples/guest/pcap-feed.py, make pcap). */
    public static final HostPackage PYTHON3 = program("python3", "python3");
    /** gcc, for tests that assemble their own guest. */
    public static final HostPackage GCC = program("gcc", "gcc");
    /** ld, for tests that link their own guest. */
    public static final HostPackage BINUTILS = program("binutils", "ld");

    /**
     * A 32-bit Linux bzImage: the file named by {@code KERF_LINUX_KERNEL} or {@code -Dkerf.linuxKernel},
     * else {@code /boot/vmlinuz-*-686}. .ci/run downloads the package's kernel and sets the variable;
     * by hand: {@code dpkg --add-architecture i386; apt-get update; apt-get download
     * linux-image-6.1.0-NN-686:i386; dpkg-deb -x *.deb DIR}.
     */
    public static final HostPackage LINUX_KERNEL = new HostPackage("linux-image-686:i386",
            env -> linuxKernel(env, System.getProperties()) != null ? null
                    : "no 32-bit kernel: set KERF_LINUX_KERNEL (or -Dkerf.linuxKernel) to its vmlinuz");

    /** The kernel {@link #LINUX_KERNEL} found; call {@link #require} first. */
    public static Path linuxKernel() {
        Path p = linuxKernel(System.getenv(), System.getProperties());
        if (p == null) throw new IllegalStateException("HostPackages.require(LINUX_KERNEL) first");
        return p;
    }

    static Path linuxKernel(Map<String, String> env, Properties props) {
        String named = props.getProperty("kerf.linuxKernel", env.get("KERF_LINUX_KERNEL"));
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named);
            return Files.isRegularFile(p) && Files.isReadable(p) ? p : null;
        }
        try (var boot = Files.newDirectoryStream(Path.of("/boot"), "vmlinuz-*-686")) {
            for (Path p : boot) if (Files.isReadable(p)) return p;
        } catch (java.io.IOException | RuntimeException e) {
            // no /boot: no kernel
        }
        return null;
    }

    /** Names the environment variable and system property that declare packages missing. */
    public static final String HIDE_ENV = "KERF_HIDE_HOST_PACKAGES";
    public static final String HIDE_PROPERTY = "kerf.hideHostPackages";

    private HostPackages() {}

    /** Skips the calling test (fails it when CI=true) unless every package is usable. */
    public static void require(HostPackage... packages) {
        check(System.getenv(), System.getProperties(), packages);
    }

    /** True when the package is usable here (neither hidden nor failing its probe). */
    public static boolean present(HostPackage p) {
        return problem(p, System.getenv(), System.getProperties()) == null;
    }

    /** {@link #require} with the environment and system properties given (the tests of this class). */
    static void check(Map<String, String> env, Properties props, HostPackage... packages) {
        for (HostPackage p : packages) {
            String problem = problem(p, env, props);
            if (problem == null) continue;
            String message = "requires Debian package " + p.name() + " (apt-get install " + p.name() + "): " + problem;
            if ("true".equals(env.get("CI"))) throw new AssertionError(message + "; CI=true, where .ci/run installs it");
            throw new TestAbortedException(message);
        }
    }

    private static String problem(HostPackage p, Map<String, String> env, Properties props) {
        String hidden = env.getOrDefault(HIDE_ENV, "") + "," + props.getProperty(HIDE_PROPERTY, "");
        if (Arrays.stream(hidden.split(",")).map(String::strip).anyMatch(p.name()::equals))
            return "declared missing by " + HIDE_ENV + " or -D" + HIDE_PROPERTY;
        return p.problem(env);
    }

    /** A package that provides {@code command}, found on PATH as the tests' child processes would find it. */
    public static HostPackage program(String pkg, String command) {
        return new HostPackage(pkg, env -> onPath(env.get("PATH"), command) ? null : command + " is not on PATH");
    }

    static boolean onPath(String path, String command) {
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            try {
                if (Files.isExecutable(Path.of(dir, command))) return true;
            } catch (InvalidPathException e) {
                // not a directory name: nothing found there
            }
        }
        return false;
    }

    /** A package that provides the shared library {@code lib<name>.so*}, loaded through JNA as the code under test loads it. */
    public static HostPackage library(String pkg, String name) {
        return new HostPackage(pkg, env -> loadProblem(name));
    }

    private static String loadProblem(String name) {
        try {
            NativeLibrary.getInstance(name);
            return null;
        } catch (UnsatisfiedLinkError e) {
            String first = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("").replaceAll(":$", "");
            return "lib" + name + " cannot be loaded through JNA (" + first + ")";
        }
    }
}
