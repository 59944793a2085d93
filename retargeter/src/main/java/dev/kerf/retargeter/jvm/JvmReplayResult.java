package dev.kerf.retargeter.jvm;

/**
 * How a host replay of a JVM log ended.
 *
 * @param nativeCalls  native calls served
 * @param outputBytes  bytes of output the program produced (natives' and the uncaught text)
 * @param uncaughtType the uncaught exception's class name, or null
 * @param exitStatus   0, or 1 after an uncaught exception (minijvm's convention); -1 when the program did not end
 * @param mismatch     the first difference from the log, or null
 * @param logEnded     the log ended (its slice was cut) while the program still ran: identical up to there
 * @param stop         the sandbox refused something or a budget ran out (no verdict on the log), or null
 */
public record JvmReplayResult(int nativeCalls, long outputBytes, String uncaughtType, int exitStatus, JvmMismatch mismatch,
                              boolean logEnded, JvmStop stop) {
    public boolean identical() {
        return mismatch == null && stop == null;
    }

    /**
     * The verdict line: {@code replay-jvm: identical: 9 native calls, 312 bytes of output, uncaught X reproduced};
     * one line whatever names the log holds (control characters are escaped).
     */
    public String verdict() {
        return "replay-jvm: " + oneLine(text());
    }

    private String text() {
        if (stop != null) return stop.message();
        if (mismatch != null) return mismatch.message();
        if (logEnded) return "identical up to the end of the log: " + nativeCalls + " native calls, " + outputBytes
                + " bytes of output (the slice ends before the program did)";
        return "identical: " + nativeCalls + " native call" + (nativeCalls == 1 ? "" : "s") + ", " + outputBytes
                + " bytes of output, " + (uncaughtType != null ? "uncaught " + uncaughtType + " reproduced" : "exit status " + exitStatus);
    }

    /** {@code s} with every control character as {@code \xNN}. */
    static String oneLine(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) b.append(String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}
