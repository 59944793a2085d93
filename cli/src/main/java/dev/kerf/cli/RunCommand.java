package dev.kerf.cli;

import dev.kerf.emulator.machine.Machine;
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

    public RunCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        MachineConfig config = config();
        try (Machine pc = Machine.boot(config)) {
            return exitCode(LiveGuest.run(io, pc::requestStop, pc::run));
        }
    }

    private MachineConfig config() {
        return machine.config(spec.commandLine(), io.in(), io.out());
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
