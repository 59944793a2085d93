package dev.kerf.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KerfTest {
    @Test
    void helpListsTheRunCommand() {
        Cli.Outcome r = Cli.run("", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: kerf").contains("run").contains("Exit codes:");
    }

    @Test
    void versionNamesKerf() {
        Cli.Outcome r = Cli.run("", "--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("kerf ");
    }

    @Test
    void noCommandIsAUsageError() {
        Cli.Outcome r = Cli.run("");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("kerf: missing command");
    }

    @Test
    void unknownOptionGetsOneLineAndTheUsageExitCode() {
        Cli.Outcome r = Cli.run("", "--frobnicate");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("kerf: Unknown option: '--frobnicate'").doesNotContain("Exception")
                .contains("Try 'kerf --help'");
    }

    @Test
    void kerfExitCodesAreEvenSoTheyNeverLookLikeAGuestStatus() {
        for (ExitCode c : ExitCode.values()) {
            assertThat(c.code() % 2).as(c.name()).isZero();
        }
    }
}
