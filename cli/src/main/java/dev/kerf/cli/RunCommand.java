package dev.kerf.cli;

import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.RunResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kerf run}: boots a Multiboot kernel on the kerf PC with the terminal as its COM1. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Boot a Multiboot kernel on the kerf PC.", "",
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

    @Parameters(index = "0", paramLabel = "KERNEL", description = "Multiboot v1 kernel (ELF32).")
    Path kernel;

    @Option(names = "--append", paramLabel = "CMDLINE", description = "Kernel command line.")
    String append = "";

    @Option(names = "--module", paramLabel = "FILE[,CMDLINE]", converter = ModuleConverter.class,
            description = "Multiboot module with its command line; repeat for more (loaded in order).")
    List<MachineConfig.Module> modules = new ArrayList<>();

    @Option(names = "--disk", paramLabel = "IMG", description = "ATA primary master disk image.")
    Path disk;

    @Option(names = "--net-in", paramLabel = "PCAP", description = "Frames delivered to the NE2000, paced by their timestamps.")
    Path netIn;

    @Option(names = "--net-out", paramLabel = "PCAP", description = "Capture of the frames the guest sends.")
    Path netOut;

    @Option(names = "--mem", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "64M",
            description = "RAM size with K/M/G suffix (default: ${DEFAULT-VALUE}).")
    long mem;

    @Option(names = "--clock", paramLabel = "host|virtual", defaultValue = "host",
            description = "host: PIT/RTC/TSC follow host time; virtual: they follow the instruction count,"
                    + " so a run repeats exactly (default: ${DEFAULT-VALUE}).")
    ClockKind clock;

    @Option(names = "--max-insns", paramLabel = "N", converter = CountConverter.class, defaultValue = "0",
            description = "Stop after N instructions (12.5M, 3G; 0 = no limit).")
    long maxInsns;

    public RunCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        MachineConfig config = config();
        try (TerminalMode terminal = io.interactive() ? TerminalMode.rawIfTty() : null;
             Machine machine = Machine.boot(config)) {
            Thread hook = new Thread(() -> {
                machine.requestStop();
                if (terminal != null) terminal.close();
            }, "kerf-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            RunResult result;
            try {
                result = machine.run();
            } finally {
                io.out().flush();
                if (terminal != null) terminal.close();
                removeHook(hook);
            }
            return exitCode(result);
        }
    }

    private MachineConfig config() {
        if (mem > MAX_RAM || (mem & 0xFFF) != 0 || mem < Machine.MIN_RAM) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.format("--mem %s: RAM must be a"
                    + " multiple of 4K between %dM and %dM", Long.toString(mem), Machine.MIN_RAM >> 20, (MAX_RAM >> 20)));
        }
        return new MachineConfig(kernel, append, List.copyOf(modules), (int) mem, clock == ClockKind.virtual,
                disk, netIn, netOut, maxInsns, io.in(), io.out());
    }

    private int exitCode(RunResult r) {
        if (parent.global.verbose()) {
            io.err().printf("kerf: %s after %d instructions: %s%n", r.reason(), r.icount(), r.message());
        }
        switch (r.reason()) {
            case EXIT:
                return r.exitStatus();
            case MAX_INSNS:
                throw new KerfException(ExitCode.MAX_INSNS, "stopped: --max-insns " + maxInsns
                        + " reached before the guest exited");
            case TRIPLE_FAULT:
                throw new KerfException(ExitCode.GUEST_TRIPLE_FAULT, r.message());
            case HALTED_FOREVER:
                throw new KerfException(ExitCode.GUEST_HALTED, r.message());
            default:
                throw new KerfException(ExitCode.INTERRUPTED, "interrupted after " + r.icount() + " instructions");
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down (Ctrl-C): the hook is running
        }
    }
}
