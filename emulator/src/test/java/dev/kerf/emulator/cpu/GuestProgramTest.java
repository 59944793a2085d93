package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs gcc-compiled i686 code ({@code src/test/native/guestcheck.c}: CRC-32, insertion sort,
 * 64-bit multiply and shifts, division and modulo by constants and variables, a jump table,
 * BSF/BSR builtins, 8/16-bit arithmetic) and compares its results with the same C code run on
 * the host.
 */
class GuestProgramTest {
    @Test
    void gccCompiledWorkloadMatchesTheHost() throws IOException {
        CpuRig rig = new CpuRig();
        byte[] image = resource("guestcheck.bin");
        rig.ram.load(0x10000, image, 0, image.length);
        rig.cpu.eip = 0x10000;
        assertThat(rig.run(50_000_000)).isEqualTo(CpuStop.HALTED);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 13; i++) got.add(String.format("%08x", rig.read32(0x30000 + 4 * i)));
        String expected = new String(resource("guestcheck.expected"), StandardCharsets.US_ASCII);
        assertThat(got).containsExactlyElementsOf(List.of(expected.trim().split("\n")));
        assertThat(rig.cpu.icount).isGreaterThan(10_000);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = GuestProgramTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
