package dev.kerf.cli;

import dev.kerf.formats.slice.SliceFile;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every kerf command accepts (inherited by the subcommands). */
public final class GlobalOptions {
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Say more about what happens; on errors, print the stack trace too.")
    boolean verbose;

    @Option(names = "--stdin-limit", paramLabel = "SIZE", scope = ScopeType.INHERIT, converter = SizeConverter.class,
            defaultValue = "4G", description = "The most a slice or log read from stdin ('-') may hold (default: ${DEFAULT-VALUE});"
                    + " it is spooled to the temporary directory, and a longer stream is refused.")
    long stdinLimit = SliceFile.STDIN_LIMIT;

    public boolean verbose() {
        return verbose;
    }

    /** Bytes a slice read from stdin may hold. */
    public long stdinLimit() {
        return stdinLimit;
    }

    /** The global options of the {@code kerf} command {@code spec} belongs to. */
    static GlobalOptions of(CommandLine.Model.CommandSpec spec) {
        return ((Kerf) spec.root().userObject()).global;
    }
}
