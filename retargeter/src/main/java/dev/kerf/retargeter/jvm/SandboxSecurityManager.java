package dev.kerf.retargeter.jvm;

import java.security.AccessControlContext;
import java.security.AccessController;
import java.security.Permission;
import java.security.PrivilegedAction;

/**
 * The replay child's security manager (Java 17's, deprecated but working with
 * {@code -Djava.security.manager=allow}). Every check is the standard stack check
 * ({@link AccessController#checkPermission}): kerf's and the JDK's own code have every right
 * ({@link SandboxMain}'s policy), the program's classes none ({@link JvmClassLoader}), so any check
 * with a program frame on the stack fails, unless JDK code asked for it in a privileged block of
 * its own. Beyond the default checks, changing any thread or thread group (creating a thread
 * included) is a checked permission, not only for the system group.
 *
 * <p>A refusal is reported to kerf before the SecurityException is thrown, and the child halts
 * ({@link ChildNatives#refused}): a program cannot catch its way past it.
 */
@SuppressWarnings("removal")
final class SandboxSecurityManager extends SecurityManager {
    private static final RuntimePermission MODIFY_THREAD = new RuntimePermission("modifyThread");
    private static final RuntimePermission MODIFY_THREAD_GROUP = new RuntimePermission("modifyThreadGroup");
    private final ChildNatives report;

    SandboxSecurityManager(ChildNatives report) {
        this.report = report;
    }

    @Override
    public void checkPermission(Permission perm) {
        try {
            AccessController.checkPermission(perm);
        } catch (SecurityException e) {
            refuse(perm);
            throw e;
        }
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
        if (!(context instanceof AccessControlContext acc)) {
            refuse(perm);
            throw new SecurityException("not an AccessControlContext");
        }
        try {
            acc.checkPermission(perm);
        } catch (SecurityException e) {
            refuse(perm);
            throw e;
        }
    }

    @Override
    public void checkAccess(Thread t) {
        checkPermission(MODIFY_THREAD);
    }

    @Override
    public void checkAccess(ThreadGroup g) {
        checkPermission(MODIFY_THREAD_GROUP);
    }

    private void refuse(Permission perm) {
        AccessController.doPrivileged(new Refuse(report, perm));
    }

    /** Reports with kerf's rights only, so writing the report is not itself a refused check. */
    private record Refuse(ChildNatives report, Permission perm) implements PrivilegedAction<Void> {
        @Override
        public Void run() {
            report.refused(perm);
            return null;
        }
    }
}
