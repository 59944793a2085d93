package dev.kerf.cli;

import dev.kerf.testkit.HostPackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kerf ps} and {@code kerf trace} on a recording of {@code scenario=bugreport debug=syscalls}
 * (host clock, as a customer would record): the processes and pids the guest printed, buggy's
 * fault, buggy's trace equal to the kernel's own log, and the documented errors for bad input.
 */
class PsTraceCommandTest {
    private static final Pattern SYS = Pattern.compile(
            "\\[sys\\] (\\d+) (\\S+) (\\d+) \\(([0-9a-f]+), ([0-9a-f]+), ([0-9a-f]+), ([0-9a-f]+), ([0-9a-f]+)\\) = (-?\\d+|\\?)\n");
    private static final Pattern FAULT = Pattern.compile("buggy\\[(\\d+)\\]: page fault at 0x746e4920, eip 0x080495ef");
    @TempDir
    static Path tmp;
    private static Path rec;
    private static String console;

    @BeforeAll
    static void recordTheBugreport() throws Exception {
        rec = tmp.resolve("bugreport.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=bugreport debug=syscalls"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        console = r.out();
    }

    @Test
    void psListsTheProcessesWithTheGuestsPidsAndBuggysFault() {
        Cli.Outcome ps = Cli.run("", "ps", rec.toString());
        assertThat(ps.exitCode()).as(ps.err()).isZero();
        Matcher fault = FAULT.matcher(console);
        assertThat(fault.find()).as(console).isTrue();
        String buggyPid = fault.group(1);
        assertThat(ps.out()).containsPattern("(?m)^ +1 +0 init +\\d+ +\\d+ +[1-9]\\d* +[1-9]\\d* +exit 0$")
                .containsPattern("(?m)^ +2 +1 sh ")
                .containsPattern("(?m)^ +16 +2 ps ")
                .containsPattern("(?m)^ +" + buggyPid + " +2 buggy .* killed by signal 11 \\(page fault at 0x746e4920,"
                        + " eip 0x080495ef\\)$");
        for (String name : List.of("login", "vault", "wc", "ls")) assertThat(ps.out()).containsPattern("(?m)^ +\\d+ +\\d+ " + name + " ");

        Cli.Outcome json = Cli.run("", "ps", rec.toString(), "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).startsWith("{\"instructions\":").contains("{\"pid\":" + buggyPid + ",\"ppid\":2,\"name\":\"buggy\"")
                .contains("\"vector\":14,").contains("\"eip\":134518255,\"cr2\":1953384736,");
    }

    @Test
    void buggysTraceEqualsTheKernelsLogCallForCall() {
        Matcher fault = FAULT.matcher(console);
        assertThat(fault.find()).isTrue();
        String buggyPid = fault.group(1);
        List<String> kernel = new ArrayList<>();
        Matcher m = SYS.matcher(console);
        while (m.find()) {
            if (!m.group(1).equals(buggyPid)) continue;
            kernel.add(String.format("%s %s %s (%s, %s, %s, %s, %s) = %s", m.group(1), m.group(2), m.group(3),
                    m.group(4), m.group(5), m.group(6), m.group(7), m.group(8), m.group(9)));
        }
        Cli.Outcome trace = Cli.run("", "trace", rec.toString(), "--pid", buggyPid, "--syscalls", "--json");
        assertThat(trace.exitCode()).as(trace.err()).isZero();
        List<String> traced = new ArrayList<>();
        Pattern call = Pattern.compile("\"pid\":(\\d+),\"name\":\"([^\"]+)\",\"nr\":(\\d+),\"call\":\"[^\"]+\",\"args\":\\[(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\].*\"result\":(-?\\d+|null),");
        for (String line : trace.out().lines().toList()) {
            if (!line.contains("\"type\":\"syscall\"")) continue;
            Matcher c = call.matcher(line);
            assertThat(c.find()).as(line).isTrue();
            traced.add(String.format("%s %s %s (%x, %x, %x, %x, %x) = %s", c.group(1), c.group(2), c.group(3),
                    Long.parseLong(c.group(4)), Long.parseLong(c.group(5)), Long.parseLong(c.group(6)),
                    Long.parseLong(c.group(7)), Long.parseLong(c.group(8)), c.group(9).equals("null") ? "?" : c.group(9)));
        }
        assertThat(kernel).hasSizeGreaterThan(5);
        assertThat(traced).containsExactlyElementsOf(kernel);

        Cli.Outcome text = Cli.run("", "trace", rec.toString(), "--name", "buggy");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).containsPattern("(?m)^\\[\\d+\\] " + buggyPid + " sh execve\\(\"/bin/buggy\", 0x[0-9a-f]+, 0x[0-9a-f]+\\) = 0$")
                .containsPattern("(?m)^\\[\\d+\\] " + buggyPid + " buggy open\\(\"/home/customer/big-order.txt\", 0x0, 0x[0-9a-f]+\\) = \\d+$")
                .containsPattern("(?m)^\\[\\d+\\] " + buggyPid + " buggy --- page fault at 0x746e4920, eip 0x080495ef ---$")
                .containsPattern("(?m)^\\[\\d+\\] " + buggyPid + " buggy \\+\\+\\+ killed by signal 11 \\+\\+\\+$");
    }

    @Test
    void anInstructionTraceShowsTheFaultingInstructionDisassembled() {
        HostPackages.require(HostPackages.CAPSTONE);
        Matcher fault = FAULT.matcher(console);
        assertThat(fault.find()).isTrue();
        Cli.Outcome r = Cli.run("", "trace", rec.toString(), "--pid", fault.group(1), "--insns", "--syscalls");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        int at = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains("--- page fault at 0x746e4920")) at = i;
        assertThat(at).as(r.out()).isPositive();
        assertThat(lines.get(at - 1)).matches("\\[\\d+\\] " + fault.group(1) + " buggy 0x080495ef: mov \\w+, dword ptr \\[\\w+\\]");
        assertThat(lines).anyMatch(l -> l.matches("\\[\\d+\\] \\d+ buggy open\\(\"/home/customer/big-order.txt\".*"));
        long insns = lines.stream().filter(l -> l.matches("\\[\\d+\\] \\d+ \\w+ 0x[0-9a-f]{8}: .*")).count();
        assertThat(insns).isGreaterThan(1000);
        Cli.Outcome ps = Cli.run("", "ps", rec.toString(), "--json");
        Matcher user = Pattern.compile("\"pid\":" + fault.group(1) + ",.*?\"userInstructions\":(\\d+)").matcher(ps.out());
        assertThat(user.find()).isTrue();
        assertThat(insns).as("every retired user instruction, plus the faulting one").isEqualTo(Long.parseLong(user.group(1)) + 1);
    }

