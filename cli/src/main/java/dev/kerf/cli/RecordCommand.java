package dev.kerf.cli;

import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.snapshot.BootSnapshot;
import dev.kerf.formats.InputFile;
import dev.kerf.formats.snapshot.SnapshotFile;
import dev.kerf.emulator.machine.RunResult;
import dev.kerf.recorder.Recorder;
import dev.kerf.recorder.RecordingOutputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kerf record}: {@code kerf run} with every input that crosses into the CPU written to a recording. */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Run a Multiboot kernel or a Linux bzImage live, as 'kerf run' does, and record it.", "",
                "Writes a recording directory: manifest, the kernel and module images (by SHA-256) and the event"
                + " journal (every port read, RDTSC and interrupt, a state hash every --hash-every instructions)."
                + " 'kerf replay' replays it with no devices and no disk image. Exits with the guest's status, like"
                + " 'kerf run'; if the recording cannot be written the guest is stopped (exit 14).", ""})
public final class RecordCommand implements Callable<Integer> {
    private final HostIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Kerf parent;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", required = true,
            description = "The recording directory to create (must not exist, or be empty).")
    Path output;

    @Option(names = "--hash-every", paramLabel = "N", converter = CountConverter.class, defaultValue = "1048576",
            description = "Instructions between state hashes (default: ${DEFAULT-VALUE} = 2^20; a multiple of 256"
                    + " costs the journal least).")
    long hashEvery;

    @Mixin
    MachineOptions machine;

    public RecordCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        if (hashEvery <= 0) throw new CommandLine.ParameterException(spec.commandLine(), "--hash-every must be at least 1");
        CommandLine cmd = spec.commandLine();
        machine.checkStart(cmd);
        long started = System.nanoTime();
        Recorder.Outcome outcome;
        try (Recorder recorder = machine.from == null ? start(machine.config(cmd, io.in(), io.out())) : startFrom(cmd)) {
            outcome = LiveGuest.run(io, () -> recorder.machine().requestStop(), recorder::run);
        }
        return exitCode(outcome, System.nanoTime() - started);
    }

    /**
     * Reads the snapshot whole (the recording stores exactly these bytes as its start image), checks
     * it, and starts the recorder on the machine resumed from it.
     */
    private Recorder startFrom(CommandLine cmd) throws IOException {
        byte[] bytes = InputFile.readAll(machine.from, SnapshotFile.maxFileBytes(RunCommand.MAX_RAM), "snapshot");
        BootSnapshot snap = BootSnapshot.decode(machine.from, bytes);
        MachineConfig config = machine.resumeConfig(cmd, snap.data().ramBytes(), snap.data().virtualClock(), io.in(), io.out());
        try {
            return Recorder.startFrom(output, config, machine.from, bytes, snap.data(),
                    tap -> snap.resume(config, machine.from, tap), VersionProvider.kerfVersion(), hashEvery);
        } catch (RecordingOutputException e) {
            throw new KerfException(ExitCode.RECORD_FAILED, e.getMessage());
        }
    }

    private Recorder start(MachineConfig config) throws IOException {
        try {
            return Recorder.start(output, config, VersionProvider.kerfVersion(), hashEvery);
        } catch (RecordingOutputException e) {
            throw new KerfException(ExitCode.RECORD_FAILED, e.getMessage());
        }
    }

    private int exitCode(Recorder.Outcome o, long nanos) {
        RunResult r = o.run();
        if (o.failure() != null) {
            throw new KerfException(ExitCode.RECORD_FAILED, String.format("%s: %s; the guest was stopped at icount %d"
                    + " (the recording holds what came before)", output, o.failure().getMessage(), r.icount()));
        }
        io.err().printf("kerf record: %d instructions, %d events, %d journal bytes in %.1f s -> %s%n",
                r.icount(), o.events(), o.journalBytes(), nanos / 1e9, output);
        if (parent.global.verbose()) {
            io.err().printf("kerf: %s after %d instructions: %s%n", r.reason(), r.icount(), Printable.escape(r.message()));
        }
        return switch (r.reason()) {
            case EXIT -> r.exitStatus();
            case MAX_INSNS -> throw new KerfException(ExitCode.MAX_INSNS, "stopped: --max-insns " + machine.maxInsns
                    + " reached before the guest exited (the recording is complete up to there)");
            case TRIPLE_FAULT -> throw new KerfException(ExitCode.GUEST_TRIPLE_FAULT, r.message());
            case HALTED_FOREVER -> throw new KerfException(ExitCode.GUEST_HALTED, r.message());
            case RESET -> throw new KerfException(ExitCode.GUEST_RESET, r.message());
            case STOPPED -> throw new KerfException(ExitCode.INTERRUPTED, "interrupted after " + r.icount()
                    + " instructions (the recording is complete up to there)");
        };
    }
}
