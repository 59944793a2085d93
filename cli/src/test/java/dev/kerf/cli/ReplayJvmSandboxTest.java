package dev.kerf.cli;

import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.retargeter.jvm.JvmClass;
import dev.kerf.retargeter.jvm.JvmLog;
import dev.kerf.retargeter.jvm.JvmOutcome;
import dev.kerf.retargeter.jvm.JvmRetargeter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, finding 1: a .kjvm's classes run on the host, so a crafted log must reach nothing but
 * kerf.Sys. Each log here is made in the test: a small program compiled with javax.tools, wrapped
 * in a valid JVM log (no native calls, a normal end) by the same encoder retarget uses. Its
 * first argument says what it tries; "nothing" is the control that replays identically.
 */
class ReplayJvmSandboxTest {
    private static final String SYS = """
            package kerf;
            public final class Sys {
                private Sys() {}
                public static native int read(byte[] b, int off, int len);
                public static native void write(byte[] b, int off, int len);
                public static native void print(String s);
                public static native long time();
                public static native byte[] readFile(String path);
            }
            """;
    private static final String EVIL = """
            import java.io.FileDescriptor;
            import java.io.FileOutputStream;
            import java.util.ArrayList;
            import java.util.List;

            public class Evil {
                private static String secret = "s";

                public static void main(String[] args) throws Throwable {
                    switch (args[0]) {
                        case "nothing": return;
                        case "write":
                            try {
                                new FileOutputStream(args[1]).write('A');
                            } catch (SecurityException e) {
                                new FileOutputStream(args[1] + ".second").write('B'); // a caught refusal gets it no further
                            }
                            return;
                        case "exit": System.exit(0); return;
                        case "loop": for (long i = 0; ; i++) { if (i == -1) return; }
                        case "bomb": {
                            List<long[]> keep = new ArrayList<>();
                            while (true) keep.add(new long[1 << 16]);
                        }
                        case "setAccessible": Evil.class.getDeclaredField("secret").setAccessible(true); return;
                        case "kerfMembers": Class.forName("kerf.Sys").getDeclaredConstructor(); return;
                        case "appLoader": ClassLoader.getSystemClassLoader().loadClass("dev.kerf.retargeter.jvm.ActiveReplay"); return;
                        case "unsafe": Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe").setAccessible(true); return;
                        case "jdkMembers": Thread.class.getDeclaredField("contextClassLoader"); return;
                        case "thread": new Thread(new Runnable() { public void run() {} }).start(); return;
                        case "interrupt": for (Thread t : allThreads()) if (t != Thread.currentThread()) t.interrupt(); return;
                        case "stdout": System.out.println("replay-jvm: identical"); return;
                        case "fd": new FileOutputStream(FileDescriptor.out).write('x'); return;
                        case "socket": new java.net.Socket("127.0.0.1", 9).close(); return;
                        case "exec": Runtime.getRuntime().exec(new String[] {"/bin/true"}); return;
                        case "property": System.getProperty("user.home"); return;
                        case "env": System.getenv("PATH"); return;
                        case "securityManager": System.setSecurityManager(null); return;
                        default: throw new IllegalArgumentException(args[0]);
                    }
                }

                private static Thread[] allThreads() {
                    ThreadGroup g = Thread.currentThread().getThreadGroup();
                    while (g.getParent() != null) g = g.getParent();
                    Thread[] all = new Thread[64];
                    g.enumerate(all);
                    return all;
                }
            }
            """;
    private static final SliceHeader TEMPLATE = new SliceHeader(SliceKind.JVM, Map.of(), "ab".repeat(32), "crafted.kerf", 32 << 20, 0,
            List.of(), Map.of());

    @TempDir
    static Path tmp;
    private static List<JvmClass> classes;

    @BeforeAll
    static void compile() throws Exception {
        classes = compile(Map.of("kerf/Sys.java", SYS, "Evil.java", EVIL));
    }

    /** A valid .kjvm of Evil with {@code args}: no native calls, a normal end (what a replay must never certify for these). */
    private static Path log(String name, String... args) throws Exception {
        Path p = tmp.resolve(name + ".kjvm");
        Files.write(p, JvmRetargeter.encode(new JvmLog("Evil", List.of(args), classes, List.of(), new JvmOutcome(0, null, 0, 0)), TEMPLATE));
        return p;
    }

