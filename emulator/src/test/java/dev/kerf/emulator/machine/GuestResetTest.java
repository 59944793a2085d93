package dev.kerf.emulator.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.loader.TestKernels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a guest's reboot and power-off end a run: each of the PC's reset requests (keyboard
 * controller command 0xFE, reset control register 0xCF9, port 0x92 fast reset) stops the machine
 * right after the instruction with {@link RunResult.Reason#RESET}; a halt with interrupts off
 * (Linux's power-off without ACPI or APM) is the halt nothing wakes, said as such; and a triple
 * fault started by an instruction kerf lacks names the bytes and the nearest symbol.
 */
class GuestResetTest {
    private static final byte OUT_DX_AL = (byte) 0xEE, JMP_SELF_0 = (byte) 0xEB, JMP_SELF_1 = (byte) 0xFE;

    @TempDir
    Path dir;

    private RunResult run(byte[] image) throws IOException {
        Path kernel = Files.write(dir.resolve("k.elf"), image);
        MachineConfig config = new MachineConfig(kernel, "", List.of(), 16 << 20, true, null, null, null, 1_000_000,
                null, new ByteArrayOutputStream());
        try (Machine m = Machine.boot(config)) {
            return m.run();
        }
    }

    /** mov dx, port; mov al, value; out dx, al; jmp $ */
    private static byte[] outByte(int port, int value) {
        return new byte[] {0x66, (byte) 0xBA, (byte) port, (byte) (port >> 8), (byte) 0xB0, (byte) value, OUT_DX_AL,
                JMP_SELF_0, JMP_SELF_1};
    }

    @Test
    void keyboardControllerPulseResetEndsTheRunAfterTheOut() throws IOException {
        RunResult r = run(TestKernels.elf(outByte(0x64, 0xFE), 0));
        assertThat(r.reason()).isEqualTo(RunResult.Reason.RESET);
        assertThat(r.icount()).isEqualTo(3); // the jmp $ never runs
        assertThat(r.message()).contains("keyboard controller command 0xFE on port 0x64").contains("icount 3");
    }

    @Test
    void otherKeyboardControllerCommandsDoNothing() throws IOException {
        RunResult r = run(TestKernels.elf(outByte(0x64, 0xAD), 0)); // "disable keyboard"
        assertThat(r.reason()).isEqualTo(RunResult.Reason.MAX_INSNS);
    }

    @Test
    void keyboardControllerStatusLetsAResetCommandThrough() throws IOException {
        // in al, 0x64; test al, 2; jnz self (Linux's kb_wait); mov al, 0xfe; out 0x64, al; jmp $
        byte[] code = {(byte) 0xE4, 0x64, (byte) 0xA8, 0x02, 0x75, (byte) 0xFA, (byte) 0xB0, (byte) 0xFE, (byte) 0xE6,
                0x64, JMP_SELF_0, JMP_SELF_1};
        RunResult r = run(TestKernels.elf(code, 0));
        assertThat(r.reason()).isEqualTo(RunResult.Reason.RESET);
        assertThat(r.icount()).isEqualTo(5);
    }

    @Test
    void resetControlRegisterResetsOnlyWithTheResetCpuBit() throws IOException {
        RunResult r = run(TestKernels.elf(outByte(0xCF9, 0x06), 0));
        assertThat(r.reason()).isEqualTo(RunResult.Reason.RESET);
        assertThat(r.message()).contains("0x06 to the reset control register 0xCF9");
        assertThat(run(TestKernels.elf(outByte(0xCF9, 0x02), 0)).reason()).isEqualTo(RunResult.Reason.MAX_INSNS);
        // a 32-bit PCI configuration address write covers 0xCF9 but is not a byte access to it
        byte[] outl = {0x66, (byte) 0xBA, (byte) 0xF8, 0x0C, (byte) 0xB8, 0, 0x04, 0, (byte) 0x80, (byte) 0xEF,
                JMP_SELF_0, JMP_SELF_1};
        assertThat(run(TestKernels.elf(outl, 0)).reason()).isEqualTo(RunResult.Reason.MAX_INSNS);
    }

    @Test
    void portAFastResetBitResets() throws IOException {
        RunResult r = run(TestKernels.elf(outByte(0x92, 0x03), 0));
        assertThat(r.reason()).isEqualTo(RunResult.Reason.RESET);
        assertThat(r.message()).contains("fast reset through port 0x92 bit 0");
        assertThat(run(TestKernels.elf(outByte(0x92, 0x02), 0)).reason()).isEqualTo(RunResult.Reason.MAX_INSNS);
    }

    @Test
    void haltWithInterruptsOffSaysTheGuestHaltedOrPoweredOff() throws IOException {
        RunResult r = run(TestKernels.elf(new byte[] {(byte) 0xFA, (byte) 0xF4}, 0));
        assertThat(r.reason()).isEqualTo(RunResult.Reason.HALTED_FOREVER);
        assertThat(r.message()).contains("interrupts disabled").endsWith("the guest halted or powered off");
    }

    @Test
    void tripleFaultOnAnUnimplementedOpcodeNamesTheBytesAndTheSymbol() throws IOException {
        // nop; nop; addps xmm0, xmm1 (SSE: kerf has none, and no IDT is set up); hlt
        byte[] code = {(byte) 0x90, (byte) 0x90, 0x0F, 0x58, (byte) 0xC1, (byte) 0xF4};
        LinkedHashMap<String, Integer> symbols = new LinkedHashMap<>();
        symbols.put("_start", 0);
        symbols.put("use_sse", 1);
        symbols.put("after", 6);
        RunResult r = run(TestKernels.elfWithSymbols(code, symbols));
        assertThat(r.reason()).isEqualTo(RunResult.Reason.TRIPLE_FAULT);
        assertThat(r.message()).isEqualTo(String.format("guest triple-faulted at eip 0x%08x (icount 2): #UD on bytes"
                + " 0f 58 c1 f4 00 00 00 00 in use_sse+0x1 (an invalid opcode, or one kerf does not implement), and the"
                + " guest could not handle it: the machine shut down", TestKernels.CODE_ADDR + 2));
        assertThat(r.message()).doesNotContain("\n");
    }

    @Test
    void tripleFaultWithoutSymbolsLeavesTheSymbolOut() throws IOException {
        RunResult r = run(TestKernels.elf(new byte[] {0x0F, 0x58, (byte) 0xC1}, 0));
        assertThat(r.reason()).isEqualTo(RunResult.Reason.TRIPLE_FAULT);
        assertThat(r.message()).contains("#UD on bytes 0f 58 c1 00").doesNotContain(" in ");
    }
}
