package dev.kerf.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kerf demo}: the pipeline end to end on the bundled guest, telling the story as it goes —
 * a customer's session is recorded, its processes listed, the crashing program cut out with the
 * password vault's data removed, the slice replayed alone, retargeted to a syscall log and replayed
 * against a rebuilt binary; a Java program's failing run is sliced, retargeted to the JVM level and
 * replayed on the host JVM; a timeline is drawn. Each step runs
 * the real command (the same code a user runs) with its output captured and summarized.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the kerf pipeline on the bundled example guest and explain each step: record the"
                + " bugreport scenario, list its processes, slice the crashing program with the password vault's"
                + " secrets removed, verify the slice by replaying it alone, retarget it to a syscall log and replay that against"
                + " a rebuilt binary; record a Java program failing in the guest, slice it, retarget it to the JVM level and"
                + " replay it on this JVM; draw a timeline.", "",
                "The files go to DIR (default ./kerf-demo; a previous demo there is replaced). Exit 0 when every"
                + " step did what it should; otherwise the exit code of the step that failed.", ""})
public final class DemoCommand implements Callable<Integer> {
    /** The passwords the bundled guest's vault keeps (examples/guest/rootfs/secret/vault.db). */
    static final List<String> VAULT_SECRETS = List.of("correct-horse-battery-staple", "hunter2-but-longer", "Tr0ub4dor&3");
    private static final int STEPS = 14;

    private final HostIo io;
    private int stepsRun;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where the demo's files go (default: ./kerf-demo).")
    Path dir = Path.of("kerf-demo");

    public DemoCommand(HostIo io) {
        this.io = io;
    }

    @Option(names = "--linux", description = "Tell the same story on Debian's i386 Linux kernel and busybox (examples/linux:"
            + " make -C examples/linux fetch image variants): boot to /init's prompt and snapshot the machine (or --snapshot),"
            + " record the bug report from it, ps, slice buggy with the vault's secrets removed, replay it alone, retarget it,"
            + " strace, replay against buggy rebuilt at -O0 and against the fixed buggy.")
    boolean linux;

    @Option(names = "--snapshot", paramLabel = "F.ksnap", description = "With --linux: a booted snapshot at /init's prompt to"
            + " record from (kerf run ... --snapshot-on 'scenario? ' -o F.ksnap) instead of booting first.")
    Path snapshot;

    private DemoSteps steps;

    @Override
    public Integer call() throws IOException {
        if (snapshot != null && !linux) throw new KerfException(ExitCode.USAGE, "--snapshot goes with --linux");
        if (linux) return new LinuxDemo(io, dir, snapshot).run();
        steps = new DemoSteps(io, dir, STEPS);
        Path guest = guestDir();
        Path kernel = guest.resolve("build/kernel.elf"), initrd = guest.resolve("build/initrd.tar");
        for (Path p : List.of(kernel, initrd)) {
            if (!Files.isRegularFile(p)) throw new KerfException(ExitCode.BAD_INPUT, p + " is missing: build the guest"
                    + " with make -C " + guest);
        }
        prepare(dir);
        PrintWriter say = io.err();
        say.println("kerf demo: a customer's session on the example guest OS becomes a privacy-safe bug report,");
        say.println("then a log a developer's own tools can replay.");
        say.println();
        String pid = bugReport(kernel, initrd, say);
        syscallLevel(pid, guest, say);
        jvmLevel(kernel, initrd, say);

        DemoSteps.Ran drawn = steps.step("drawing the timeline of the first recording", "timeline", steps.file("bugreport.kerf"), "-o", steps.file("bugreport.html"));
        steps.expect(drawn, 0, "timeline");
        say.println("    " + DemoSteps.lastLine(drawn.err()).replaceFirst("^kerf timeline: ", ""));

        say.println();
        say.println("Done. Hand " + steps.file("buggy.kslice") + " (or the logs) to the developer; what to run next:");
        say.println("  kerf info " + steps.file("buggy.kslice") + "             # what it holds, and its privacy manifest");
        say.println("  kerf trace " + steps.file("bugreport.kerf") + " --pid " + pid + " --insns | tail   # buggy's last instructions");
        say.println("  kerf strace " + steps.file("buggy.ksys") + "              # its system calls, strace-style");
        say.println("  kerf replay-jvm " + steps.file("inventory.kjvm") + " --jdwp 5005   # the Java program under your debugger");
        say.println("  open " + steps.file("bugreport.html") + "                 # the picture");
        say.flush();
        return ExitCode.OK.code();
    }

