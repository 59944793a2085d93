package dev.kerf.emulator.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kerf.emulator.loader.TestKernels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Console input under {@code --clock virtual} (docs/cli.md, "--clock"): kerf reads it only when the
 * guest waits for it, so the same bytes reach the guest at the same instructions however slowly
 * the host writes them, and a guest that does not read input never waits for the pipe.
 */
class VirtualConsoleInputTest {
    private static final int RAM = 32 << 20;
    private static final String INPUT = "echo typed slowly\nexit 7\n";

    @TempDir
    Path dir;

    private record Run(RunResult result, String console) {}

    private static Run run(Path kernel, List<MachineConfig.Module> modules, InputStream in, long maxInsns)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = new MachineConfig(kernel, "", modules, RAM, true, null, null, null, maxInsns, in, out);
        try (Machine m = Machine.boot(config)) {
            return new Run(m.run(), out.toString(StandardCharsets.ISO_8859_1));
        }
    }

    /** A pipe whose writer thread sends one byte every few milliseconds, after a first pause. */
    private static InputStream slowPipe(String text) throws IOException {
        PipedOutputStream writer = new PipedOutputStream();
        PipedInputStream pipe = new PipedInputStream(writer);
        Thread typist = new Thread(() -> {
            try (writer) {
                Thread.sleep(200);
                for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
                    writer.write(b);
                    writer.flush();
                    Thread.sleep(5);
                }
            } catch (IOException | InterruptedException e) {
                // the machine stopped reading: nothing more to send
            }
        }, "slow-typist");
        typist.setDaemon(true);
        typist.start();
        return pipe;
    }

    @Test
    void slowlyWrittenInputReachesTheGuestAtTheSameInstructionsAsInputGivenAtOnce() throws Exception {
        Path kernel = QemuGuest.buildExample("guest", "kernel.elf");
        List<MachineConfig.Module> initrd = List.of(new MachineConfig.Module(kernel.resolveSibling("initrd.tar"), ""));
        long max = 500_000_000L;

        Run atOnce = run(kernel, initrd, new ByteArrayInputStream(INPUT.getBytes(StandardCharsets.US_ASCII)), max);
        Run slowly = run(kernel, initrd, slowPipe(INPUT), max);

        assertThat(atOnce.result().reason()).as(atOnce.console()).isEqualTo(RunResult.Reason.EXIT);
        assertThat(atOnce.result().exitStatus()).isEqualTo((7 << 1) | 1);
        assertThat(atOnce.console()).contains("typed slowly");
        assertThat(slowly.console()).isEqualTo(atOnce.console());
        assertThat(slowly.result()).isEqualTo(atOnce.result()); // same reason, status and final icount
    }

    @Test
    void aPipeWithNoDataDoesNotBlockAGuestThatDoesNotReadInput() throws Exception {
        // spin 200,000 instructions (past the first byte time), print "ok" on COM1 (LSR read before
        // each byte, as a driver does), then debug-exit 3
        byte[] code = {
            (byte) 0xB9, 0x40, 0x0D, 0x03, 0x00, (byte) 0xE2, (byte) 0xFE, // mov ecx, 200000; loop $
            0x66, (byte) 0xBA, (byte) 0xFD, 0x03, (byte) 0xEC,        // mov dx, 0x3fd; in al, dx
            0x66, (byte) 0xBA, (byte) 0xF8, 0x03, (byte) 0xB0, 'o', (byte) 0xEE, // mov dx, 0x3f8; mov al, 'o'; out
            0x66, (byte) 0xBA, (byte) 0xFD, 0x03, (byte) 0xEC,
            0x66, (byte) 0xBA, (byte) 0xF8, 0x03, (byte) 0xB0, 'k', (byte) 0xEE,
            (byte) 0xB0, 3, (byte) 0xE6, (byte) 0xF4,                 // mov al, 3; out 0xf4, al
        };
        Path kernel = Files.write(dir.resolve("k.elf"), TestKernels.elf(code, 0));
        PipedOutputStream neverWritten = new PipedOutputStream();
        try (PipedInputStream pipe = new PipedInputStream(neverWritten)) {
            Run r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run(kernel, List.of(), pipe, 1_000_000),
                    "the machine waited for a pipe the guest never reads");
            assertThat(r.result().reason()).isEqualTo(RunResult.Reason.EXIT);
            assertThat(r.result().exitStatus()).isEqualTo(7);
            assertThat(r.console()).isEqualTo("ok");
            assertThat(r.result().icount()).isGreaterThan(200_000);
        } finally {
            neverWritten.close();
        }
    }
}
