package dev.kerf.emulator.machine;

import dev.kerf.emulator.loader.TestKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MachineTest {
    private static final int RAM = 16 << 20;

    @TempDir
    Path dir;

    /** What one run left behind. */
    private record Run(RunResult result, String output) {}

    private Run run(Path kernel, String cmdline, String input, long maxInsns) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = new MachineConfig(kernel, cmdline, List.of(), RAM, true, null, null, null, maxInsns,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.US_ASCII)), out);
        RunResult r;
        try (Machine m = Machine.boot(config)) {
            r = m.run();
        }
        return new Run(r, out.toString(StandardCharsets.US_ASCII));
    }

    private Path kernel(byte[] code) throws IOException {
        return Files.write(dir.resolve("k.elf"), TestKernels.elf(code, 0));
    }

    private static Path hello() throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("kerf.root", "..")).resolve("examples/hello");
        Process make = new ProcessBuilder("make", "-s", "-C", dir.toString()).inheritIO().start();
        assertThat(make.waitFor()).as("make -C " + dir).isZero();
        return dir.resolve("build/hello.elf");
    }

    @Test
    void debugExitEndsTheRunWithQemusStatus() throws IOException {
        // mov al, 5; out 0xf4, al; then a jump-to-self that must never run long
        Run r = run(kernel(new byte[] {(byte) 0xB0, 5, (byte) 0xE6, (byte) 0xF4, (byte) 0xEB, (byte) 0xFE}), "", "", 0);
        assertThat(r.result().reason()).isEqualTo(RunResult.Reason.EXIT);
        assertThat(r.result().exitStatus()).isEqualTo(11);
        assertThat(r.result().icount()).isEqualTo(2);
    }

    @Test
    void maxInsnsStopsARunawayGuestExactly() throws IOException {
        Run r = run(kernel(new byte[] {(byte) 0xEB, (byte) 0xFE}), "", "", 12_345);
        assertThat(r.result().reason()).isEqualTo(RunResult.Reason.MAX_INSNS);
        assertThat(r.result().icount()).isEqualTo(12_345);
    }

    @Test
    void haltWithInterruptsOffIsForever() throws IOException {
        Run r = run(kernel(new byte[] {(byte) 0xFA, (byte) 0xF4}), "", "", 1_000_000);
        assertThat(r.result().reason()).isEqualTo(RunResult.Reason.HALTED_FOREVER);
        assertThat(r.result().message()).contains("interrupts disabled");
    }

    @Test
    void haltWithNothingPendingIsForeverUnderAVirtualClock() throws IOException {
        // mask every PIC input (the PIT runs from power-on), sti; hlt; jmp back to the hlt
        byte[] code = {(byte) 0xB0, (byte) 0xFF, (byte) 0xE6, 0x21, (byte) 0xE6, (byte) 0xA1, (byte) 0xFB, (byte) 0xF4,
            (byte) 0xEB, (byte) 0xFD};
        Run r = run(kernel(code), "", "", 1_000_000);
        assertThat(r.result().reason()).isEqualTo(RunResult.Reason.HALTED_FOREVER);
        assertThat(r.result().message()).contains("no timer or input pending");
    }

    @Test
    void tripleFaultStopsTheMachineWithAMessage() throws IOException {
        // lidt [empty]; ud2 -- an IDT limit of 0 cannot deliver #UD, #GP or #DF
        byte[] code = {0x0F, 0x01, 0x1D, 0x20, 0x00, 0x10, 0x00, 0x0F, 0x0B};
        byte[] padded = java.util.Arrays.copyOf(code, 0x20 - 12 + 6);
        Run r = run(kernel(padded), "", "", 1_000_000);
        assertThat(r.result().reason()).isEqualTo(RunResult.Reason.TRIPLE_FAULT);
        assertThat(r.result().message()).startsWith("guest triple-faulted at eip ");
    }

    @Test
    void helloEchoesItsInputAndRunsRepeatExactlyUnderTheVirtualClock() throws Exception {
        Path hello = hello();
        Run first = run(hello, "exit=3", "same input\n", 50_000_000);
        Run second = run(hello, "exit=3", "same input\n", 50_000_000);
        assertThat(first.result().reason()).as(first.result().message()).isEqualTo(RunResult.Reason.EXIT);
        assertThat(first.result().exitStatus()).isEqualTo(7);
        assertThat(first.output()).contains("hello from kerf guest", "echo: same input\r\n");
        assertThat(second.output()).isEqualTo(first.output());
        assertThat(second.result()).isEqualTo(first.result());
    }

    @Test
    void refusesTooLittleRam() throws IOException {
        Path k = kernel(new byte[] {(byte) 0xF4});
        MachineConfig config = new MachineConfig(k, "", List.of(), 1 << 20, true, null, null, null, 0, null,
                new ByteArrayOutputStream());
        assertThatThrownBy(() -> Machine.boot(config)).isInstanceOf(BootException.class)
                .hasMessageContaining("at least 2 MiB");
    }
}
