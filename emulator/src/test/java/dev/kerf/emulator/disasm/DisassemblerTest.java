package dev.kerf.emulator.disasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class DisassemblerTest {
    /** Without libcapstone the test is skipped, except on CI where it must run. */
    private static Disassembler open() {
        try {
            return Disassembler.open();
        } catch (IllegalStateException e) {
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(e.getMessage(), e);
            assumeTrue(false, e.getMessage());
            throw e;
        }
    }

    @Test
    void disassemblesOneInstructionAndCachesItByAddressAndBytes() {
        try (Disassembler d = open()) {
            byte[] movAdd = {(byte) 0xB8, 0x2A, 0, 0, 0, 0x01, (byte) 0xD8}; // mov eax, 42; add eax, ebx
            assertThat(d.text(0x1000, movAdd, movAdd.length)).isEqualTo("mov eax, 0x2a");
            assertThat(d.text(0x1000, movAdd, movAdd.length)).isEqualTo("mov eax, 0x2a");
            assertThat(d.cacheHits()).isEqualTo(1);
            byte[] jmp = {(byte) 0xEB, (byte) 0xFE}; // jmp $ : relative targets use the address
            assertThat(d.text(0x2000, jmp, 2)).isEqualTo("jmp 0x2000");
            byte[] changed = {(byte) 0xB8, 0x07, 0, 0, 0}; // same address, new bytes: not the cached text
            assertThat(d.text(0x1000, changed, changed.length)).isEqualTo("mov eax, 7");
            assertThat(d.calls()).isEqualTo(4);
            assertThat(d.cacheHits()).isEqualTo(1);
        }
    }

    @Test
    void bytesNoDecoderKnowsAreShownAsBad() {
        try (Disassembler d = open()) {
            byte[] bad = {0x0F, 0x0A};
            assertThat(d.text(0, bad, 2)).startsWith("(bad) 0f 0a");
        }
    }
}
