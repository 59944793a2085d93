package dev.kerf.retargeter.jvm;

/**
 * How the guest program ended.
 *
 * @param exitStatus   the status minijvm passed to its exit hook (0 normal, 1 uncaught exception,
 *                     2 minijvm error), or -1 when the slice ended before it exited
 * @param uncaught     the uncaught exception's text exactly as minijvm printed it, or null
 * @param outputBytes  bytes the program wrote to standard output: its write/print data, then the uncaught text
 * @param outputCrc    CRC-32C of those bytes in that order
 */
public record JvmOutcome(int exitStatus, String uncaught, long outputBytes, int outputCrc) {
    public JvmOutcome {
        if (exitStatus < -1) throw new IllegalArgumentException("exit status " + exitStatus);
        if (outputBytes < 0) throw new IllegalArgumentException("negative output bytes");
    }

    /** The uncaught exception's class name (the text's first line after {@code Exception in thread "main" }), or null. */
    public String uncaughtType() {
        if (uncaught == null) return null;
        String prefix = "Exception in thread \"main\" ";
        String first = uncaught.lines().findFirst().orElse("");
        if (first.startsWith(prefix)) first = first.substring(prefix.length());
        int colon = first.indexOf(':');
        return colon < 0 ? first : first.substring(0, colon);
    }
}
