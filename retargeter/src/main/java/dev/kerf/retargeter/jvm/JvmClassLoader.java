package dev.kerf.retargeter.jvm;

import java.security.CodeSource;
import java.security.Permissions;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Loads a replayed program's classes from its JVM log and from nowhere else: {@code java.*} from
 * the platform (parent first), {@code kerf.Sys} as the host's replaying class, every other class
 * only from the log (a class file of {@code java/...} or {@code kerf/Sys} in the log is the guest's
 * copy and is not used). A class the log lacks gets a {@link MissingClass} stand-in, which stops
 * the replay with "class X is not in P.kjvm" on its first real use (the host verifier may load
 * classes the guest never used). A class file the host JVM refuses is remembered for the
 * replayer's error: inside the program it is only a LinkageError, which could be mistaken for the
 * program's own failure.
 *
 * <p>Every class it defines (the log's and the stand-ins) gets one protection domain with no
 * permissions at all, fixed when it is made (the policy is never asked): under the replay's
 * sandbox ({@link SandboxSecurityManager}) any permission check with a program frame on the stack
 * fails.
 */
final class JvmClassLoader extends ClassLoader {
    private final Map<String, JvmClass> program = new LinkedHashMap<>();
    private final String file;
    private String problem;
    private final java.util.List<String> standIns = new java.util.ArrayList<>();
    private final ProtectionDomain noRights = new ProtectionDomain(new CodeSource(null, (Certificate[]) null), new Permissions());
    private final Consumer<String> onProblem;
    /** The parent, kept: {@code getParent()} is a permission check, made while a program frame is on the stack. */
    private final ClassLoader platform;

    /**
     * @param file      names the log in messages
     * @param onProblem told of the first class problem as it happens (the replay's child stops there), or null
     */
    JvmClassLoader(List<JvmClass> classes, String file, Consumer<String> onProblem) {
        super("kjvm", ClassLoader.getPlatformClassLoader());
        this.platform = ClassLoader.getPlatformClassLoader();
        this.file = file;
        this.onProblem = onProblem;
        for (JvmClass c : classes) if (isProgramClass(c.binaryName())) program.put(c.binaryName(), c);
    }

    /** True for a class the program brings itself (not java.*, not kerf.Sys). */
    static boolean isProgramClass(String binaryName) {
        return !binaryName.startsWith("java.") && !binaryName.equals("kerf.Sys") && !binaryName.equals(MissingClass.BINARY_NAME);
    }

    /** The binary names of the program's own classes among {@code classes} (what {@link #programClasses} will be). */
    static Set<String> programClassNames(List<JvmClass> classes) {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (JvmClass c : classes) if (isProgramClass(c.binaryName())) names.add(c.binaryName());
        return names;
    }

    /** The binary names of the program's own classes in the log. */
    Set<String> programClasses() {
        return program.keySet();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.equals("kerf.Sys")) return kerf.Sys.class;
        if (name.equals(MissingClass.BINARY_NAME)) return MissingClass.class;
        if (!isProgramClass(name)) return platform.loadClass(name);
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c != null) return c;
            JvmClass k = program.get(name);
            String internal = name.replace('.', '/');
            byte[] b = k != null ? k.bytes() : MissingClass.standIn(internal, "class " + internal + " is not in " + file);
            if (k == null) standIns.add(name);
            try {
                c = defineClass(name, b, 0, b.length, noRights);
            } catch (LinkageError e) {
                throw missing("class " + internal + (k == null ? " (not in " + file + ")" : " in " + file) + " is refused by the host JVM: " + e);
            }
            if (resolve) resolveClass(c);
            return c;
        }
    }

    private ClassNotFoundException missing(String why) {
        if (problem == null) {
            problem = why;
            if (onProblem != null) onProblem.accept(why);
        }
        return new ClassNotFoundException(why);
    }

    /**
     * The stand-in a program's LinkageError names (a method or field looked up on a class the log
     * lacks fails before the stand-in's initializer runs), as "class X is not in P.kjvm"; or null.
     */
    String standInNamedBy(Throwable t) {
        if (!(t instanceof LinkageError) || t.getMessage() == null) return null;
        for (String n : standIns) {
            if (t.getMessage().contains(n) || t.getMessage().contains(n.replace('.', '/'))) {
                return "class " + n.replace('.', '/') + " is not in " + file;
            }
        }
        return null;
    }

    /** The first class problem, or null. */
    String problem() {
        return problem;
    }
}
