package dev.kerf.cli.fuzz;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, must-show 2: the fuzz campaign of the default test run. {@link FuzzCampaign} runs in a
 * child JVM of its own — a private {@code java.io.tmpdir} (so a temporary file kerf leaves is seen),
 * a bounded heap (-Xmx768m; the stated bound on a case's peak heap is 512 MiB) and a process this
 * test can kill if the campaign hangs — and drives the real CLI entry in that JVM, one case at a
 * time: 219 mutated inputs over the 13 readers (seed 20261207, a fixed count per reader),
 * about a minute on 2 cores. Every case must end without exit 70, stack trace, hang (60 s), heap
 * over the bound, file left behind or control byte on the terminal. The longer campaign is
 * {@code bench/fuzz.sh}; a failing case is reproduced by the line the campaign prints.
 */
class FuzzCampaignTest {
    @TempDir
    Path work;

    @Test
    void everyReaderSurvivesTheSeededCampaign() throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // the module flags and system properties kerf needs (the pom's kerf.jvm.flags), not this JVM's heap or agents
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("-Xss")) cmd.add(a);
        }
        cmd.addAll(List.of("-Xmx768m", "-Djava.io.tmpdir=" + tmp, "-Dkerf.root=" + System.getProperty("kerf.root"),
                "-cp", System.getProperty("java.class.path"), FuzzCampaign.class.getName(),
                "--work", work.toString(), "--seed", "20261207", "--scale", "1", "--timeout", "60", "--heap-bound", "512"));
        Path log = work.resolve("campaign.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(10, TimeUnit.MINUTES);
        if (!ended) p.destroyForcibly().waitFor();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        System.out.print(out); // the figures, in the test's report
        assertThat(ended).as("the campaign ended within 10 minutes:\n" + out).isTrue();

        Matcher total = Pattern.compile("fuzz: (\\d+) cases in [\\d.]+ s, (\\d+) failed").matcher(out);
        assertThat(total.find()).as(out).isTrue();
        assertThat(Integer.parseInt(total.group(1))).isEqualTo(FuzzCampaign.targets().stream().mapToInt(FuzzCampaign.Target::weight).sum());
        List<String> failed = out.lines().filter(l -> l.startsWith("fuzz: FAIL")).toList();
        assertThat(failed).as(out).isEmpty();
        assertThat(total.group(2)).isEqualTo("0");
        for (FuzzCampaign.Target t : FuzzCampaign.targets()) {
            assertThat(out).as(out).containsPattern("fuzz: " + Pattern.quote(t.name()) + " +\\d+ cases, 0 failed");
        }
        // the readers were reached past their first check: some cases of each kind are accepted, some refused
        assertThat(out).containsPattern("exits \\{0=\\d+, .*12=\\d+");
        assertThat(p.exitValue()).as(out).isZero();
        try (var left = Files.list(tmp)) {
            assertThat(left.map(Path::toString).toList()).as("java.io.tmpdir of the campaign").isEmpty();
        }
        assertThat(new File(work.toFile(), "case")).doesNotExist();
    }
}
