package dev.kerf.cli;

import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine a live command boots: the kernel and its options, as a mixin shared by
 * {@code kerf run} and {@code kerf record} so both accept exactly the same machine.
 */
public final class MachineOptions {
    @Parameters(index = "0", arity = "0..1", paramLabel = "KERNEL",
            description = "Multiboot v1 kernel (ELF32) or Linux bzImage (not with --from).")
    Path kernel;

    @Option(names = "--from", paramLabel = "SNAPSHOT", description = "Start from a booted snapshot (.ksnap, made by"
            + " 'kerf run --snapshot-on/--snapshot-at -o FILE') instead of booting a KERNEL: the machine continues where"
            + " it was saved; instructions are counted from there.")
    Path from;

    @Option(names = "--append", paramLabel = "CMDLINE", description = "Kernel command line.")
    String append = "";

    @Option(names = "--module", paramLabel = "FILE[,CMDLINE]", converter = ModuleConverter.class,
            description = "Multiboot module with its command line; repeat for more (loaded in order).")
    List<MachineConfig.Module> modules = new ArrayList<>();

    @Option(names = "--initrd", paramLabel = "FILE", description = "Initial RAM disk of a Linux kernel; for a"
            + " Multiboot kernel, a module like --module FILE (placed before the --module ones).")
    Path initrd;

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

    /**
     * The configuration of a machine resumed from a snapshot of {@code ramBytes} of RAM: the
     * snapshot is the kernel, its modules and command line and its RAM size, so options that say
     * otherwise are usage errors; devices and limits are this run's; the clock is the snapshot's
     * unless --clock says otherwise.
     */
    MachineConfig resumeConfig(CommandLine cmd, int ramBytes, boolean snapshotClockVirtual, InputStream consoleIn,
                               OutputStream consoleOut) {
        if (cmd.getParseResult().hasMatchedOption("--mem") && mem != ramBytes) {
            throw new CommandLine.ParameterException(cmd, String.format("--mem %dM: the snapshot %s has %dM of RAM (a"
                    + " resumed machine keeps its RAM; leave --mem out)", mem >> 20, from, ramBytes >> 20));
        }
        boolean virtual = cmd.getParseResult().hasMatchedOption("--clock") ? clock == ClockKind.virtual : snapshotClockVirtual;
        return new MachineConfig(null, "", List.of(), ramBytes, virtual, disk, netIn, netOut, maxInsns, consoleIn, consoleOut);
    }

    /** Exactly one of KERNEL and --from; --from takes no boot options. */
    void checkStart(CommandLine cmd) {
        if (kernel == null && from == null)
            throw new CommandLine.ParameterException(cmd, "give a KERNEL to boot or --from SNAPSHOT to resume");
        if (kernel != null && from != null)
            throw new CommandLine.ParameterException(cmd, "give a KERNEL to boot or --from SNAPSHOT to resume, not both");
        if (from != null && (initrd != null || !modules.isEmpty() || cmd.getParseResult().hasMatchedOption("--append")))
            throw new CommandLine.ParameterException(cmd, "--from: the snapshot's machine is already booted; --append,"
                    + " --initrd and --module do not apply");
    }

    /** The configuration, or a usage error for a RAM size the machine cannot have. */
    MachineConfig config(CommandLine cmd, InputStream consoleIn, OutputStream consoleOut) {
        if (mem > RunCommand.MAX_RAM || (mem & 0xFFF) != 0 || mem < Machine.MIN_RAM) {
            throw new CommandLine.ParameterException(cmd, String.format("--mem %s: RAM must be a multiple of 4K"
                    + " between %dM and %dM", Long.toString(mem), Machine.MIN_RAM >> 20, RunCommand.MAX_RAM >> 20));
        }
        List<MachineConfig.Module> all = new ArrayList<>();
        if (initrd != null) all.add(new MachineConfig.Module(initrd, ""));
        all.addAll(modules);
        return new MachineConfig(kernel, append, List.copyOf(all), (int) mem, clock == ClockKind.virtual,
                disk, netIn, netOut, maxInsns, consoleIn, consoleOut);
    }
}
