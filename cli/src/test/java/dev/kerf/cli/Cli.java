package dev.kerf.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code kerf} in-process through {@code CommandLine.execute} with captured streams, or in a child JVM. */
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

    /**
     * Runs {@code kerf ARGS} in a child JVM with this JVM's module flags plus {@code jvmOptions}
     * (for what cannot be undone in-process, such as a native library JNA has loaded); its output
     * goes through files in {@code tmp}.
     */
    static Outcome child(Path tmp, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("-Xss")) cmd.add(a);
        }
        cmd.add("-XX:-UsePerfData");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Kerf.class.getName());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "child", ".out"), err = Files.createTempFile(tmp, "child", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("kerf " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        try {
            return new Outcome(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }
}