    /** Record, check, list, slice with the vault's data out, replay the slice; the crashing buggy's pid. */
    private String bugReport(Path kernel, Path initrd, PrintWriter say) throws IOException {
        String rec = steps.file("bugreport.kerf"), slice = steps.file("buggy.kslice");
        DemoSteps.Ran record = steps.step("recording the customer's session (scenario=bugreport: login through a password vault,"
                + " then an order report that crashes)", "record", "-o", rec, kernel.toString(), "--module",
                initrd.toString(), "--append", "scenario=bugreport");
        steps.expect(record, 1, "record");
        Matcher fault = Pattern.compile("buggy\\[(\\d+)\\]: (page fault at 0x[0-9a-f]+, eip 0x[0-9a-f]+)").matcher(record.out());
        if (!fault.find()) throw new KerfException(ExitCode.INTERNAL, "the guest did not crash as the scenario says");
        String pid = fault.group(1);
        say.printf("    the guest ran to its end; buggy (pid %s) crashed: %s%n", pid, fault.group(2));
        say.println("    " + DemoSteps.lastLine(record.err()));
        say.println("    recorded: only what entered the CPU (port reads, interrupts) — no disk image, no device state");

        DemoSteps.Ran info = steps.step("checking the recording", "info", rec);
        steps.expect(info, 0, "info");
        for (String line : info.out().split("\n")) {
            if (line.startsWith("instructions:") || line.startsWith("events:") || line.startsWith("integrity:")) say.println("    " + line);
        }

        DemoSteps.Ran ps = steps.step("replaying it with OS introspection: which processes ran", "ps", rec);
        steps.expect(ps, 0, "ps");
        for (String line : ps.out().split("\n")) say.println("    " + line);

        List<String> sliceArgs = new ArrayList<>(List.of("slice", rec, "--process", pid, "-o", slice, "--exclude-process", "vault"));
        for (String s : VAULT_SECRETS) sliceArgs.addAll(List.of("--secret", s));
        DemoSteps.Ran cut = steps.step("cutting out the crashing process (pid " + pid + ") with the vault's passwords and everything"
                + " the vault received removed", sliceArgs.toArray(String[]::new));
        steps.expect(cut, 0, "slice");
        for (String line : cut.err().split("\n")) if (!line.isBlank()) say.println("    " + line.replaceFirst("^kerf: ", ""));
        byte[] bytes = Files.readAllBytes(dir.resolve("buggy.kslice"));
        long hits = 0;
        for (String s : VAULT_SECRETS) hits += count(bytes, s.getBytes(StandardCharsets.UTF_8));
        say.printf("    %s: %,d bytes (the recording with its images: %,d); the vault's passwords in it: %d%n", slice,
                bytes.length, size(dir.resolve("bugreport.kerf")), hits);
        say.println("    it holds buggy's pages at its start and what it received — nothing of the kernel or other processes");

        DemoSteps.Ran replay = steps.step("replaying the slice alone, as the developer will (no kernel, no other process)", "replay", slice);
        steps.expect(replay, 0, "replay of the slice");
        say.println("    " + DemoSteps.lastLine(replay.err()).replaceFirst("^kerf: ", ""));
        return pid;
    }

    /** Retarget buggy's slice to its syscall log, show it, replay it against buggy rebuilt at -O0. */
    private void syscallLevel(String pid, Path guest, PrintWriter say) {
        String log = steps.file("buggy.ksys");
        DemoSteps.Ran retarget = steps.step("retargeting the slice to a syscall log (calls by index, not instruction counts)", "retarget",
                steps.file("buggy.kslice"), "--to", "syscalls", "-o", log);
        steps.expect(retarget, 0, "retarget --to syscalls");
        say.println("    " + DemoSteps.lastLine(retarget.err()).replaceFirst("^kerf: ", ""));
        DemoSteps.Ran strace = steps.step("showing it as strace would", "strace", log);
        steps.expect(strace, 0, "strace");
        String[] lines = strace.out().strip().split("\n");
        for (int i = 0; i < Math.min(3, lines.length); i++) say.println("    " + lines[i]);
        say.printf("    ... %d lines ...%n", Math.max(0, lines.length - 4));
        say.println("    " + lines[lines.length - 1]);
        Path rebuilt = guest.resolve("build/variants/buggy-O0");
        DemoSteps.Ran replay = Files.isRegularFile(rebuilt)
                ? steps.step("replaying the customer's calls against buggy rebuilt with -O0 (other code, other instruction counts)",
                        "replay-syscalls", log, "--binary", rebuilt.toString())
                : steps.step("replaying the customer's calls against buggy", "replay-syscalls", log);
        steps.expect(replay, 0, "replay-syscalls");
        say.println("    " + replay.out().strip().replaceFirst("\\s*\\(recorded", "\n      (recorded"));
    }

