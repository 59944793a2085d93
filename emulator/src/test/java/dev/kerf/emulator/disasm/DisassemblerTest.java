package dev.kerf.emulator.disasm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.testkit.HostPackages;
import org.junit.jupiter.api.Test;

class DisassemblerTest {
    /** Without libcapstone the test is skipped, except on CI where it must run. */
    private static Disassembler open() {
        HostPackages.require(HostPackages.CAPSTONE);
        Disassembler d = Disassembler.open();
        assertThat(d.unavailable()).as("the probe found libcapstone, so must open()").isNull();
        return d;
    }

    @Test
    void withoutCapstoneEachInstructionIsShownAsItsBytesByKerfsLength() {
        try (Disassembler d = Disassembler.bytesOnly("no capstone here")) {
            assertThat(d.unavailable()).isEqualTo("no capstone here");
            byte[] movAdd = {(byte) 0xB8, 0x2A, 0, 0, 0, 0x01, (byte) 0xD8}; // mov eax, 42; add eax, ebx
            assertThat(d.text(0x1000, movAdd, movAdd.length)).isEqualTo("(bytes) b8 2a 00 00 00");
            byte[] load = {(byte) 0x8B, 0x01, (byte) 0x90}; // mov eax, [ecx]; nop
            assertThat(d.text(0x1000, load, load.length)).isEqualTo("(bytes) 8b 01");
            byte[] unknown = {0x0F, 0x0A}; // no decoder knows it: every byte we have
            assertThat(d.text(0x2000, unknown, 2)).isEqualTo("(bytes) 0f 0a");
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
