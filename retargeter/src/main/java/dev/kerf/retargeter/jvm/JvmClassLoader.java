package dev.kerf.retargeter.jvm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Loads a replayed program's classes from its JVM log and from nowhere else: {@code java.*} from
 * the platform (parent first), {@code kerf.Sys} as the host's replaying class, every other class
 * only from the log (a class file of {@code java/...} or {@code kerf/Sys} in the log is the guest's
 * copy and is not used). The first class the program asks for that the log lacks, or that the host
 * JVM refuses, is remembered for the replayer's error: inside the program it is only a
 * NoClassDefFoundError, which could be mistaken for the program's own failure.
 */
final class JvmClassLoader extends ClassLoader {
    private final Map<String, JvmClass> program = new LinkedHashMap<>();
    private final String file;
    private String problem;

    JvmClassLoader(JvmLog log, String file) {
        super("kjvm", ClassLoader.getPlatformClassLoader());
        this.file = file;
        for (JvmClass c : log.classes()) if (isProgramClass(c.binaryName())) program.put(c.binaryName(), c);
    }

    /** True for a class the program brings itself (not java.*, not kerf.Sys). */
    static boolean isProgramClass(String binaryName) {
        return !binaryName.startsWith("java.") && !binaryName.equals("kerf.Sys");
    }

    /** The binary names of the program's own classes in the log. */
    Set<String> programClasses() {
        return program.keySet();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.equals("kerf.Sys")) return kerf.Sys.class;
        if (!isProgramClass(name)) return getParent().loadClass(name);
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c != null) return c;
            JvmClass k = program.get(name);
            if (k == null) throw missing("class " + name.replace('.', '/') + " is not in " + file);
            byte[] b = k.bytes();
            try {
                c = defineClass(name, b, 0, b.length);
            } catch (LinkageError e) {
                throw missing("class " + k.name() + " in " + file + " is refused by the host JVM: " + e);
            }
            if (resolve) resolveClass(c);
            return c;
        }
    }

    private ClassNotFoundException missing(String why) {
        if (problem == null) problem = why;
        return new ClassNotFoundException(why);
    }

    /** The first class problem, or null. */
    String problem() {
        return problem;
    }
}
