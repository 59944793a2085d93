package dev.kerf.retargeter.jvm;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.Permission;
import java.security.Policy;
import java.security.ProtectionDomain;
import java.util.Set;

/**
 * The main class of the replay's child JVM ({@link ReplayChild}): runs a log's program with
 * nothing but a replaying {@code kerf.Sys}. In order:
 * <ol>
 *   <li>reads the program from stdin ({@link ReplayProtocol}) and keeps stdin and stdout for kerf
 *       alone: a reply reader on a thread of its own (kerf gone: the child halts);</li>
 *   <li>installs a policy giving every right to every protection domain the policy is asked about
 *       (kerf's classes, the JDK's) and {@link SandboxSecurityManager}; the program's classes carry a
 *       domain of their own with none ({@link JvmClassLoader}), which the policy is never asked
 *       about;</li>
 *   <li>replaces System.in, out and err with streams that are a checked permission (the program
 *       writes only through kerf.Sys: minijvm has no System.out);</li>
 *   <li>runs main on a thread of its own group, the program's class loader as its context loader,
 *       and reports how it ended: the exit status and minijvm's text of the uncaught exception,
 *       made on the program's thread (its own getMessage runs there, with its rights).</li>
 * </ol>
 * It never writes anything but protocol messages to stdout, and decides nothing: kerf does.
 */
public final class SandboxMain {
    private SandboxMain() {}

    @SuppressWarnings("removal")
    public static void main(String[] ignored) throws Exception {
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        PrintStream diagnostics = System.err;
        ReplayProtocol.Setup setup;
        try {
            setup = ReplayProtocol.readSetup(in);
        } catch (Exception e) {
            diagnostics.println("kerf replay child: " + e);
            diagnostics.flush();
            Runtime.getRuntime().halt(2);
            return;
        }
        String file = setup.file();
        Set<String> programClasses = JvmClassLoader.programClassNames(setup.classes());
        ChildNatives natives = new ChildNatives(out, programClasses);
        JvmClassLoader loader = new JvmClassLoader(setup.classes(), file, natives::fail);
        Thread replies = new Thread(new Replies(natives, in), "kerf-replies");
        replies.setDaemon(true);
        String[] text = new String[2];
        int[] status = new int[1];
        Thread main = new Thread(new ThreadGroup("kjvm"), new Program(natives, loader, setup, text, status), "main", 64L << 20);
        main.setContextClassLoader(loader);
        warmUp(programClasses);

        Policy.setPolicy(new TrustedCode());
        System.setSecurityManager(new SandboxSecurityManager(natives));
        System.setIn(new Guarded.In(new RuntimePermission("kerf.System.in")));
        System.setOut(new PrintStream(new Guarded.Out(new RuntimePermission("kerf.System.out"), diagnostics), true));
        System.setErr(new PrintStream(new Guarded.Out(new RuntimePermission("kerf.System.err"), diagnostics), true));

        replies.start();
        main.start();
        main.join();
        natives.end(status[0], text[0], text[1]);
    }

    /** Links the stack walks' call sites while no program frame can be on the stack. */
    private static void warmUp(Set<String> programClasses) {
        CallerFrame.innermostOf(programClasses);
        try {
            CallerFrame.ofSysCall();
        } catch (RuntimeException e) {
            // no caller outside kerf here: only the call site mattered
        }
    }

    /** Runs main and makes the end's report: {@code text[0]} the uncaught type, {@code text[1]} its text; {@code status[0]}. */
    private record Program(ChildNatives natives, JvmClassLoader loader, ReplayProtocol.Setup setup, String[] text, int[] status)
            implements Runnable {
        @Override
        public void run() {
            ActiveReplay.set(natives);
            Throwable t = null;
            try {
                runMain();
            } catch (Throwable thrown) {
                t = thrown;
            }
            String missing = loader.standInNamedBy(t);
            if (missing != null) natives.fail(missing);
            if (t instanceof JvmReplayException e) natives.fail(e.getMessage());
            if (t == null) return;
            status[0] = 1;
            text[0] = t.getClass().getName();
            try {
                text[1] = UncaughtText.of(t, loader.programClasses());
            } catch (Throwable u) {
                // HotSpot's words when printing the uncaught exception fails
                text[1] = "Exception: " + u.getClass().getName() + " thrown from the UncaughtExceptionHandler in thread \"main\"\n";
            }
        }

        private void runMain() throws Throwable {
            String name = setup.mainClass();
            String file = setup.file();
            Class<?> c;
            try {
                c = Class.forName(name.replace('/', '.'), true, loader);
            } catch (ClassNotFoundException e) {
                throw new JvmReplayException(loader.problem() != null ? loader.problem() : e.getMessage());
            } catch (ExceptionInInitializerError e) {
                throw e.getCause() != null ? e.getCause() : e;
            }
            Method m;
            try {
                m = c.getMethod("main", String[].class);
            } catch (NoSuchMethodException e) {
                throw new JvmReplayException("class " + name + " in " + file + " has no public static void main(String[])");
            }
            if (!Modifier.isStatic(m.getModifiers())) throw new JvmReplayException("main of " + name + " in " + file + " is not static");
            try {
                m.invoke(null, (Object) setup.args().toArray(new String[0]));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private record Replies(ChildNatives natives, DataInputStream in) implements Runnable {
        @Override
        public void run() {
            natives.readReplies(in);
        }
    }

    /** Every right for every domain the policy is asked about: kerf's and the JDK's (the program's domain never asks). */
    @SuppressWarnings("removal")
    private static final class TrustedCode extends Policy {
        @Override
        public boolean implies(ProtectionDomain domain, Permission permission) {
            return true;
        }
    }

    /** System.in, out and err of the child: using them is a permission the program does not have. */
    private static final class Guarded {
        private Guarded() {}

        @SuppressWarnings("removal")
        static void check(Permission p) {
            SecurityManager sm = System.getSecurityManager();
            if (sm != null) sm.checkPermission(p);
        }

        static final class In extends InputStream {
            private final Permission use;

            In(Permission use) {
                this.use = use;
            }

            @Override
            public int read() {
                check(use);
                return -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                check(use);
                return -1;
            }
        }

        /** kerf's own code may still write here: it goes to the child's stderr, never to kerf's channel. */
        static final class Out extends OutputStream {
            private final Permission use;
            private final PrintStream diagnostics;

            Out(Permission use, PrintStream diagnostics) {
                this.use = use;
                this.diagnostics = diagnostics;
            }

            @Override
            public void write(int b) {
                check(use);
                diagnostics.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                check(use);
                diagnostics.write(b, off, len);
            }

            @Override
            public void flush() {
                diagnostics.flush();
            }
        }
    }
}
