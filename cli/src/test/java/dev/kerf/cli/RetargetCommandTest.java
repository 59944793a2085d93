package dev.kerf.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7, must-show 1 and 3 (syscall level): buggy's process slice from a bugreport recording
 * becomes a syscall log whose strace view is {@code kerf trace --syscalls} call for call; replaying
 * it reproduces the crash, with the recorded binary and with buggy rebuilt at -O0 (other
 * instruction counts, same calls); a binary that diverges at the first call, a file that is no
 * i386 ELF, and inputs of the wrong kind are clear errors.
 */
class RetargetCommandTest {
    @TempDir
    static Path tmp;
    private static Path rec, slice, log;
    private static String pid;
    private static Cli.Outcome retargeted;

    /** One in-process invocation with binary stdin and stdout. */
    record Run(int exitCode, byte[] out, String err) {
        String text() { return new String(out, StandardCharsets.UTF_8); }
    }

    static Run run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code = Kerf.commandLine(new HostIo(new ByteArrayInputStream(stdin), out, new PrintWriter(err, true), false)).execute(args);
        return new Run(code, out.toByteArray(), err.toString());
    }

    @BeforeAll
    static void recordSliceAndRetarget() throws Exception {
        rec = tmp.resolve("bugreport.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=bugreport"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        Matcher fault = Pattern.compile("buggy\\[(\\d+)\\]: page fault at 0x746e4920").matcher(r.out());
        assertThat(fault.find()).as(r.out()).isTrue();
        pid = fault.group(1);
        slice = tmp.resolve("buggy.kslice");
        Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", pid, "-o", slice.toString());
        assertThat(s.exitCode()).as(s.err()).isZero();
        log = tmp.resolve("buggy.ksys");
        retargeted = Cli.run("", "retarget", slice.toString(), "--to", "syscalls", "-o", log.toString());
    }

    @Test
    void buggysSliceBecomesAVerifiedSmallerSyscallLog() throws Exception {
        assertThat(retargeted.exitCode()).as(retargeted.err()).isZero();
        assertThat(retargeted.err()).containsPattern("syscall log of buggy \\(pid " + pid + "\\): \\d+ calls, 0 asynchronous effects, ended by page"
                + " fault \\(vector 14, error 0x4\\) at eip 0x080495ef, cr2 0x746e4920; verified by replay");
        assertThat(Files.size(log)).isLessThan(Files.size(slice));
        Cli.Outcome info = Cli.run("", "info", log.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).containsPattern("kind: +syscalls").contains("\"name\": \"buggy\"");
    }

    @Test
    void theStraceViewIsKerfTraceCallForCall() {
        Cli.Outcome trace = Cli.run("", "trace", rec.toString(), "--pid", pid, "--syscalls");
        assertThat(trace.exitCode()).as(trace.err()).isZero();
        List<String> traced = new ArrayList<>();
        String prefix = "] " + pid + " buggy ";
        for (String line : trace.out().split("\n")) {
            int at = line.indexOf(prefix);
            if (at < 0) continue;
            String call = line.substring(at + prefix.length());
            if (!call.startsWith("---") && !call.startsWith("+++")) traced.add(call); // calls after the exec: the slice starts there
        }
        Cli.Outcome strace = Cli.run("", "strace", log.toString());
        assertThat(strace.exitCode()).as(strace.err()).isZero();
        List<String> lines = new ArrayList<>(Arrays.asList(strace.out().split("\n")));
        assertThat(lines.remove(lines.size() - 1)).isEqualTo("+++ ended by page fault (vector 14, error 0x4) at eip 0x080495ef, cr2 0x746e4920 +++");
        assertThat(traced).hasSizeGreaterThan(90);
        assertThat(lines).containsExactlyElementsOf(traced);
        assertThat(lines.get(0)).isEqualTo("open(\"/home/customer/big-order.txt\", 0x0, 0x1a4) = 3");
        assertThat(lines).contains("read(3, \"I\", 1) = 1").anyMatch(l -> l.startsWith("write(1, \"buggy: Hooli "));

        Cli.Outcome json = Cli.run("", "strace", log.toString(), "--json");
        Cli.Outcome traceJson = Cli.run("", "trace", rec.toString(), "--pid", pid, "--syscalls", "--json");
        List<String> texts = new ArrayList<>();
        Matcher m = Pattern.compile("\"name\":\"buggy\",\"nr\":(\\d+),\"call\":\"\\w+\",\"args\":(\\[[^]]*]),\"strings\":(.*?),\"returned\"").matcher(traceJson.out());
        while (m.find()) texts.add("\"nr\":" + m.group(1) + ",\"call\"" + "|" + m.group(2) + "|" + m.group(3));
        List<String> ours = new ArrayList<>();
        Matcher o = Pattern.compile("\"nr\":(\\d+),\"call\":\"\\w+\",\"args\":(\\[[^]]*]),\"strings\":(.*?),\"returned\"").matcher(json.out());
        while (o.find()) ours.add("\"nr\":" + o.group(1) + ",\"call\"" + "|" + o.group(2) + "|" + o.group(3));
        assertThat(ours).hasSize(traced.size()).containsExactlyElementsOf(texts);
        assertThat(json.out()).endsWith("\"cr2\":1953384736,\"text\":\"page fault (vector 14, error 0x4) at eip 0x080495ef, cr2 0x746e4920\"}\n");
    }

    @Test
    void replayingTheLogReproducesTheCrash() {
        Cli.Outcome r = Cli.run("", "replay-syscalls", log.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("identical: ").contains(" syscalls, ended by a page fault like the recording")
                .contains("replayed page fault (vector 14, error 0x4) at eip 0x080495ef, cr2 0x746e4920");
    }

    @Test
    void buggyRebuiltAtO0ReplaysTheCustomersInputToTheSameCrash() throws Exception {
        Path o0 = GuestOs.kernel().resolveSibling("variants/buggy-O0");
        Path o2 = GuestOs.kernel().resolveSibling("root/bin/buggy");
        assertThat(Files.readAllBytes(o0)).isNotEqualTo(Files.readAllBytes(o2));
        Cli.Outcome r = Cli.run("", "replay-syscalls", log.toString(), "--binary", o0.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Matcher m = Pattern.compile("replayed page fault \\(vector 14, error 0x4\\) at eip (0x[0-9a-f]+), cr2 0x746e4920\\)").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(m.group(1)).isNotEqualTo("0x080495ef"); // other code, same crash
        Cli.Outcome same = Cli.run("", "replay-syscalls", log.toString());
        assertThat(instructions(r.err())).isNotEqualTo(instructions(same.err()));
    }

    private static long instructions(String err) {
        Matcher m = Pattern.compile("(\\d+) user instructions").matcher(err);
        assertThat(m.find()).as(err).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void aBinaryThatDivergesAtTheFirstCallIsNamedWithExpectedAndActual() throws Exception {
        Path echo = GuestOs.kernel().resolveSibling("root/bin/echo");
        Cli.Outcome r = Cli.run("", "replay-syscalls", log.toString(), "--binary", echo.toString());
        assertThat(r.exitCode()).isEqualTo(16);
        assertThat(r.err()).startsWith("kerf: syscall 0 (open) differs: expected open(\"/home/customer/big-order.txt\", 0x0, 0x1a4) = 3, got write(1, ");
    }

    @Test
    void aBinaryThatIsNotAnI386ElfIsRefused() throws Exception {
        Cli.Outcome text = Cli.run("", "replay-syscalls", log.toString(), "--binary", log.toString());
        assertThat(text.exitCode()).isEqualTo(4);
        assertThat(text.err()).isEqualTo("kerf: " + log + ": offset 0: not an ELF file (no ELF magic 7f 45 4c 46)\n");
        byte[] elf = Files.readAllBytes(GuestOs.kernel().resolveSibling("root/bin/buggy"));
        elf[18] = 62; // e_machine: x86-64
        Path amd64 = tmp.resolve("buggy-amd64");
        Files.write(amd64, elf);
        Cli.Outcome r = Cli.run("", "replay-syscalls", log.toString(), "--binary", amd64.toString());
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err()).contains(amd64 + ": offset 18: ELF machine 62 is not i386 (3)");
    }

    @Test
    void thePipelineWorksThroughStdinAndStdout() throws Exception {
        Run sliced = run(new byte[0], "slice", rec.toString(), "--process", pid, "-o", "-");
        assertThat(sliced.exitCode()).as(sliced.err()).isZero();
        Run ksys = run(sliced.out(), "retarget", "-", "--to", "syscalls", "-o", "-");
        assertThat(ksys.exitCode()).as(ksys.err()).isZero();
        assertThat(ksys.out()).isEqualTo(Files.readAllBytes(log));
        Run strace = run(ksys.out(), "strace", "-");
        assertThat(strace.text()).isEqualTo(Cli.run("", "strace", log.toString()).out());
    }

    @Test
    void wrongKindsAndDamagedLogsAreClearErrorsAndLeaveNoFile() throws Exception {
        Path out = tmp.resolve("never.ksys");
        Cli.Outcome again = Cli.run("", "retarget", log.toString(), "--to", "syscalls", "-o", out.toString());
        assertThat(again.exitCode()).isEqualTo(4);
        assertThat(again.err()).contains(log + ": a syscalls slice; --to syscalls needs a process slice (kerf slice --process)");
        assertThat(out).doesNotExist();
        Cli.Outcome replay = Cli.run("", "replay", log.toString());
        assertThat(replay.exitCode()).isEqualTo(2);
        assertThat(replay.err()).contains(log + ": a syscall log: replay it with kerf replay-syscalls");
        Cli.Outcome strace = Cli.run("", "strace", slice.toString());
        assertThat(strace.exitCode()).isEqualTo(4);
        assertThat(strace.err()).contains("a process slice, not a syscall log (make one with kerf retarget --to syscalls)");
        byte[] bytes = Files.readAllBytes(log);
        Path cut = tmp.resolve("cut.ksys");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        Cli.Outcome damaged = Cli.run("", "replay-syscalls", cut.toString());
        assertThat(damaged.exitCode()).isEqualTo(12);
        assertThat(damaged.err()).startsWith("kerf: " + cut + " at offset 0x").doesNotContain("Exception");
    }

    @Test
    void theLogCarriesTheSlicesPrivacyManifestAndAFinalScan() throws Exception {
        Path out = tmp.resolve("scanned.ksys");
        Cli.Outcome ok = Cli.run("", "retarget", slice.toString(), "--to", "syscalls", "-o", out.toString(), "--secret", "hunter2-but-longer");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.err()).contains("kerf: privacy: final scan of the file for 1 --secret: 0 hits");
        Path redacted = tmp.resolve("redacted.kslice"), redactedLog = tmp.resolve("redacted.ksys");
        Cli.Outcome sliced = Cli.run("", "slice", rec.toString(), "--process", pid, "--secret", "Hooli", "-o", redacted.toString());
        assertThat(sliced.exitCode()).as(sliced.err()).isZero();
        Cli.Outcome r = Cli.run("", "retarget", redacted.toString(), "--to", "syscalls", "-o", redactedLog.toString(), "--secret", "Hooli");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(new String(Files.readAllBytes(redactedLog), StandardCharsets.ISO_8859_1)).doesNotContain("Hooli");
        assertThat(Cli.run("", "info", redactedLog.toString(), "--json").out()).containsPattern("\"removed\": \\{\"occurrences\": 1,")
                .contains("\"verdict\": \"verified\"");
        assertThat(Cli.run("", "strace", redactedLog.toString()).out()).contains("write(1, \"buggy: XXXXX ");
        Cli.Outcome leak = Cli.run("", "retarget", slice.toString(), "--to", "syscalls", "-o", tmp.resolve("leak.ksys").toString(),
                "--secret", "big-order");
        assertThat(leak.exitCode()).isEqualTo(4);
        assertThat(leak.err()).contains("no file written");
        assertThat(tmp.resolve("leak.ksys")).doesNotExist();
    }

    @Test
    void theFirstBuggyEndsByExitAndARebuiltBinaryThatPrintsOtherBytesIsCaughtAtItsFirstWrite() throws Exception {
        Run ksys = run(run(new byte[0], "slice", rec.toString(), "--process", "buggy", "-o", "-").out(), "retarget", "-", "--to", "syscalls", "-o", "-");
        assertThat(ksys.exitCode()).as(ksys.err()).isZero();
        assertThat(ksys.err()).contains("ended by exit; verified by replay");
        Path first = tmp.resolve("first.ksys");
        Files.write(first, ksys.out());
        Cli.Outcome strace = Cli.run("", "strace", first.toString());
        assertThat(strace.out()).contains("write(1, \"buggy: 3 orders, total 38.99\\n\", 29) = 29\nexit(0) = ?\n+++ ended by exit +++\n");
        Path o0 = GuestOs.kernel().resolveSibling("variants/buggy-O0");
        Cli.Outcome same = Cli.run("", "replay-syscalls", first.toString(), "--binary", o0.toString());
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.out()).matches("identical: \\d+ syscalls, ended by exit like the recording\n");

        byte[] elf = Files.readAllBytes(o0);
        String latin1 = new String(elf, StandardCharsets.ISO_8859_1);
        int at = latin1.indexOf("buggy: %-16s");
        assertThat(at).isPositive();
        elf[at + 4] = 'z'; // "buggz: ...": the same calls, other bytes written
        Path patched = tmp.resolve("buggz");
        Files.write(patched, elf);
        Cli.Outcome r = Cli.run("", "replay-syscalls", first.toString(), "--binary", patched.toString());
        assertThat(r.exitCode()).isEqualTo(16);
        assertThat(r.err()).containsPattern("kerf: syscall \\d+ \\(write\\) differs: expected write\\(1, \"buggy: Initech .* got write\\(1, \"buggz: Initech"
                + ".*\\(the bytes of argument 1 differ\\)");
    }
}
