package dev.kerf.retargeter.jvm;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Compiles small programs as the guest's build does ({@code javac --release 8 -g}), against a copy
 * of the guest's {@code kerf.Sys} whose methods are native (JVM-CONTRACT.md §1), and returns the
 * class files by internal name, the guest's kerf/Sys included (minijvm loads it too).
 */
final class TestPrograms {
    static final String GUEST_SYS = """
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

    /** An inventory program: echoes its input, reads a file, then sums the first N of 5 counts (N = args[0]: 7 overruns). */
    static final String INVENTORY = """
            import kerf.Sys;

            public class Inventory {
                static int total(int[] counts, int n) {
                    int t = 0;
                    for (int i = 0; i < n; i++)
                        t += counts[i];
                    return t;
                }

                public static void main(String[] args) {
                    byte[] buf = new byte[16];
                    int[] counts = {1, 2, 3, 4, 5};
                    Sys.print("inventory of " + args.length + " args\\n");
                    int r;
                    while ((r = Sys.read(buf, 0, buf.length)) > 0)
                        Sys.write(buf, 0, r);
                    long now = Sys.time();
                    byte[] motd = Sys.readFile("/etc/motd");
                    Sys.print(motd == null ? "no motd\\n" : "motd " + motd.length + "\\n");
                    Sys.print("at " + now + "\\n");
                    Sys.print("total " + total(counts, Helper.count(args)) + "\\n");
                }
            }

            class Helper {
                static int count(String[] args) {
                    return Integer.parseInt(args[0]);
                }
            }
            """;

    private TestPrograms() {}

    /** Compiles {@code sources} (file name to text) with the guest Sys; the class files by internal name. */
    static List<JvmClass> compile(Map<String, String> sources) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path out = Files.createTempDirectory("kerf-jvm-classes");
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null)) {
            fm.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(out));
            List<JavaFileObject> units = new ArrayList<>();
            units.add(source("kerf/Sys.java", GUEST_SYS));
            sources.forEach((name, text) -> units.add(source(name, text)));
            StringWriter diagnostics = new StringWriter();
            boolean ok = javac.getTask(diagnostics, fm, null, List.of("--release", "8", "-g", "-Xlint:-options"), null, units).call();
            if (!ok) throw new IllegalStateException("javac failed: " + diagnostics);
            TreeMap<String, byte[]> found = new TreeMap<>();
            try (Stream<Path> files = Files.walk(out)) {
                for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    String rel = out.relativize(p).toString().replace('\\', '/');
                    found.put(rel.substring(0, rel.length() - ".class".length()), Files.readAllBytes(p));
                }
            }
            List<JvmClass> classes = new ArrayList<>();
            found.forEach((n, b) -> classes.add(new JvmClass(n, b)));
            return classes;
        }
    }

    private static JavaFileObject source(String name, String text) {
        return new SimpleJavaFileObject(URI.create("string:///" + name), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        };
    }
}
