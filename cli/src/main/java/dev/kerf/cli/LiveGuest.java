package dev.kerf.cli;

import java.io.IOException;

/**
 * How a command runs a live guest on this terminal ({@code kerf run}, {@code kerf record}): raw
 * mode while the guest owns the terminal, Ctrl-C asking the machine to stop (and the terminal
 * restored even then), guest output flushed before the command reports.
 */
final class LiveGuest {
    /** The guest's run, which may fail with an I/O error (a journal write, a device file). */
    interface Run<T> {
        T run() throws IOException;
    }

    private LiveGuest() {}

    static <T> T run(HostIo io, Runnable requestStop, Run<T> guest) throws IOException {
        try (TerminalMode terminal = io.interactive() ? TerminalMode.rawIfTty() : null) {
            Thread hook = new Thread(() -> {
                requestStop.run();
                if (terminal != null) terminal.close();
            }, "kerf-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return guest.run();
            } finally {
                io.out().flush();
                if (terminal != null) terminal.close();
                removeHook(hook);
            }
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down (Ctrl-C): the hook is running
        }
    }
}