    private static String verdict(Cli.Outcome r) {
        String[] lines = r.err().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void theControlReplaysIdentically() throws Exception {
        Cli.Outcome r = Cli.run("", "replay-jvm", log("nothing", "nothing").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEqualTo("replay-jvm: identical: 0 native calls, 0 bytes of output, exit status 0\n");
    }

    @Test
    void aMainThatWritesAFileIsRefusedAndNoFileIsCreated() throws Exception {
        Path target = tmp.resolve("pwned");
        Cli.Outcome r = Cli.run("", "replay-jvm", log("write", "write", target.toString()).toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
        assertThat(r.err()).matches("replay-jvm: refused: the program tried to write the file " + target
                + " at Evil\\.main\\(\\[Ljava/lang/String;\\)V @\\d+ \\(java\\.io\\.FilePermission \"" + target
                + "\" \"write\"\\); a replayed program may reach nothing but kerf\\.Sys\n");
        assertThat(r.out()).isEmpty();
        assertThat(target).doesNotExist();
        assertThat(tmp.resolve("pwned.second")).doesNotExist();
    }

    @Test
    void systemExitGetsAVerdictAndAnExitCode() throws Exception {
        Cli.Outcome r = Cli.run("", "replay-jvm", log("exit", "exit").toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
        assertThat(verdict(r)).startsWith("replay-jvm: refused: the program tried to exit the JVM (System.exit(0)) at Evil.main(")
                .contains("(java.lang.RuntimePermission \"exitVM.0\")");
    }

    @Test
    void anEndlessLoopEndsAtTheTimeBudgetAndLeavesNoProcess() throws Exception {
        long start = System.nanoTime();
        Cli.Outcome r = Cli.run("", "replay-jvm", log("loop", "loop").toString(), "--timeout", "3");
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(r.exitCode()).as(r.err()).isEqualTo(10);
        assertThat(r.err()).isEqualTo("replay-jvm: over the time budget: the program was still running after 3 s (--timeout);"
                + " 0 native calls replayed identically before that\n");
        assertThat(seconds).isBetween(3L, 30L);
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isZero();
    }

    @Test
    void anAllocationBombEndsAtTheHeapBudget() throws Exception {
        Cli.Outcome r = Cli.run("", "replay-jvm", log("bomb", "bomb").toString(), "--max-heap", "32M");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(10);
        assertThat(r.err()).isEqualTo("replay-jvm: over the heap budget: the program ran out of memory (Java heap space) within its"
                + " 32 MiB heap (--max-heap); 0 native calls replayed identically before that\n");
    }

    @Test
    void reflectionThreadsAndEveryOtherWayOutAreRefused() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("setAccessible", "bypass Java's access checks by reflection (setAccessible)");
        expected.put("kerfMembers", "reflect on the members of a class that is not its own");
        expected.put("appLoader", "reach a class loader other than its own");
        expected.put("jdkMembers", "reflect on the members of a class that is not its own");
        expected.put("thread", "start a thread or change a thread group");
        expected.put("interrupt", "start a thread or change a thread group");
        expected.put("stdout", "write to System.out");
        expected.put("fd", "write to a file descriptor");
        expected.put("socket", "connect to 127.0.0.1:9");
        expected.put("exec", "run the program /bin/true");
        expected.put("property", "read the system property user.home");
        expected.put("env", "read the environment variable PATH");
        expected.put("securityManager", "replace the security manager");
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Cli.Outcome r = Cli.run("", "replay-jvm", log(e.getKey(), e.getKey()).toString());
            String v = verdict(r);
            if (r.exitCode() != 4 || !v.startsWith("replay-jvm: refused: the program tried to " + e.getValue()) || !v.contains(" at Evil.")
                    || !r.out().isEmpty()) {
                wrong.add(e.getKey() + " -> exit " + r.exitCode() + ", " + r.err() + r.out());
            }
        }
        assertThat(wrong).isEmpty();
        Path unsafe = log("unsafe", "unsafe");
        Cli.Outcome r = Cli.run("", "replay-jvm", unsafe.toString());
        assertThat(r.exitCode()).as("outside java.*, a program sees only its own classes").isEqualTo(4);
        assertThat(r.err()).isEqualTo("kerf: class sun/misc/Unsafe is not in " + unsafe + "\n");
    }

    @Test
    void badBudgetsAreUsageErrors() throws Exception {
        Path p = log("nothing2", "nothing");
        assertThat(Cli.run("", "replay-jvm", p.toString(), "--timeout", "-1").exitCode()).isEqualTo(2);
        assertThat(Cli.run("", "replay-jvm", p.toString(), "--max-heap", "1M").exitCode()).isEqualTo(2);
        Cli.Outcome ok = Cli.run("", "replay-jvm", p.toString(), "--timeout", "0", "--max-heap", "16M");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
    }

    /** Compiles {@code sources} (path to text); the class files by internal name. */
    static List<JvmClass> compile(Map<String, String> sources) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path out = Files.createDirectories(tmp.resolve("classes"));
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null)) {
            fm.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(out));
            List<JavaFileObject> units = new ArrayList<>();
            sources.forEach((name, text) -> units.add(new SimpleJavaFileObject(URI.create("string:///" + name), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return text;
                }
            }));
            StringWriter diagnostics = new StringWriter();
            boolean ok = javac.getTask(diagnostics, fm, null, List.of("-g"), null, units).call();
            if (!ok) throw new IllegalStateException("javac failed: " + diagnostics);
        }
        List<JvmClass> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class")).sorted()::iterator) {
                String rel = out.relativize(p).toString().replace('\\', '/');
                classes.add(new JvmClass(rel.substring(0, rel.length() - ".class".length()), Files.readAllBytes(p)));
            }
        }
        return classes;
    }
}
