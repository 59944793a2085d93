package dev.kerf.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Runs {@code kerf} in-process through {@code CommandLine.execute} with captured streams. */
final class Cli {
    /** What one invocation left behind. */
    record Outcome(int exitCode, String out, String err) {}

    private Cli() {}

    static Outcome run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        HostIo io = new HostIo(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out,
                new PrintWriter(err, true), false);
        int code = Kerf.commandLine(io).execute(args);
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }
}
