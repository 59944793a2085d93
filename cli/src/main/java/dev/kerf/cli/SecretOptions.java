package dev.kerf.cli;

import dev.kerf.slicer.privacy.SecretSet;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a slice must not contain, as a mixin for every command that writes a slice: the secret
 * options of docs/slicing.md "Removing sensitive data". A malformed option is a usage error at
 * parse time; a secret file that cannot be read is {@link ExitCode#BAD_INPUT} when
 * {@link #secrets()} reads it. Messages never repeat a secret's value.
 */
public final class SecretOptions {
    /** A secret file larger than this is surely not a list of secrets. */
    static final int MAX_SECRET_FILE = 16 << 20;

    @Option(names = "--secret", paramLabel = "STRING", converter = NonEmptySecret.class,
            description = "Remove every occurrence of STRING (UTF-8, UTF-16LE and UTF-16BE) from the slice; repeat for more."
                    + " Prefer --secret-file: other users can see command lines.")
    List<String> literals = new ArrayList<>();

    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "Remove every secret listed in FILE, one per line (exact bytes; empty lines skipped).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--secret-regex", paramLabel = "RE", converter = ValidRegex.class,
            description = "Remove every match of the Java regex RE, applied to bytes read as ISO-8859-1; repeat for more.")
    List<String> regexes = new ArrayList<>();

    @Option(names = "--secret-forms",
            description = "Also find every literal secret in any ASCII case, as hex (either case) and as base64, in the slice and"
                    + " in every file derived from it (they travel as fingerprints).")
    boolean extraForms;

    @Option(names = "--exclude-process", paramLabel = "NAME",
            description = "Everything process NAME holds counts as secret; repeat for more.")
    List<String> excludedProcesses = new ArrayList<>();

    @Option(names = "--allow-divergence",
            description = "Write the slice even if it no longer replays once secrets are removed"
                    + " (the privacy manifest says where it diverges).")
    boolean allowDivergence;

    public boolean allowDivergence() {
        return allowDivergence;
    }

    /**
     * A new set with every named secret, in a fixed order: each --secret, each line of each
     * --secret-file, each --secret-regex; then the excluded process names (their bytes are for the
     * slicer to register).
     */
    public SecretSet secrets() {
        SecretSet set = new SecretSet(extraForms);
        for (String s : literals) set.addLiteral(s);
        for (Path f : files) addFile(set, f);
        for (String re : regexes) set.addRegex(re);
        for (String p : excludedProcesses) {
            if (p.isEmpty()) throw new KerfException(ExitCode.USAGE, "--exclude-process needs a process name");
            set.excludeProcess(p);
        }
        return set;
    }

    private static void addFile(SecretSet set, Path f) {
        byte[] all;
        if (Files.isDirectory(f)) throw new KerfException(ExitCode.BAD_INPUT, "--secret-file " + f + ": is a directory");
        try {
            // a pipe is welcome (--secret-file <(vault read ...)), so the bound is on the bytes read, not on a size
            try (java.io.InputStream in = Files.newInputStream(f)) {
                all = in.readNBytes(MAX_SECRET_FILE + 1);
            }
            if (all.length > MAX_SECRET_FILE)
                throw new KerfException(ExitCode.BAD_INPUT, f + ": a secret file of over 16 MiB is not a list of secrets");
        } catch (IOException e) {
            String why = ExceptionMapper.messageFor(e);
            throw new KerfException(ExitCode.BAD_INPUT, "--secret-file " + (why.startsWith(f.toString()) ? why : f + ": " + why));
        }
        int added = 0, line = 0;
        for (int start = 0; start < all.length; ) {
            int nl = start;
            while (nl < all.length && all[nl] != '\n') nl++;
            line++;
            int end = nl > start && all[nl - 1] == '\r' ? nl - 1 : nl;
            if (end > start) {
                set.addFileLine(Arrays.copyOfRange(all, start, end), "--secret-file " + f.getFileName() + ":" + line,
                        "--secret-file " + f.getFileName());
                added++;
            }
            start = nl + 1;
        }
        if (added == 0) throw new KerfException(ExitCode.BAD_INPUT, "--secret-file " + f + ": holds no secrets");
    }

    /** --secret must name something: an empty secret would match nowhere and everywhere. */
    static final class NonEmptySecret implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isEmpty()) throw new CommandLine.TypeConversionException("a secret cannot be empty");
            return value;
        }
    }

    /** Rejects a regex that does not compile, or that matches the empty string, saying why. */
    static final class ValidRegex implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            Pattern p;
            try {
                p = Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a valid regex: "
                        + e.getDescription() + " near index " + e.getIndex());
            }
            if (p.matcher("").matches())
                throw new CommandLine.TypeConversionException("'" + value + "' matches the empty string, so it names no secret");
            return value;
        }
    }
}
