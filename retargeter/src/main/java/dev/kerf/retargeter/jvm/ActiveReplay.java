package dev.kerf.retargeter.jvm;

/**
 * Which replay serves the {@code kerf.Sys} calls of the current thread. {@code kerf.Sys} must be a
 * class with static methods (the program's bytecode invokes them with invokestatic, exactly as in
 * the guest), so it cannot be handed its log: it looks it up here. The one piece of static state
 * is a {@link ThreadLocal}, set on the thread that runs the program ({@link SandboxMain} in the
 * replay's child JVM; a test's recorder), so no other thread, the program's finalizers included,
 * can make a native call.
 */
public final class ActiveReplay {
    private static final ThreadLocal<SysNatives> CURRENT = new ThreadLocal<>();

    private ActiveReplay() {}

    /** The replay serving this thread. */
    public static SysNatives natives() {
        SysNatives r = CURRENT.get();
        if (r == null) throw new IllegalStateException("kerf.Sys called outside a replay-jvm run");
        return r;
    }

    static void set(SysNatives r) {
        if (r == null) CURRENT.remove();
        else CURRENT.set(r);
    }
}
