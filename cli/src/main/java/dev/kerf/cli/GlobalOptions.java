package dev.kerf.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every kerf command accepts (inherited by the subcommands). */
public final class GlobalOptions {
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Say more about what happens; on errors, print the stack trace too.")
    boolean verbose;

    public boolean verbose() {
        return verbose;
    }
}
