package dev.kerf.retargeter.jvm;

import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Runs a JVM log's program on the host JVM (design §8): its classes from the log through their
 * own class loader, {@code main} with the guest's arguments on a thread of its own, every
 * {@code kerf.Sys} call served and checked from the log ({@link NativeReplay}), the output written
 * to {@code out} as it goes. At the end the uncaught exception's text (the program's classes'
 * frames only) and the exit status are compared with the logged ones. The result names the first
 * mismatch, or none.
 */
public final class JvmReplayer {
    private final JvmLog log;
    private final String file;

    /** {@code file} names the log in errors ({@code class X is not in P.kjvm}). */
    public JvmReplayer(JvmLog log, String file) {
        this.log = log;
        this.file = file;
    }

    /** Runs the program once. A class the log lacks is a {@link JvmReplayException}. */
    public JvmReplayResult run(OutputStream out) throws InterruptedException {
        JvmClassLoader loader = new JvmClassLoader(log, file);
        boolean open = log.outcome().exitStatus() < 0;
        NativeReplay natives = new NativeReplay(log.natives(), out, open, endNote(log.outcome()));
        Throwable[] thrown = new Throwable[1];
        Thread main = new Thread(null, () -> {
            ActiveReplay.set(natives);
            try {
                runMain(loader);
            } catch (Throwable t) {
                thrown[0] = t;
            } finally {
                ActiveReplay.set(null);
            }
        }, "main", 64L << 20);
        main.start();
        main.join();
        if (loader.problem() != null) throw new JvmReplayException(loader.problem());
        if (natives.missingClass() != null) throw new JvmReplayException(natives.missingClass());
        Throwable t = thrown[0];
        if (loader.standInNamedBy(t) != null) throw new JvmReplayException(loader.standInNamedBy(t));
        if (t instanceof JvmReplayException e) throw e;
        if (t instanceof LogEndError) return new JvmReplayResult(natives.consumed(), natives.outputBytes(), null, -1, natives.mismatch(), true);
        if (t instanceof ReplayMismatchError || natives.mismatch() != null) {
            return new JvmReplayResult(natives.consumed(), natives.outputBytes(), null, -1, natives.mismatch(), false);
        }
        String text = t == null ? null : UncaughtText.of(t, loader.programClasses());
        if (text != null) natives.emit(CharBytes.of(text));
        int status = t == null ? 0 : 1;
        compareEnd(natives, text, status, t);
        return new JvmReplayResult(natives.consumed(), natives.outputBytes(), t == null ? null : t.getClass().getName(), status,
                natives.mismatch(), open && natives.mismatch() == null);
    }

    /** Exit status 2 is minijvm's own error (an unsupported class or bytecode): the guest stopped where the host goes on. */
    private static String endNote(JvmOutcome o) {
        return o.exitStatus() == 2 ? "; minijvm stopped there with its own error, exit status 2" : "";
    }

    private void runMain(JvmClassLoader loader) throws Throwable {
        if (log.find(log.mainClass()) == null) throw new JvmReplayException("class " + log.mainClass() + " is not in " + file);
        Class<?> c;
        try {
            c = Class.forName(log.mainClass().replace('/', '.'), true, loader);
        } catch (ClassNotFoundException e) {
            throw new JvmReplayException(loader.problem() != null ? loader.problem() : e.getMessage());
        } catch (ExceptionInInitializerError e) {
            throw e.getCause() != null ? e.getCause() : e;
        }
        Method m;
        try {
            m = c.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            throw new JvmReplayException("class " + log.mainClass() + " in " + file + " has no public static void main(String[])");
        }
        if (!Modifier.isStatic(m.getModifiers())) throw new JvmReplayException("main of " + log.mainClass() + " in " + file + " is not static");
        try {
            m.invoke(null, (Object) log.args().toArray(new String[0]));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** After the program ended: every logged call made, the same uncaught text, exit status and output. */
    private void compareEnd(NativeReplay natives, String text, int status, Throwable t) {
        int n = natives.consumed();
        if (n < log.natives().size()) {
            natives.note(new JvmMismatch(n, log.natives().get(n).describe(),
                    "the program ended" + (t == null ? "" : " with an uncaught " + t.getClass().getName())));
            return;
        }
        JvmOutcome o = log.outcome();
        if (o.exitStatus() < 0) return;
        if (o.uncaught() == null != (text == null)) {
            natives.note(new JvmMismatch(-1, o.uncaught() == null ? "no uncaught exception" : "uncaught " + quote(o.uncaught()),
                    text == null ? "no uncaught exception" : "uncaught " + quote(text)));
        } else if (o.uncaught() != null && !o.uncaught().equals(text)) {
            int line = firstDifferentLine(o.uncaught(), text);
            natives.note(new JvmMismatch(-1, "uncaught text line " + (line + 1) + " " + quote(lineOf(o.uncaught(), line)),
                    "line " + (line + 1) + " " + quote(lineOf(text, line))));
        } else if (o.exitStatus() != status) {
            natives.note(new JvmMismatch(-1, "exit status " + o.exitStatus() + endNote(o), "exit status " + status));
        } else if (o.outputBytes() != natives.outputBytes() || o.outputCrc() != natives.outputCrc()) {
            natives.note(new JvmMismatch(-1, o.outputBytes() + " bytes of output", natives.outputBytes() + " bytes of other output"));
        }
    }

    private static String quote(String s) {
        return Quote.bytes(CharBytes.of(s));
    }

    private static int firstDifferentLine(String a, String b) {
        String[] x = a.split("\n", -1), y = b.split("\n", -1);
        int i = 0;
        while (i < x.length && i < y.length && x[i].equals(y[i])) i++;
        return i;
    }

    /** Line {@code i} of {@code s} (without its newline), or "" past the end. */
    private static String lineOf(String s, int i) {
        String[] x = s.split("\n", -1);
        return i < x.length ? x[i] : "";
    }
}
