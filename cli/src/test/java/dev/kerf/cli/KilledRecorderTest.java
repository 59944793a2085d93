package dev.kerf.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4 must-show 4: {@code kerf record} killed with SIGKILL leaves a recording that
 * {@code kerf info} calls cut short and {@code kerf replay} replays to its last complete batch
 * (exit 18, no divergence).
 */
class KilledRecorderTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aSigkilledRecorderLeavesAReplayableCutShortRecording() throws Exception {
        Path rec = tmp.resolve("killed.kerf");
        Process child = new ProcessBuilder(command(GuestOs.args(List.of("record", "-o", rec.toString()), "")))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try {
            awaitOutput(child.getInputStream(), console, "$ ");              // the shell is up
            OutputStream stdin = child.getOutputStream();                    // left open: the shell keeps waiting
            stdin.write("echo typed before the kill\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            awaitOutput(child.getInputStream(), console, "typed before the kill\n");
            Thread.sleep(1500); // idle timer interrupts; the recorder flushes at least every 100 ms
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(child.exitValue()).isEqualTo(128 + 9);

        Cli.Outcome info = Cli.run("", "info", rec.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).contains("cut short:     yes").contains("end:           none: cut short")
                .contains("(cut short: start to the journal file's last modification)")
                .containsPattern("interrupt: +[1-9]");

        Cli.Outcome replay = Cli.run("", "replay", rec.toString());
        assertThat(replay.exitCode()).as(replay.err()).isEqualTo(ExitCode.CUT_SHORT.code());
        assertThat(replay.err()).contains("kerf: " + rec + ": the recording was cut short").doesNotContain("diverged");
        assertThat(replay.out()).startsWith("kerf guest kernel").contains("typed before the kill");
        assertThat(Cli.run("", "replay", rec.toString()).out()).isEqualTo(replay.out());
    }

    /** {@code java [this JVM's module flags] -cp [the test classpath] dev.kerf.cli.Kerf ARGS}. */
    private static List<String> command(String[] args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("-Xss")) cmd.add(a);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Kerf.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Reads the child's console until it has printed {@code marker} (fails if it ends first). */
    private static void awaitOutput(InputStream in, ByteArrayOutputStream seen, String marker) throws Exception {
        while (!seen.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
            int b = in.read();
            if (b < 0) throw new AssertionError("kerf record ended before printing '" + marker + "': " + seen);
            seen.write(b);
        }
    }
}
