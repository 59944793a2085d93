package dev.kerf.cli;

import dev.kerf.testkit.HostPackages;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** kerf and qemu-system-i386 boot the hello kernel from the same path: same bytes, same status. */
class HelloQemuTest {
    private static final String INPUT = "same line\n";

    @Test
    void kerfAndQemuPrintTheSameBytesAndExitTheSame() throws Exception {
        requireQemu();
        String kernel = Examples.root().relativize(Examples.hello("hello.elf")).toString();
        Process qemu = new ProcessBuilder("timeout", "60", "qemu-system-i386", "-kernel", kernel, "-append", "exit=9",
                "-display", "none", "-serial", "stdio", "-nodefaults",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04")
                .directory(Examples.root().toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = qemu.getOutputStream()) {
            in.write(INPUT.getBytes(StandardCharsets.US_ASCII));
        }
        ByteArrayOutputStream qemuOut = new ByteArrayOutputStream();
        qemu.getInputStream().transferTo(qemuOut);
        assertThat(qemu.waitFor(90, TimeUnit.SECONDS)).isTrue();

        // the guest sees its kernel path in the command line: give kerf the same relative path
        Cli.Outcome kerf = Cli.run(INPUT, "run", Examples.root().resolve(kernel).toString(), "--append", "exit=9");
        String expected = qemuOut.toString(StandardCharsets.US_ASCII)
                .replace("cmdline: " + kernel, "cmdline: " + Examples.root().resolve(kernel));
        assertThat(kerf.out()).isEqualTo(expected);
        assertThat(kerf.exitCode()).isEqualTo(qemu.exitValue()).isEqualTo((9 << 1) | 1);
    }

    private static void requireQemu() {
        HostPackages.require(HostPackages.QEMU);
    }
}
