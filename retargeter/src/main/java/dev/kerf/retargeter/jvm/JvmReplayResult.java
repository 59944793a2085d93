package dev.kerf.retargeter.jvm;

/**
 * How a host replay of a JVM log ended.
 *
 * @param nativeCalls  native calls served
 * @param outputBytes  bytes of output the program produced (natives' and the uncaught text)
 * @param uncaughtType the uncaught exception's class name, or null
 * @param exitStatus   0, or 1 after an uncaught exception (minijvm's convention)
 * @param mismatch     the first difference from the log, or null when identical
 * @param logEnded     the log ended (its slice was cut) while the program still ran: identical up to there
 */
public record JvmReplayResult(int nativeCalls, long outputBytes, String uncaughtType, int exitStatus, JvmMismatch mismatch,
                              boolean logEnded) {
    public boolean identical() {
        return mismatch == null;
    }

    /** The verdict line: {@code replay-jvm: identical: 9 native calls, 312 bytes of output, uncaught X reproduced}. */
    public String verdict() {
        if (!identical()) return "replay-jvm: " + mismatch.message();
        if (logEnded) return "replay-jvm: identical up to the end of the log: " + nativeCalls + " native calls, " + outputBytes
                + " bytes of output (the slice ends before the program did)";
        return "replay-jvm: identical: " + nativeCalls + " native call" + (nativeCalls == 1 ? "" : "s") + ", " + outputBytes
                + " bytes of output, " + (uncaughtType != null ? "uncaught " + uncaughtType + " reproduced" : "exit status " + exitStatus);
    }
}
