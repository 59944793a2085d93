package dev.kerf.formats.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Design §5 / issue 4 must-show 4: a writer killed with SIGKILL leaves a journal readable up to its last complete excerpt. */
class KilledWriterTest {
    @TempDir Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sigkilledWriterLeavesReadableJournal() throws Exception {
        Path journal = dir.resolve("journal");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle")) cmd.add(a);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KilledWriterMain.class.getName());
        cmd.add(journal.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long flushed = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; flushed < 20_000 && (line = out.readLine()) != null; ) flushed = Long.parseLong(line.trim());
        } finally {
            p.destroyForcibly(); // SIGKILL on Linux
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(flushed).as("child wrote nothing (see its stderr)").isGreaterThanOrEqualTo(20_000);
        assertThat(p.exitValue()).isEqualTo(137);

        long n = 0;
        try (JournalReader r = JournalReader.open(journal)) {
            for (Event e; (e = r.next()) != null; ) {
                for (Event one : Event.PortBlock.flatten(List.of(e))) assertThat(one).isEqualTo(KilledWriterMain.event(n++));
            }
            assertThat(r.cutShort()).isTrue();
        }
        assertThat(n).isGreaterThanOrEqualTo(flushed).isEqualTo(n / 500 * 500);
    }
}
