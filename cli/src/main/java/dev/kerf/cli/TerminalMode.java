package dev.kerf.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Puts the user's terminal into raw mode while a guest owns it (keys go to the guest's COM1 one
 * by one, unechoed), and restores it exactly as it was. Uses {@code stty} on /dev/tty in a
 * subprocess, since Java has no termios. Ctrl-C still interrupts kerf ({@code isig} stays on).
 *
 * <p>Nothing happens when stdin is not a terminal (pipes, files, tests).
 */
public final class TerminalMode implements AutoCloseable {
    private final String saved;
    private boolean restored;

    private TerminalMode(String saved) {
        this.saved = saved;
    }

    /** Raw mode if stdin is a TTY; otherwise a no-op handle. Never throws: a failure means "not a TTY". */
    public static TerminalMode rawIfTty() {
        try {
            if (sh("[ -t 0 ]", true) == null) {
                return new TerminalMode(null);
            }
            String saved = sh("stty -g < /dev/tty", false);
            if (saved == null || sh("stty raw -echo isig < /dev/tty", false) == null) {
                return new TerminalMode(null);
            }
            return new TerminalMode(saved.strip());
        } catch (IOException e) {
            return new TerminalMode(null);
        }
    }

    public boolean raw() {
        return saved != null;
    }

    /** Restores the terminal; safe to call twice (normal exit and the Ctrl-C shutdown hook). */
    @Override
    public synchronized void close() {
        if (saved == null || restored) return;
        restored = true;
        try {
            sh("stty " + saved + " < /dev/tty", false);
        } catch (IOException e) {
            // nothing better to do: the user can type `stty sane`
        }
    }

    /** Runs a shell command; returns its stdout, or null on a non-zero exit. */
    private static String sh(String command, boolean inheritStdin) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (inheritStdin) pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroy();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
