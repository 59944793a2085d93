package dev.kerf.cli;

import dev.kerf.emulator.snapshot.CheckpointStore;
import dev.kerf.formats.recording.Recording;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.AtomicFile;
import dev.kerf.slicer.SliceFiles;
import dev.kerf.slicer.privacy.CleanFile;
import dev.kerf.slicer.privacy.FinalScan;
import dev.kerf.slicer.privacy.SecretLeakException;
import dev.kerf.slicer.SliceRequestException;
import dev.kerf.slicer.SliceVerifyException;
import dev.kerf.slicer.time.TimeSlicer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code kerf slice}: cuts a verified slice out of a recording. Each kind is one option group
 * ({@code --time} today); the command makes the slice, replays it, and only then writes it.
 */
@Command(name = "slice", mixinStandardHelpOptions = true,
        description = {"Cut a small, verified slice out of a recording (docs/slicing.md).", "",
                "--time FROM..TO: the machine state at FROM plus the events up to TO (instruction counts: 2M..5M,"
                + " FROM may be 0). Replaying it costs about the window. The slice is replayed before it is written:"
                + " nothing reaches the output (a file, or stdout for -o -) unless it verifies. Exit 0: written;"
                + " 2: a bad request (empty or reversed window, outside the recording); 4: the output cannot be"
                + " written; 12: the recording is damaged; 16: the slice did not verify (nothing written).", "",
                "--process NAME|PID: one process's user-mode execution: its image at its first user instruction"
                + " (after its exec), then every exit from user mode with the effects the rest of the system had on it."
                + " Nothing of the kernel or of other processes. Replayed on a user-mode CPU before it is written."
                + " With --time, from the process's first return to user mode in the window to the window's end.", "",
                "--component PROG:GLOB|PROG:0xLO-0xHI: the calls of functions of program PROG (symbols of /bin/PROG in the"
                + " recording, or of the ELF file given with --program FILE; PROG kernel: the recording's kernel, kernel:ne2k_*, with the port values each call read): each call's entry registers and"
                + " the bytes it read that were written outside it, nothing else. Every call is replayed before it is written.", ""})
public final class SliceCommand implements Callable<Integer> {
    private final HostIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REC", description = "Recording directory or packed file.")
    Path source;

    @Option(names = "--time", paramLabel = "FROM..TO", converter = TimeWindow.Converter.class,
            description = "Time slice: the window of instructions FROM..TO (12.5M, 3G, 2Mi...).")
    TimeWindow time;

    @Option(names = "--process", paramLabel = "NAME|PID",
            description = "Process slice: that process's user-mode execution only (a name: the first process of that name).")
    String process;

    @Option(names = "--component", paramLabel = "PROG:GLOB",
            description = "Component slice: calls of PROG's functions matching GLOB (buggy:str*), or PROG:0xLO-0xHI.")
    String component;

    @Option(names = "--program", paramLabel = "FILE",
            description = "With --component: the program's ELF file (its symbols and code), for a recording without it in an initrd"
                    + " (a Linux recording from a snapshot); its text must match the code the process ran.")
    Path program;

    @CommandLine.Mixin
    SecretOptions secretOptions = new SecretOptions();

    @CommandLine.Mixin
    ProfileOption profile = new ProfileOption();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "Where the slice goes (FILE.kslice), or - for stdout.")
    String output;

    public SliceCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        if (time == null && process == null && component == null) {
            throw usage("nothing to slice: give --time FROM..TO, --process NAME|PID or --component PROG:GLOB");
        }
        if (program != null && component == null) throw usage("--program gives the program of a component slice: use it with --component");
        checkOutput();
        if (component != null) {
            if (time != null || process != null) throw usage("--component is sliced from a whole recording: not with --time or --process");
            return ComponentSlicing.run(source, component, program, output, secretOptions, profile, io);
        }
        if (process != null) {
            if (time != null && time.to() <= time.from()) throw usage("the window " + time.from() + ".." + time.to() + " is empty or reversed");
            return ProcessSlicing.run(source, process, time == null ? 0 : time.from(), time == null ? Long.MAX_VALUE : time.to(), output,
                    secretOptions, profile, io, GlobalOptions.of(spec).stdinLimit());
        }
        var secrets = secretOptions.secrets();
        if (!secrets.isEmpty() || !secrets.excludedProcesses().isEmpty()) {
            throw usage("secrets are removed from process slices (--process); a time slice holds the whole machine"
                    + " as it was, so cut a process slice of it instead: kerf slice S.kslice --process NAME --secret ...");
        }
        long started = System.nanoTime();
        byte[] bytes = sliceTime();
        long sliced = System.nanoTime();
        Slice slice;
        try {
            slice = SliceFiles.verify(bytes, Path.of(output));
        } catch (SliceVerifyException e) {
            throw new KerfException(ExitCode.DIVERGED, e.getMessage());
        }
        long verified = System.nanoTime();
        CleanFile clean;
        try {
            clean = FinalScan.check(bytes, slice, secrets); // no secret may be named for a time slice (above): the scan is the gate all the same
        } catch (SecretLeakException e) {
            throw new KerfException(ExitCode.INTERNAL, e.getMessage());
        }
        SliceFiles.publish(clean, output, io.out());
        io.err().printf("kerf slice: %s of %s: %d bytes, verified by replaying it; sliced in %.2f s, replayed in %.2f s%n",
                SliceInfo.describe(slice.header()), Printable.escape(String.valueOf(source)), bytes.length, (sliced - started) / 1e9,
                (verified - sliced) / 1e9);
        return ExitCode.OK.code();
    }

    private byte[] sliceTime() throws IOException {
        if (time.to() == time.from()) throw usage("the window " + time.from() + ".." + time.to() + " is empty");
        if (time.to() < time.from()) throw usage("the window " + time.from() + ".." + time.to() + " is reversed (FROM after TO)");
        try (Recording rec = Recording.open(source); CheckpointStore store = CheckpointStore.forSource(source, rec.dir())) {
            long end = rec.lastIcount();
            if (time.to() > end) throw usage("the window " + time.from() + ".." + time.to() + " is outside " + source + " (" + end + " instructions)");
            return TimeSlicer.slice(rec, source.getFileName().toString(), store, time.from(), time.to(),
                    w -> io.err().println("kerf: warning: " + w));
        } catch (SliceRequestException e) {
            throw usage(e.getMessage());
        }
    }


    /** Refuses an output that cannot be written before any work is done. */
    private void checkOutput() throws IOException {
        if (SliceFiles.STDIO.equals(output)) return;
        Path dir = Path.of(output).toAbsolutePath().getParent();
        AtomicFile.checkTarget(Path.of(output)); // a link, a directory, a device: refused now, not after slicing
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir))
            throw new KerfException(ExitCode.BAD_INPUT, output + ": " + dir + " is not a directory");
        if (dir == null || !Files.isDirectory(dir)) throw new KerfException(ExitCode.BAD_INPUT, output + ": no such directory " + dir);
        if (!Files.isWritable(dir)) throw new KerfException(ExitCode.BAD_INPUT, output + ": directory " + dir + " is not writable");
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
