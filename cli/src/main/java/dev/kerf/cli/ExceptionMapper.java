package dev.kerf.cli;

import dev.kerf.emulator.machine.BootException;
import dev.kerf.formats.FormatException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

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
        if (e instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
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
