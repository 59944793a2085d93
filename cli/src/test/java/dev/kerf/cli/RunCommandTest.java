package dev.kerf.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class RunCommandTest {
    @TempDir
    Path dir;

    /** One clear line, a non-zero exit, no stack trace. */
    private static void assertOneLineError(Cli.Outcome r, ExitCode code, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(code.code());
        assertThat(r.err()).startsWith("kerf: ").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        for (String f : fragments) {
            assertThat(r.err()).contains(f);
        }
    }

    @Test
    void missingKernel() {
        Path missing = dir.resolve("missing.elf");
        assertOneLineError(Cli.run("", "run", missing.toString()), ExitCode.BAD_INPUT,
                missing + ": no such kernel file");
    }

    @Test
    void nonElfKernel() throws IOException {
        Path f = Files.writeString(dir.resolve("notes.txt"), "these are not the bytes you are looking for\n");
        assertOneLineError(Cli.run("", "run", f.toString()), ExitCode.BAD_INPUT, "notes.txt", "offset 0",
                "not an ELF file");
    }

    @Test
    void truncatedElfKernel() throws Exception {
        byte[] hello = Files.readAllBytes(Examples.hello("hello.elf"));
        Path f = Files.write(dir.resolve("cut.elf"), Arrays.copyOf(hello, 0x1100));
        assertOneLineError(Cli.run("", "run", f.toString()), ExitCode.BAD_INPUT, "cut.elf", "offset 0x",
                "runs past the end of the file");
    }

    @Test
    void elfWithoutMultibootHeader() throws Exception {
        byte[] hello = Files.readAllBytes(Examples.hello("hello.elf"));
        for (int i = 0; i + 4 <= hello.length; i += 4) {   // wipe the magic wherever it is
            if ((hello[i] & 0xFF) == 0x02 && (hello[i + 1] & 0xFF) == 0xB0 && (hello[i + 2] & 0xFF) == 0xAD
                    && (hello[i + 3] & 0xFF) == 0x1B) {
                hello[i] = 0;
            }
        }
        Path f = Files.write(dir.resolve("plain.elf"), hello);
        assertOneLineError(Cli.run("", "run", f.toString()), ExitCode.BAD_INPUT, "plain.elf",
                "no Multiboot header");
    }

    @Test
    void moduleThatDoesNotFitInRam() throws Exception {
        Path big = Files.write(dir.resolve("big.tar"), new byte[3 << 20]);
        Path hello = Examples.hello("hello.elf");
        assertOneLineError(Cli.run("", "run", hello.toString(), "--mem", "4M", "--module", big + ",root=1"),
                ExitCode.BAD_INPUT, "big.tar", "does not fit in RAM");
    }

    @Test
    void missingModule() throws Exception {
        Path hello = Examples.hello("hello.elf");
        assertOneLineError(Cli.run("", "run", hello.toString(), "--module", dir.resolve("nope.tar").toString()),
                ExitCode.BAD_INPUT, "nope.tar: no such module file");
    }

    @Test
    void badMemSizeIsAUsageError() {
        Cli.Outcome r = Cli.run("", "run", "k.elf", "--mem", "lots");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("kerf: ").contains("'lots' is not a number").doesNotContain("Exception");
        Cli.Outcome tiny = Cli.run("", "run", "k.elf", "--mem", "1M");
        assertThat(tiny.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(tiny.err()).startsWith("kerf: --mem");
    }

    @Test
    void unknownRunOptionPointsAtRunHelp() {
        Cli.Outcome r = Cli.run("", "run", "k.elf", "--turbo");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("kerf: Unknown option: '--turbo'").contains("kerf run --help");
    }

    @Test
    void runHelpDescribesTheOptions() {
        Cli.Outcome r = Cli.run("", "run", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--append", "--module", "--mem", "--clock", "--max-insns", "KERNEL");
    }
}
