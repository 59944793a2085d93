package dev.kerf.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kerf demo --linux}: the bug-report story of {@link DemoCommand} on Debian's unmodified
 * i386 kernel and busybox (examples/linux): nothing in the guest helps kerf; the processes, the
 * crashing program's slice and its system calls are found from the recording alone.
 */
final class LinuxDemo {
    private static final int STEPS = 10;
    /** What /init prints when no scenario is named on the kernel command line. */
    static final String PROMPT = "scenario? ";
    static final String APPEND = "console=ttyS0 noapic nolapic quiet panic=-1";

    private final HostIo io;
    private final Path dir;
    private final Path snapshot;
    private final DemoSteps steps;

    LinuxDemo(HostIo io, Path dir, Path snapshot) {
        this.io = io;
        this.dir = dir;
        this.snapshot = snapshot;
        this.steps = new DemoSteps(io, dir, snapshot == null ? STEPS : STEPS - 1);
    }

    static Path linuxDir() {
        return DemoCommand.guestDir().resolveSibling("linux");
    }

    int run() throws IOException {
        Path linux = linuxDir();
        Path kernel = linux.resolve("cache/vmlinuz"), initrd = linux.resolve("build/initramfs.cpio.gz");
        Path o0 = linux.resolve("build/variants/buggy-O0"), fixed = linux.resolve("build/variants/buggy-fixed");
        List<Path> needed = new ArrayList<>(List.of(o0, fixed));
        if (snapshot == null) needed.addAll(0, List.of(kernel, initrd));
        for (Path p : needed) {
            if (!Files.isRegularFile(p)) {
                throw new KerfException(ExitCode.BAD_INPUT, p + " is missing: kerf demo --linux needs Debian's kernel and busybox"
                        + " and the rebuilt programs: make -C " + linux + " fetch image variants (fetch downloads the Debian packages once)");
            }
        }
        if (snapshot != null && !Files.isRegularFile(snapshot)) throw new KerfException(ExitCode.BAD_INPUT, snapshot + ": no such snapshot");
        DemoCommand.prepare(dir);
        PrintWriter say = io.err();
        say.println("kerf demo --linux: a customer's session on Debian's unmodified i386 Linux kernel and busybox becomes a");
        say.println("privacy-safe bug report and a syscall log, with nothing from the guest but the recording.");
        say.println();
        Path snap = snapshot;
        if (snap == null) {
            snap = dir.resolve("booted.ksnap");
            DemoSteps.Ran boot = steps.step("booting the kernel to /init's prompt and saving the whole machine (once: every recording"
                    + " starts from it; about 7 G instructions)", "run", kernel.toString(), "--initrd", initrd.toString(), "--mem", "128M",
                    "--append", APPEND, "--clock", "virtual", "--snapshot-on", PROMPT, "-o", snap.toString());
            steps.expect(boot, 0, "boot");
            say.println("    " + DemoSteps.lastLine(boot.err()).replaceFirst("^kerf: ", ""));
        }
        String rec = steps.file("bugreport.kerf"), slice = steps.file("buggy.kslice"), log = steps.file("buggy.ksys");
        DemoSteps.Ran record = steps.stepWithInput("recording the customer's session from the snapshot (the bugreport scenario:"
                + " login through a password vault, then an order report that crashes)", "bugreport\n", "record", "-o", rec, "--from", snap.toString());
        steps.expect(record, 1, "record");
        Matcher segv = Pattern.compile("(?m)^.*buggy\\[\\d+\\]: segfault at .*$").matcher(record.out());
        if (segv.find()) say.println("    kernel: " + segv.group().strip());
        say.println("    " + DemoSteps.lastLine(record.err()));

        DemoSteps.Ran ps = steps.step("listing its processes from the kernel's own task list (layout inferred from the system calls)", "ps", rec);
        steps.expect(ps, 0, "ps");
        Matcher crashed = Pattern.compile("(?m)^\\s*(\\d+)\\s+\\d+\\s+buggy\\s.*killed by signal 11.*$").matcher(ps.out());
        if (!crashed.find()) throw new KerfException(ExitCode.INTERNAL, "no buggy killed by SIGSEGV in " + rec);
        String pid = crashed.group(1);
        int kernelThreads = 0;
        for (String line : ps.out().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 1 && (f[0].equals("2") || f[1].equals("2"))) kernelThreads++; // kthreadd and its children
            else say.println("    " + line);
        }
        say.printf("    (and %d kernel threads, alive before the recording started: found in kernel memory)%n", kernelThreads);