    /**
     * Without libcapstone (JNA pointed at an empty directory, as on a machine without libcapstone4)
     * the instruction trace still runs: one warning line naming the package, each instruction as its bytes.
     */
    @Test
    void withoutLibcapstoneTheInstructionTraceShowsBytesAfterOneWarning() throws Exception {
        Matcher fault = FAULT.matcher(console);
        assertThat(fault.find()).isTrue();
        Path empty = java.nio.file.Files.createDirectories(tmp.resolve("no-libs"));
        Cli.Outcome r = Cli.child(tmp, List.of("-Djna.platform.library.path=" + empty, "-Djna.library.path=" + empty),
                "trace", rec.toString(), "--pid", fault.group(1), "--insns");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEqualTo("kerf: warning: instruction text needs libcapstone, which cannot be loaded"
                + " (apt-get install libcapstone4): showing instruction bytes instead\n");
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSizeGreaterThan(1000)
                .allMatch(l -> l.matches("\\[\\d+\\] " + fault.group(1) + " \\w+ 0x[0-9a-f]{8}: \\(bytes\\)( [0-9a-f]{2}){1,15}"));
        // the faulting load, twice (retired attempt and retry): its bytes as kerf's decoder sized them
        assertThat(lines.get(lines.size() - 1)).matches("\\[\\d+\\] \\d+ buggy 0x080495ef: \\(bytes\\) 8b [0-9a-f]{2}");
    }

    @Test
    void aWindowSelectsCallsByIcount() {
        Cli.Outcome all = Cli.run("", "trace", rec.toString(), "--pid", "1");
        assertThat(all.exitCode()).as(all.err()).isZero();
        List<Long> at = all.out().lines().map(l -> Long.parseLong(l.substring(1, l.indexOf(']')))).toList();
        assertThat(at.size()).isGreaterThan(4);
        long lo = at.get(1), hi = at.get(at.size() - 2);
        Cli.Outcome window = Cli.run("", "trace", rec.toString(), "--pid", "1", "--from", Long.toString(lo), "--to", Long.toString(hi));
        assertThat(window.exitCode()).as(window.err()).isZero();
        assertThat(window.out().lines().map(l -> Long.parseLong(l.substring(1, l.indexOf(']')))).toList())
                .isNotEmpty().allSatisfy(i -> assertThat(i).isBetween(lo, hi)).hasSizeLessThan(at.size());
    }

