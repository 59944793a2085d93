package dev.kerf.retargeter.jvm;

import java.util.Set;

/**
 * The text minijvm prints for an uncaught exception (JVM-CONTRACT.md §3), made from a host
 * Throwable: {@code Exception in thread "main" }, the class name, {@code : message} when there is
 * one, then one {@code \tat C.m(File.java:N)} line per frame of the program's own classes,
 * innermost first (the host's reflection and library frames are not the program's, and minijvm's
 * built-in classes have no frames of their own in the guest's text).
 */
final class UncaughtText {
    private UncaughtText() {}

    static String of(Throwable t, Set<String> programClasses) {
        StringBuilder s = new StringBuilder("Exception in thread \"main\" ").append(t.getClass().getName());
        String msg = t.getLocalizedMessage();
        if (msg != null) s.append(": ").append(msg);
        s.append('\n');
        for (StackTraceElement e : t.getStackTrace()) {
            if (!programClasses.contains(e.getClassName())) continue;
            s.append("\tat ").append(e.getClassName()).append('.').append(e.getMethodName()).append('(');
            if (e.getFileName() != null && e.getLineNumber() >= 0) s.append(e.getFileName()).append(':').append(e.getLineNumber());
            else s.append("Unknown Source");
            s.append(")\n");
        }
        return s.toString();
    }
}