        DemoSteps.Ran trace = steps.step("its system calls in strace's spelling (pid " + pid + ")", "trace", rec, "--syscalls", "--pid", pid);
        steps.expect(trace, 0, "trace");
        String[] calls = trace.out().strip().split("\n");
        for (int i = Math.max(0, calls.length - 4); i < calls.length; i++) say.println("    " + calls[i]);

        List<String> sliceArgs = new ArrayList<>(List.of("slice", rec, "--process", pid, "-o", slice, "--exclude-process", "vault"));
        for (String s : DemoCommand.VAULT_SECRETS) sliceArgs.addAll(List.of("--secret", s));
        DemoSteps.Ran cut = steps.step("cutting out the crashing process with the vault's passwords and everything the vault received"
                + " removed", sliceArgs.toArray(String[]::new));
        steps.expect(cut, 0, "slice");
        for (String line : cut.err().split("\n")) if (!line.isBlank()) say.println("    " + line.replaceFirst("^kerf: ", ""));
        byte[] bytes = Files.readAllBytes(dir.resolve("buggy.kslice"));
        long hits = 0;
        for (String s : DemoCommand.VAULT_SECRETS) {
            hits += DemoCommand.count(bytes, s.getBytes(StandardCharsets.UTF_8)) + DemoCommand.count(bytes, s.getBytes(StandardCharsets.UTF_16LE));
        }
        say.printf("    %s: %,d bytes (the recording with its start snapshot: %,d); the vault's passwords in it: %d%n", slice,
                bytes.length, DemoCommand.size(dir.resolve("bugreport.kerf")), hits);

        DemoSteps.Ran replay = steps.step("replaying the slice alone: buggy's own instructions, no kernel, no other process", "replay", slice);
        steps.expect(replay, 0, "replay of the slice");
        say.println("    " + DemoSteps.lastLine(replay.err()).replaceFirst("^kerf: ", ""));

        DemoSteps.Ran retarget = steps.step("retargeting the slice to a syscall log", "retarget", slice, "--to", "syscalls", "-o", log);
        steps.expect(retarget, 0, "retarget --to syscalls");
        for (String line : retarget.err().split("\n")) if (line.contains("syscall log of")) say.println("    " + line.replaceFirst("^kerf: ", ""));

        DemoSteps.Ran strace = steps.step("showing the log as strace would", "strace", log);
        steps.expect(strace, 0, "strace");
        List<String> lines = List.of(strace.out().strip().split("\n"));
        List<String> calls3 = lines.stream().filter(l -> !l.startsWith("---")).limit(3).toList();
        for (String l : calls3) say.println("    " + l);
        say.printf("    ... %d lines ...%n", Math.max(0, lines.size() - calls3.size() - 1));
        say.println("    " + lines.get(lines.size() - 1));

        DemoSteps.Ran same = steps.step("replaying the customer's calls against buggy rebuilt at -O0 (other code, other instruction"
                + " counts)", "replay-syscalls", log, "--binary", o0.toString());
        steps.expect(same, 0, "replay-syscalls --binary buggy-O0");
        say.println("    " + same.out().strip().replace("\n", "\n    "));
        DemoSteps.Ran fix = steps.step("and against the fixed buggy (a length check): where does it behave differently?",
                "replay-syscalls", log, "--binary", fixed.toString());
        String diff = (fix.out() + fix.err()).strip();
        if (fix.exitCode() == 0) throw new KerfException(ExitCode.INTERNAL, "the fixed buggy replayed the crashing run identically");
        say.println("    " + diff.replace("\n", "\n    "));
        say.println();
        say.println("Done. Hand " + slice + " (or " + log + ") to the developer; next:");
        say.println("  kerf info " + slice + "             # what it holds, and its privacy manifest");
        say.println("  kerf trace " + rec + " --pid " + pid + " --insns | tail   # buggy's last instructions");
        say.println("  kerf timeline " + rec + " -o " + steps.file("bugreport.html") + "   # the picture");
        say.flush();
        return ExitCode.OK.code();
    }
}
