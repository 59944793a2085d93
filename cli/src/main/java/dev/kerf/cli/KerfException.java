package dev.kerf.cli;

/** A failure a command reports with its own exit code; the message is one line for the user. */
public final class KerfException extends RuntimeException {
    private final ExitCode exitCode;

    public KerfException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
