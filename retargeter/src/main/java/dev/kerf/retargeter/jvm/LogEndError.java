package dev.kerf.retargeter.jvm;

/** Stops a replayed program that reaches the end of a log cut while the guest program still ran. */
final class LogEndError extends Error {
    LogEndError() {
        super("the log ends here", null, false, false);
    }
}
