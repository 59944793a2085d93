package dev.kerf.cli;

import dev.kerf.emulator.machine.BootException;
import dev.kerf.emulator.mmu.HeapLimitException;
import dev.kerf.formats.FileErrors;
import dev.kerf.formats.FormatException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where failures become a message and an exit code: {@code kerf: <one line>} on
 * stderr, the stack trace only with {@code --verbose}. Command-line mistakes add a hint to the
 * command's help.
 */
public final class ExceptionMapper implements CommandLine.IExecutionExceptionHandler,
        CommandLine.IParameterExceptionHandler {
    private final GlobalOptions global;

    public ExceptionMapper(GlobalOptions global) {
        this.global = global;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("kerf: " + Printable.escape(oneLine(e.getMessage())));
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCode.USAGE.code();
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if (e instanceof HeapLimitException h) {
            return outOfMemory(cmd.getErr(), parseResult, ": " + h.getMessage(), h.needed() + h.needed() / 4 + (256 << 20));
        }
        PrintWriter err = cmd.getErr();
        ExitCode code = codeFor(e);
        err.println("kerf: " + Printable.escape(messageFor(e))); // messages quote file names and contents
        if (global.verbose() && !(e instanceof KerfException)) { // a KerfException is an outcome, not a bug
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            trace.toString().lines().forEach(l -> err.println(l.startsWith("\t") // "\tat frame": the tab stays; messages quote files
                    ? "\t" + Printable.escape(l.substring(1)) : Printable.escape(l)));
        }
        err.flush();
        return code.code();
    }

    /** An OutOfMemoryError from a command: one line naming the command, its files and the heap limit (exit 20). */
    int handleOutOfMemory(OutOfMemoryError e, CommandLine.ParseResult parseResult) {
        PrintWriter err = parseResult.commandSpec().commandLine().getErr();
        if (global.verbose()) e.printStackTrace(err);
        long heap = Runtime.getRuntime().maxMemory();
        return outOfMemory(err, parseResult, String.format("; the heap limit is %,d MiB", heap >> 20), 2 * heap);
    }

    /** {@code kerf: out of memory while running kerf CMD (FILE ...)DETAIL (a larger heap may do: ...)}, suggesting {@code heap} bytes. */
    private static int outOfMemory(PrintWriter err, CommandLine.ParseResult parseResult, String detail, long heap) {
        CommandLine.ParseResult last = parseResult;
        while (last.hasSubcommand()) last = last.subcommand();
        List<String> inputs = new ArrayList<>();
        for (CommandLine.Model.PositionalParamSpec p : last.matchedPositionals()) inputs.addAll(p.originalStringValues());
        err.println("kerf: out of memory while running " + last.commandSpec().qualifiedName()
                + (inputs.isEmpty() ? "" : " (" + String.join(" ", inputs) + ")") + detail
                + " (a larger heap may do: JDK_JAVA_OPTIONS=-Xmx" + ((heap + (1L << 30) - 1) >> 30) + "g)");
        err.flush();
        return ExitCode.OUT_OF_MEMORY.code();
    }

    static ExitCode codeFor(Throwable e) {
        if (e instanceof KerfException k) return k.exitCode();
        if (e instanceof FormatException) return ExitCode.BAD_RECORDING;
        if (e instanceof BootException || e instanceof IOException || e instanceof UncheckedIOException) {
            return ExitCode.BAD_INPUT;
        }
        return ExitCode.INTERNAL;
    }

    static String messageFor(Throwable e) {
        if (e instanceof UncheckedIOException u) return messageFor(u.getCause());
        if (e instanceof NoSuchFileException f) return f.getFile() + ": no such file";
        if (e instanceof AccessDeniedException f) return f.getFile() + ": permission denied";
        if (e instanceof FileSystemException f) { // NotDirectoryException and kin carry no reason: FileErrors words it
            String file = f.getFile() == null ? "" : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": ";
            return file + FileErrors.reason(f);
        }
        if (e instanceof BootException || e instanceof KerfException || e instanceof IOException
                || e instanceof FormatException) {
            return oneLine(String.valueOf(e.getMessage()));
        }
        return "internal error: " + oneLine(String.valueOf(e)) + " (please report it; --verbose shows where)";
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
