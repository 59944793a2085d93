package dev.kerf.cli;

import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineTap;
import dev.kerf.emulator.snapshot.BootSnapshot;
import dev.kerf.formats.AtomicFile;
import dev.kerf.formats.snapshot.SnapshotData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.RunResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code kerf run}: boots a Multiboot kernel or a Linux bzImage on the kerf PC with the terminal as its COM1. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Boot a Multiboot kernel or a Linux bzImage on the kerf PC.", "",
                "The guest's COM1 is this terminal (raw mode when stdin is a TTY; pipes work too). Exits with the"
                + " guest's debug-exit status ((v << 1) | 1, as QEMU's isa-debug-exit) or one of kerf's even exit"
                + " codes (see kerf --help).", ""})
public final class RunCommand implements Callable<Integer> {
    /** The largest RAM an int-indexed PhysicalMemory holds, rounded down to 4 KiB. */
    static final long MAX_RAM = 0x7FFFF000L;

    private final HostIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Kerf parent;

    @CommandLine.Mixin
    MachineOptions machine;

    @CommandLine.Option(names = "--snapshot-on", paramLabel = "TEXT", description = "Save the whole machine to -o FILE"
            + " right after the instruction whose console output completes TEXT (e.g. a shell prompt), then stop.")
    String snapshotOn;

    @CommandLine.Option(names = "--snapshot-at", paramLabel = "ICOUNT", converter = CountConverter.class,
            description = "Save the whole machine to -o FILE once it has run ICOUNT instructions, then stop.")
    Long snapshotAt;

    @CommandLine.Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "The booted snapshot to write (.ksnap) for --snapshot-on/--snapshot-at.")
    Path output;

    public RunCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        machine.checkStart(cmd);
        checkSnapshotOptions(cmd);
        BootSnapshot from = machine.from == null ? null : BootSnapshot.read(machine.from);
        MachineConfig config = from == null ? machine.config(cmd, io.in(), io.out())
                : machine.resumeConfig(cmd, from.data().ramBytes(), from.data().virtualClock(), io.in(), io.out());
        if (snapshotAt != null) config = withMaxInsns(config, snapshotAt);
        if (output != null) AtomicFile.checkTarget(output); // before the boot, not after it
        long started = System.nanoTime();
        try (Machine pc = from == null ? Machine.boot(config) : from.resume(config, machine.from, MachineTap.NONE)) {
            if (snapshotOn != null) pc.stopOnConsole(snapshotOn.getBytes(StandardCharsets.UTF_8));
            RunResult r = LiveGuest.run(io, pc::requestStop, pc::run);
            if (output == null) return exitCode(r);
            return snapshot(pc, r, from, config, started);
        }
    }

    private void checkSnapshotOptions(CommandLine cmd) {
        if (snapshotOn != null && snapshotAt != null)
            throw new CommandLine.ParameterException(cmd, "--snapshot-on and --snapshot-at: give one");
        if ((snapshotOn != null || snapshotAt != null) && output == null)
            throw new CommandLine.ParameterException(cmd, "--snapshot-on/--snapshot-at need -o FILE: where the snapshot goes");
        if (output != null && snapshotOn == null && snapshotAt == null)
            throw new CommandLine.ParameterException(cmd, "-o FILE writes a snapshot: say when with --snapshot-on TEXT or --snapshot-at ICOUNT");
        if (snapshotOn != null && snapshotOn.isEmpty())
            throw new CommandLine.ParameterException(cmd, "--snapshot-on: the text must not be empty");
        if (snapshotAt != null && machine.maxInsns != 0)
            throw new CommandLine.ParameterException(cmd, "--snapshot-at and --max-insns: give one");
        if (snapshotAt != null && snapshotAt < 1) // --max-insns 0 means no limit; icount 0 is the boot itself
            throw new CommandLine.ParameterException(cmd, "--snapshot-at must be at least 1");
    }

    private static MachineConfig withMaxInsns(MachineConfig c, long max) {
        return new MachineConfig(c.kernel(), c.cmdline(), c.modules(), c.ramBytes(), c.virtualClock(), c.disk(), c.netIn(),
                c.netOut(), max, c.consoleIn(), c.consoleOut());
    }

    /** The run ended: write the snapshot if its moment came, else say why there is none. */
    private int snapshot(Machine pc, RunResult r, BootSnapshot from, MachineConfig config, long started) throws IOException {
        boolean due = snapshotAt != null ? r.reason() == RunResult.Reason.MAX_INSNS
                : r.reason() == RunResult.Reason.STOPPED && pc.stoppedOnConsole();
        String when = snapshotOn != null ? "the console printed \"" + snapshotOn + "\"" : "icount " + snapshotAt;
        if (!due) {
            if (r.reason() == RunResult.Reason.STOPPED) return exitCode(r);
            throw new KerfException(ExitCode.SNAPSHOT_NOT_TAKEN, Printable.escape(String.format("no snapshot written: the"
                    + " guest's run ended before %s (%s after %d instructions)", when, r.message(), r.icount())));
        }
        String trigger = (from == null ? "" : "resumed from " + machine.from.getFileName() + ", then ") + when;
        SnapshotData.Boot boot = from == null ? BootSnapshot.provenance(config, VersionProvider.kerfVersion(), trigger)
                : BootSnapshot.provenance(from.data(), VersionProvider.kerfVersion(), trigger);
        long sinceBoot = (from == null ? 0 : from.data().icount()) + r.icount();
        SnapshotData data = BootSnapshot.toFile(pc.capture(), sinceBoot, boot, pc.platform().consoleLineFlags());
        long bytes = BootSnapshot.write(output, data);
        io.err().printf("kerf run: snapshot at icount %d (%s) -> %s (%.1f MiB; %.1f s)%n", r.icount(),
                Printable.escape(when), output, bytes / 1048576.0, (System.nanoTime() - started) / 1e9);
        return ExitCode.OK.code();
    }

    private int exitCode(RunResult r) {
        if (parent.global.verbose()) {
            io.err().printf("kerf: %s after %d instructions: %s%n", r.reason(), r.icount(), Printable.escape(r.message()));
        }
        switch (r.reason()) {
            case EXIT:
                return r.exitStatus();
            case MAX_INSNS:
                throw new KerfException(ExitCode.MAX_INSNS, "stopped: --max-insns " + machine.maxInsns
                        + " reached before the guest exited");
            case TRIPLE_FAULT:
                throw new KerfException(ExitCode.GUEST_TRIPLE_FAULT, r.message());
            case HALTED_FOREVER:
                throw new KerfException(ExitCode.GUEST_HALTED, r.message());
            case RESET:
                throw new KerfException(ExitCode.GUEST_RESET, r.message());
            default:
                throw new KerfException(ExitCode.INTERRUPTED, "interrupted after " + r.icount() + " instructions");
        }
    }
}
