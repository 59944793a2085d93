package dev.kerf.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code kerf} command: one subcommand class per verb ({@link RunCommand}, ...), one
 * {@link ExceptionMapper}, one {@link ExitCode} enum.
 */
@Command(name = "kerf", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Record/replay toolchain for a whole emulated 32-bit PC.",
        subcommands = {RunCommand.class, RecordCommand.class, ReplayCommand.class, InfoCommand.class, PackCommand.class,
                UnpackCommand.class, PsCommand.class, TraceCommand.class, TimelineCommand.class, SliceCommand.class, DemoCommand.class,
                RetargetCommand.class, StraceCommand.class, ReplaySyscallsCommand.class, ReplayJvmCommand.class,
                ProfileCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:success",
            "odd:kerf run/record: the guest's debug-exit status",
            " 2:bad command line",
            " 4:bad input file (kernel, module, image); stdin over --stdin-limit; an output kerf will not or cannot write (a link, a directory, disk full); replay-jvm: the sandbox refused the program something",
            " 6:the guest triple-faulted",
            " 8:the guest halted for good",
            "10:--max-insns reached; replay-jvm: --timeout or --max-heap reached",
            "12:damaged, truncated or foreign recording, slice or log",
            "14:kerf record: the recording could not be written (guest stopped)",
            "16:kerf replay/ps/trace: diverged from the recording; a slice or log that does not verify; replay-syscalls/replay-jvm: the first mismatch",
            "18:kerf replay/ps/trace: a cut-short recording replayed to its last batch",
            "20:out of memory: the input needs more than the Java heap (raise -Xmx)",
            "70:internal error",
            "130:interrupted (Ctrl-C)"})
public final class Kerf implements Runnable {
    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code kerf} alone: say what to do. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try 'kerf run KERNEL')");
    }

    /** The fully wired command line reading and writing {@code io}. */
    public static CommandLine commandLine(HostIo io) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine cmd = new CommandLine(Kerf.class, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == RunCommand.class) return cls.cast(new RunCommand(io));
                if (cls == RecordCommand.class) return cls.cast(new RecordCommand(io));
                if (cls == ReplayCommand.class) return cls.cast(new ReplayCommand(io));
                if (cls == InfoCommand.class) return cls.cast(new InfoCommand(io));
                if (cls == PsCommand.class) return cls.cast(new PsCommand(io));
                if (cls == TraceCommand.class) return cls.cast(new TraceCommand(io));
                if (cls == TimelineCommand.class) return cls.cast(new TimelineCommand(io));
                if (cls == DemoCommand.class) return cls.cast(new DemoCommand(io));
                if (cls == SliceCommand.class) return cls.cast(new SliceCommand(io));
                if (cls == RetargetCommand.class) return cls.cast(new RetargetCommand(io));
                if (cls == StraceCommand.class) return cls.cast(new StraceCommand(io));
                if (cls == ReplaySyscallsCommand.class) return cls.cast(new ReplaySyscallsCommand(io));
                if (cls == ReplayJvmCommand.class) return cls.cast(new ReplayJvmCommand(io));
                if (cls == ProfileCommand.class) return cls.cast(new ProfileCommand(io));
                return defaults.create(cls);
            }
        });
        Kerf kerf = cmd.getCommand();
        ExceptionMapper mapper = new ExceptionMapper(kerf.global);
        cmd.setOut(new java.io.PrintWriter(io.out(), true));
        cmd.setErr(io.err());
        cmd.setExecutionExceptionHandler(mapper);
        cmd.setParameterExceptionHandler(mapper);
        cmd.setExecutionStrategy(parsed -> {
            try {
                return new CommandLine.RunLast().execute(parsed);
            } catch (OutOfMemoryError e) { // an Error passes picocli's handler by: one line here, never a trace
                return mapper.handleOutOfMemory(e, parsed);
            }
        });
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return cmd;
    }

    public static void main(String[] args) {
        System.exit(commandLine(HostIo.system()).execute(args));
    }
}
