package dev.kerf.cli;

import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.formats.InputFile;
import dev.kerf.retargeter.syscall.ExtraWrite;
import dev.kerf.retargeter.syscall.ProcessEnd;
import dev.kerf.retargeter.syscall.RebuiltImage;
import dev.kerf.retargeter.syscall.SyscallLog;
import dev.kerf.retargeter.syscall.SyscallReplayException;
import dev.kerf.retargeter.syscall.SyscallReplayResult;
import dev.kerf.retargeter.syscall.SyscallReplayer;
import dev.kerf.slicer.SliceFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kerf replay-syscalls LOG.ksys [--binary ELF]}: runs the program against its syscall log; the first mismatching call, or "identical". */
@Command(name = "replay-syscalls", mixinStandardHelpOptions = true,
        description = {"Run a program on the user-mode CPU against a syscall log: at each system call compare its number and"
                + " arguments with the log, apply the logged result and memory effects, continue; then compare how it ends."
                + " With --binary, a rebuilt program (same source, other flags or extra checks) replaces the recorded one:"
                + " pointer arguments are then not compared by value, buffers it writes out are compared by content, and brk"
                + " and stack growth are emulated for its own layout.", "",
                "Exit 0 identical, 16 at the first mismatch (index, call, expected vs actual), 4 for a --binary that is not an"
                + " i386 ELF executable, 12 for a damaged log.", ""})
public final class ReplaySyscallsCommand implements Callable<Integer> {
    private final HostIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;


    @Parameters(index = "0", paramLabel = "LOG", description = "A syscall log (.ksys), or - for stdin.")
    String log;

    @Option(names = "--binary", paramLabel = "ELF", description = "Replay this rebuilt program instead of the recorded one.")
    Path binary;

    @Option(names = "--extra-output", description = "With --binary: let the rebuilt program write to stdout and stderr where the log has"
            + " no such write (a printf added for debugging): its bytes go to stdout as it writes them and the call is answered"
            + " as fully written; the log's calls must still come, in order.")
    boolean extraOutput;

    public ReplaySyscallsCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        if (extraOutput && binary == null) throw new KerfException(ExitCode.USAGE, "--extra-output needs --binary (the recorded program's writes are all in the log)");
        SyscallLog l = StraceCommand.read(log, io, GlobalOptions.of(spec).stdinLimit());
        long started = System.nanoTime();
        SyscallReplayResult r;
        try {
            ProcessImage image = binary == null ? l.image() : RebuiltImage.of(l.image(), readBinary(), binary.toString(), l.abi());
            SyscallReplayer replayer = new SyscallReplayer(l, image, binary != null, SyscallReplayer.DEFAULT_BUDGET);
            if (extraOutput) replayer.allowExtraOutput();
            r = replayer.run();
        } catch (SyscallReplayException e) { // the log's image (or the rebuilt binary) cannot be set up: name the file
            String file = binary != null ? binary.toString() : SliceFiles.STDIO.equals(log) ? "<stdin>" : log;
            throw new KerfException(ExitCode.BAD_INPUT, file + ": " + e.getMessage());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long extraBytes = 0;
        for (ExtraWrite w : r.extraWrites()) {
            io.out().write(w.bytes());
            extraBytes += w.bytes().length;
        }
        io.out().flush();
        if (!r.identical()) throw new KerfException(ExitCode.DIVERGED, r.mismatch().message());
        String line = String.format("identical: %d syscalls%s, ended by %s like the recording", r.callsMatched(),
                r.extraWrites().isEmpty() ? "" : String.format(" (and %d writes of the rebuilt program's own, %d bytes, above)",
                        r.extraWrites().size(), extraBytes), kind(r.expectedEnd()));
        ProcessEnd got = r.actualEnd();
        if (r.expectedEnd().kind() == ProcessEnd.Kind.FAULT && got != null) {
            line += String.format(" (recorded %s; replayed %s)", r.expectedEnd().describe(), got.describe());
        }
        io.out().write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        io.out().flush();
        io.err().printf("kerf: replayed %s of %s (pid %d): %d user instructions in %.2f s%n", binary == null ? "the recorded program" : Printable.escape(String.valueOf(binary)),
                Printable.escape(l.image().name()), l.image().pid(), r.userInstructions(), seconds);
        io.err().flush();
        return ExitCode.OK.code();
    }

    /** The largest --binary read (docs/cli.md, "Input limits"): a guest program is loaded whole into user memory. */
    static final long MAX_BINARY = 256 << 20;

    private byte[] readBinary() throws IOException {
        if (Files.isDirectory(binary)) throw new KerfException(ExitCode.BAD_INPUT, binary + ": is a directory, not an ELF executable");
        return InputFile.readAll(binary, MAX_BINARY, "a guest program"); // refuses /dev/zero, a FIFO, a file over the limit
    }

    private static String kind(ProcessEnd e) {
        return switch (e.kind()) {
            case EXIT -> "exit";
            case FAULT -> e.vector() == 14 ? "a page fault" : "fault " + e.vector();
            case END -> "the end of the slice";
            case IN_CALL -> "the end of the slice inside the last call";
        };
    }
}
