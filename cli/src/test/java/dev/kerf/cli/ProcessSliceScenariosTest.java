package dev.kerf.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every process of the selftest and smoke scenarios sliced and replayed: user faults of every kind
 * the selftest provokes (supervisor pages, unmapped pages, #GP, #UD, #DE), bad syscall pointers,
 * pipes, fork, exec, kill, stack growth; each slice must verify and replay again from its file.
 */
class ProcessSliceScenariosTest {
    @TempDir
    Path tmp;

    @Test
    void everyProcessOfTheSelftestSlicesAndReplays() throws Exception {
        sliceEveryProcess("scenario=selftest", 1);
    }

    @Test
    void everyProcessOfTheSmokeScenarioSlicesAndReplays() throws Exception {
        sliceEveryProcess("scenario=smoke", 7);
    }

    private void sliceEveryProcess(String append, int recordExit) throws Exception {
        Path rec = tmp.resolve("rec.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), append));
        assertThat(r.exitCode()).as(r.err()).isIn(recordExit, 1);
        Cli.Outcome ps = Cli.run("", "ps", rec.toString(), "--json");
        assertThat(ps.exitCode()).as(ps.err()).isZero();
        List<String> pids = new ArrayList<>();
        Matcher m = Pattern.compile("\\{\"pid\":(\\d+),").matcher(ps.out());
        while (m.find()) pids.add(m.group(1));
        assertThat(pids).hasSizeGreaterThan(3);
        for (String pid : pids) {
            Path out = tmp.resolve("p" + pid + ".kslice");
            Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", pid, "-o", out.toString());
            assertThat(s.exitCode()).as("pid " + pid + ": " + s.err()).isZero();
            Cli.Outcome replay = Cli.run("", "replay", out.toString());
            assertThat(replay.exitCode()).as("pid " + pid + ": " + replay.err()).isZero();
            assertThat(replay.err()).contains("verified");
        }
    }
}