    /** Record the Java scenario, slice the failing minijvm, retarget it to the JVM and replay it on this JVM. */
    private void jvmLevel(Path kernel, Path initrd, PrintWriter say) {
        String rec = steps.file("jvm.kerf"), slice = steps.file("inventory.kslice"), log = steps.file("inventory.kjvm");
        DemoSteps.Ran record = steps.step("recording a second session: a Java program (Inventory, on the guest's minijvm) fails on a"
                + " customer's order", "record", "-o", rec, kernel.toString(), "--module", initrd.toString(), "--append", "scenario=jvm");
        steps.expect(record, 1, "record of the jvm scenario");
        for (String line : record.out().split("\n")) if (line.startsWith("Exception in thread")) say.println("    guest: " + line);
        DemoSteps.Ran ps = steps.step("finding the failing minijvm process", "ps", rec);
        steps.expect(ps, 0, "ps of the jvm recording");
        Matcher failed = Pattern.compile("(?m)^\\s*(\\d+)\\s+\\d+\\s+minijvm\\s.*exit 1\\s*$").matcher(ps.out());
        if (!failed.find()) throw new KerfException(ExitCode.INTERNAL, "no minijvm process ended with status 1 in " + rec);
        String pid = failed.group(1);
        say.println("    pid " + pid);
        DemoSteps.Ran cut = steps.step("slicing that process (pid " + pid + ") out of the recording", "slice", rec, "--process", pid, "-o", slice);
        steps.expect(cut, 0, "slice of minijvm");
        DemoSteps.Ran retarget = steps.step("retargeting: the class files it ran and every native call's result at its bytecode position",
                "retarget", slice, "--to", "jvm", "-o", log);
        steps.expect(retarget, 0, "retarget --to jvm");
        say.println("    " + DemoSteps.lastLine(retarget.err()).replaceFirst("^kerf retarget: ", ""));
        DemoSteps.Ran replay = steps.step("running the same classes on this host JVM with the log answering kerf.Sys", "replay-jvm", log);
        steps.expect(replay, 0, "replay-jvm");
        for (String line : replay.out().strip().split("\n")) say.println("    | " + line);
        say.println("    " + DemoSteps.lastLine(replay.err()));
    }

    /** The checkout's examples/guest: from the launcher's kerf.root, else the working directory. */
    static Path guestDir() {
        String root = System.getProperty("kerf.root", System.getenv().getOrDefault("KERF_ROOT", "."));
        return Path.of(root).resolve("examples/guest");
    }

    /** Creates DIR, or empties a previous demo's DIR; refuses to touch anything else. */
    static void prepare(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new KerfException(ExitCode.BAD_INPUT, dir + ": is a symbolic link; kerf does not write through links: give --dir");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new KerfException(ExitCode.BAD_INPUT, dir + ": exists and is not a directory: give --dir");
        if (Files.exists(dir)) {
            boolean demo = Files.exists(dir.resolve("bugreport.kerf")) || isEmpty(dir);
            if (!demo) throw new KerfException(ExitCode.BAD_INPUT, dir + " exists and is not a kerf demo directory: give --dir");
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) if (!p.equals(dir)) Files.delete(p);
            }
        }
        Files.createDirectories(dir);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    static long count(byte[] hay, byte[] needle) {
        long n = 0;
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            n++;
        }
        return n;
    }

    static long size(Path tree) throws IOException {
        // the journal's queue file is sparse and pre-sized: count the bytes its excerpts hold, not its length
        long total = 0;
        try (Stream<Path> s = Files.walk(tree)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!p.toString().contains("journal")) total += Files.size(p);
            }
        }
        return total + journalBytes(tree);
    }

    private static long journalBytes(Path rec) {
        try (var opened = dev.kerf.formats.recording.Recording.open(rec)) {
            return RecordingSummary.of(rec, opened).journalBytes();
        } catch (IOException e) {
            return 0;
        }
    }
}
