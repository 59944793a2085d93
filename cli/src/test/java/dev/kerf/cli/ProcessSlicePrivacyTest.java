package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, must-show 1 and 2: secrets planted in the bugreport scenario — vault's database, a
 * password typed for login, vault excluded as a whole — never reach buggy's process slice; a
 * secret that does flow into buggy (its input file) is removed, the manifest says where, and the
 * slice still replays; one whose removal changes the crash is refused, naming the point.
 */
class ProcessSlicePrivacyTest {
    private static final List<String> VAULT = List.of("correct-horse-battery-staple", "hunter2-but-longer", "Tr0ub4dor&3");
    @TempDir
    static Path tmp;
    private static Path rec;
    private static String buggy;

    @BeforeAll
    static void record() throws Exception {
        rec = tmp.resolve("bugreport.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=bugreport"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        Matcher fault = Pattern.compile("buggy\\[(\\d+)\\]: page fault").matcher(r.out());
        assertThat(fault.find()).isTrue();
        buggy = fault.group(1);
    }

    /** Occurrences of {@code s} in the file's raw bytes, as UTF-8 and as UTF-16LE. */
    private static int hits(Path file, String s) throws Exception {
        String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        int n = 0;
        for (byte[] form : List.of(s.getBytes(StandardCharsets.UTF_8), s.getBytes(StandardCharsets.UTF_16LE))) {
            String f = new String(form, StandardCharsets.ISO_8859_1);
            for (int i = raw.indexOf(f); i >= 0; i = raw.indexOf(f, i + 1)) n++;
        }
        return n;
    }

    @Test
    void secretsOfOtherProcessesNeverReachBuggysSlice() throws Exception {
        Path out = tmp.resolve("clean.kslice");
        Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", buggy, "-o", out.toString(),
                "--secret", VAULT.get(0), "--secret", VAULT.get(1), "--secret", VAULT.get(2), "--exclude-process", "vault");
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(s.err()).contains("final scan of the file: 0 hits");
        for (String secret : VAULT) assertThat(hits(out, secret)).as(secret).isZero();
        for (String name : List.of("alice", "bob:", "carol")) assertThat(hits(out, name)).as(name).isZero();
        Cli.Outcome info = Cli.run("", "info", out.toString(), "--json");
        assertThat(info.out()).contains("\"excludedProcesses\": [\"vault\"]").contains("\"verdict\": \"verified\"")
                .contains("\"hits\": 0");
        assertThat(Cli.run("", "replay", out.toString()).exitCode()).isZero();
    }

    @Test
    void aSecretBuggyReadsIsRemovedAndTheManifestSaysWhere() throws Exception {
        Path out = tmp.resolve("hooli.kslice");
        Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", buggy, "-o", out.toString(), "--secret", "Hooli");
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(s.err()).contains("1 occurrences (5 bytes) removed");
        assertThat(hits(out, "Hooli")).isZero();
        Cli.Outcome info = Cli.run("", "info", out.toString(), "--json");
        assertThat(info.out()).contains("\"occurrences\": 1").contains("after syscall 3").contains("\"verdict\": \"verified\"");
        Cli.Outcome replay = Cli.run("", "replay", out.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.err()).contains("eip 0x080495ef, cr2 0x746e4920"); // the same crash, from the redacted input
    }

    @Test
    void aRemovalThatChangesTheCrashIsRefusedUnlessAllowed() throws Exception {
        Path out = tmp.resolve("intl.kslice");
        Cli.Outcome refused = Cli.run("", "slice", rec.toString(), "--process", buggy, "-o", out.toString(),
                "--secret", "International");
        assertThat(refused.exitCode()).isEqualTo(16);
        assertThat(refused.err()).contains("refused").contains("does not replay");
        assertThat(out).doesNotExist();
        Cli.Outcome allowed = Cli.run("", "slice", rec.toString(), "--process", buggy, "-o", out.toString(),
                "--secret", "International", "--allow-divergence");
        assertThat(allowed.exitCode()).as(allowed.err()).isZero();
        assertThat(hits(out, "International")).isZero();
        assertThat(Cli.run("", "info", out.toString(), "--json").out()).contains("\"verdict\": \"diverged\"");
        assertThat(Cli.run("", "replay", out.toString()).exitCode()).isEqualTo(16);
    }

    @Test
    void secretsAreRefusedForTimeSlices() {
        Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--time", "0..1M", "-o", tmp.resolve("t.kslice").toString(),
                "--secret", "x1234");
        assertThat(s.exitCode()).isEqualTo(2);
        assertThat(s.err()).contains("secrets are removed from process slices");
    }
}
