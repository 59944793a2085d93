package dev.kerf.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The demos' step runner: each step runs the real kerf command in this JVM (the same code a user
 * runs) with its streams captured, numbered on stderr with its wall time; a step that does not end
 * as expected stops the demo with that step's exit code.
 */
final class DemoSteps {
    record Ran(int exitCode, String out, String err, double seconds) {}

    private final HostIo io;
    private final Path dir;
    private final int total;
    private int run;

    DemoSteps(HostIo io, Path dir, int total) {
        this.io = io;
        this.dir = dir;
        this.total = total;
    }

    PrintWriter say() {
        return io.err();
    }

    String file(String name) {
        return dir.resolve(name).toString();
    }

    /** Runs one kerf command with no input. */
    Ran step(String what, String... args) {
        return stepWithInput(what, "", args);
    }

    /** Runs one kerf command with {@code input} as its console input. */
    Ran stepWithInput(String what, String input, String... args) {
        io.err().printf(Locale.ROOT, "[%d/%d] %s ...%n", ++run, total, what);
        io.err().flush();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        HostIo captured = new HostIo(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, new PrintWriter(err, true), false);
        long t0 = System.nanoTime();
        int code = Kerf.commandLine(captured).execute(args);
        double seconds = (System.nanoTime() - t0) / 1e9;
        io.err().printf(Locale.ROOT, "      (kerf %s ... : %.1f s)%n", args[0], seconds);
        return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(), seconds);
    }

    void expect(Ran r, int code, String what) {
        if (r.exitCode() == code) return;
        io.err().print(r.err());
        throw new KerfException(r.exitCode() == 0 ? ExitCode.INTERNAL : exitOf(r.exitCode()),
                "the demo's " + what + " step failed (exit " + r.exitCode() + ")");
    }

    private static ExitCode exitOf(int code) {
        for (ExitCode c : ExitCode.values()) if (c.code() == code) return c;
        return ExitCode.INTERNAL;
    }

    static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }
}