    @Test
    void aReplayThatDivergesShowsNothing() throws Exception {
        Path changed = tmp.resolve("changed.kerf");
        try (var files = java.nio.file.Files.walk(rec)) {
            for (Path p : files.toList()) {
                Path to = changed.resolve(rec.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) java.nio.file.Files.createDirectories(to);
                else java.nio.file.Files.copy(p, to);
            }
        }
        Path manifest = changed.resolve("manifest.json");
        String text = java.nio.file.Files.readString(manifest);
        assertThat(text).contains("scenario=bugreport");
        java.nio.file.Files.writeString(manifest, text.replace("scenario=bugreport", "scenario=bugreporx"));
        for (List<String> args : List.of(List.of("ps"), List.of("trace"), List.of("trace", "--insns"))) {
            List<String> all = new ArrayList<>(args);
            all.add(changed.toString());
            Cli.Outcome r = Cli.run("", all.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.DIVERGED.code());
            assertThat(r.err()).contains("kerf: registers: ").contains("diverged");
            if (!args.contains("--insns")) assertThat(r.out()).as("nothing of a diverged replay is shown").isEmpty();
        }
    }

    @Test
    void aKernelWithoutTheIntrospectionExportIsBadInput() throws Exception {
        Path hello = tmp.resolve("hello.kerf");
        Cli.Outcome recorded = Cli.run("hi\n", "record", "-o", hello.toString(), Examples.hello("hello.elf").toString(), "--mem", "4M");
        assertThat(recorded.exitCode() & 1).as(recorded.err()).isEqualTo(1);
        for (String verb : List.of("ps", "trace")) {
            Cli.Outcome r = Cli.run("", verb, hello.toString());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.BAD_INPUT.code());
            assertThat(r.err()).isEqualTo("kerf: " + hello + ": kerf cannot look inside this guest: it is neither the kerf example OS"
                    + " (no introspection export at physical 0x100020) nor a Linux kernel (no \"Linux version\" banner in its RAM);"
                    + " kerf profiles the example OS from its export and i386 Linux from its recording or --profile FILE\n");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void theExampleOsWithProfileLinuxSaysWhatIsMissingAndHowToGiveAProfile() throws Exception {
        for (String verb : List.of("ps", "trace", "timeline")) {
            List<String> args = new java.util.ArrayList<>(List.of(verb, rec.toString(), "--profile", "linux"));
            if (verb.equals("timeline")) args.addAll(List.of("-o", tmp.resolve("t.svg").toString()));
            Cli.Outcome r = Cli.run("", args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.BAD_INPUT.code());
            assertThat(r.err()).startsWith("kerf: " + rec + ": --profile linux: this is not a Linux kernel (no \"Linux version\" banner")
                    .contains("could not be")
                    .endsWith("; save a profile with 'kerf profile OTHER-REC --save F.kprofile' from a longer recording of the same"
                            + " kernel and give it with --profile F.kprofile\n");
            assertThat(r.out()).isEmpty();
            assertThat(tmp.resolve("t.svg")).doesNotExist();
        }
        Cli.Outcome kerf = Cli.run("", "ps", rec.toString(), "--profile", "kerf");
        assertThat(kerf.exitCode()).as(kerf.err()).isZero();
        Cli.Outcome missing = Cli.run("", "ps", rec.toString(), "--profile", tmp.resolve("none.kprofile").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(missing.err()).contains("none.kprofile").doesNotContain("\tat ");
    }

    @Test
    void badInputIsOneLineWithTheDocumentedExitCode() {
        Cli.Outcome noPid = Cli.run("", "trace", rec.toString(), "--pid", "999");
        assertThat(noPid.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(noPid.err()).startsWith("kerf: no process with pid 999 in ").contains("pids seen: 1-");
        assertThat(noPid.out()).isEmpty();

        Cli.Outcome noName = Cli.run("", "trace", rec.toString(), "--name", "nosuch");
        assertThat(noName.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(noName.err()).startsWith("kerf: no process named 'nosuch'");

        Cli.Outcome past = Cli.run("", "trace", rec.toString(), "--from", "900G");
        assertThat(past.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(past.err()).startsWith("kerf: --from 900000000000 is past the end of ").contains(" instructions)");

        Cli.Outcome reversed = Cli.run("", "trace", rec.toString(), "--from", "2M", "--to", "1M");
        assertThat(reversed.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(reversed.err()).startsWith("kerf: the window is empty");

        Cli.Outcome missing = Cli.run("", "ps", tmp.resolve("nothing-here").toString());
        assertThat(missing.exitCode()).isIn(ExitCode.BAD_INPUT.code(), ExitCode.BAD_RECORDING.code());
        assertThat(missing.err().strip().lines().count()).isEqualTo(1);
        for (Cli.Outcome o : List.of(noPid, noName, past, reversed)) {
            assertThat(o.err().strip().lines().count()).as(o.err()).isEqualTo(1);
        }
    }
}
