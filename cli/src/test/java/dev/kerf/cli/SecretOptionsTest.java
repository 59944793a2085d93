package dev.kerf.cli;

import dev.kerf.slicer.privacy.Secret;
import dev.kerf.slicer.privacy.SecretKind;
import dev.kerf.slicer.privacy.SecretSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

class SecretOptionsTest {
    @TempDir
    Path dir;

    @Command(name = "slicelike")
    static final class Probe implements Callable<Integer> {
        @Mixin
        SecretOptions options;
        SecretSet built;

        @Override
        public Integer call() {
            built = options.secrets();
            return 0;
        }
    }

    private record Run(int code, String err, Probe probe) {}

    private static Run run(String... args) {
        Probe probe = new Probe();
        StringWriter err = new StringWriter();
        ExceptionMapper mapper = new ExceptionMapper(new GlobalOptions());
        CommandLine cmd = new CommandLine(probe).setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler(mapper).setParameterExceptionHandler(mapper);
        return new Run(cmd.execute(args), err.toString(), probe);
    }

    @Test
    void buildsTheSetInAFixedOrder() throws Exception {
        Path f = dir.resolve("s.txt");
        Files.write(f, "first\r\n\nsecond\n".getBytes(StandardCharsets.UTF_8));
        Run r = run("--secret-regex", "tok-[0-9]+", "--secret", "hunter2", "--secret-file", f.toString(),
                "--exclude-process", "vault", "--secret", "other", "--allow-divergence");
        assertThat(r.code()).isZero();
        assertThat(r.probe().built.secrets()).extracting(Secret::kind, Secret::origin).containsExactly(
                org.assertj.core.groups.Tuple.tuple(SecretKind.LITERAL, "--secret"),
                org.assertj.core.groups.Tuple.tuple(SecretKind.LITERAL, "--secret"),
                org.assertj.core.groups.Tuple.tuple(SecretKind.FILE_LINE, "--secret-file s.txt:1"),
                org.assertj.core.groups.Tuple.tuple(SecretKind.FILE_LINE, "--secret-file s.txt:3"),
                org.assertj.core.groups.Tuple.tuple(SecretKind.REGEX, "--secret-regex"));
        assertThat(r.probe().built.excludedProcesses()).containsExactly("vault");
        assertThat(r.probe().options.allowDivergence()).isTrue();
    }

    @Test
    void aMissingSecretFileIsBadInputInOneLine() {
        Run r = run("--secret-file", dir.resolve("nope.txt").toString());
        assertThat(r.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).isEqualTo("kerf: --secret-file " + dir.resolve("nope.txt") + ": no such file" + System.lineSeparator());
    }

    @Test
    void aSecretFileWithNoSecretsIsBadInput() throws Exception {
        Path f = dir.resolve("empty.txt");
        Files.write(f, "\n\r\n".getBytes(StandardCharsets.UTF_8));
        Run r = run("--secret-file", f.toString());
        assertThat(r.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).startsWith("kerf: --secret-file " + f + ": holds no secrets").hasLineCount(1);
    }

    @Test
    void aDirectoryAsSecretFileIsBadInput() {
        Run r = run("--secret-file", dir.toString());
        assertThat(r.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).startsWith("kerf: --secret-file " + dir).hasLineCount(1);
    }

    @Test
    void anInvalidRegexIsAUsageErrorNamingIt() {
        Run r = run("--secret-regex", "a(b");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("--secret-regex").contains("'a(b' is not a valid regex: Unclosed group");
        assertThat(r.err().lines().findFirst().orElseThrow()).startsWith("kerf: ");
    }

    @Test
    void aRegexMatchingNothingAtAllIsAUsageError() {
        Run r = run("--secret-regex", "x*");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("'x*' matches the empty string");
    }

    @Test
    void anEmptySecretIsAUsageError() {
        Run r = run("--secret", "");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("a secret cannot be empty");
    }

    @Test
    void noOptionsMeansNoSecrets() {
        Run r = run();
        assertThat(r.code()).isZero();
        assertThat(r.probe().built.isEmpty()).isTrue();
        assertThat(r.probe().options.allowDivergence()).isFalse();
    }
}
