package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Differential test against a real CPU: {@code native-flags.txt} holds register-only integer
 * instructions run on an x86-64 host by {@code src/test/native/flaggen.c} (ALU ops, INC/DEC/NOT/NEG,
 * every shift and rotate with edge counts, MUL/IMUL, BSF/BSR, BT*, SHLD/SHRD, SETcc/CMOVcc,
 * CMPXCHG/XADD, BSWAP, CDQ/CWDE, SAHF/LAHF, CMC; 8/16/32-bit forms, random operands and input
 * flags). Each line is replayed on kerf; registers and the flags the SDM defines must match.
 */
class NativeFlagsTest {
    private final CpuRig rig = new CpuRig();

    @Test
    void kerfMatchesTheHostCpu() throws IOException {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        try (InputStream in = NativeFlagsTest.class.getResourceAsStream("native-flags.txt")) {
            assertThat(in).as("native-flags.txt on the test classpath").isNotNull();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                cases++;
                String failure = check(line);
                if (failure != null && failures.size() < 30) failures.add(failure);
            }
        }
        assertThat(cases).isGreaterThan(1000);
        assertThat(failures).as("mismatches (first 30)").isEmpty();
    }

    private String check(String line) {
        String[] parts = line.split("\\|");
        String code = parts[0].trim();
        int[] in = hex(parts[1]), out = hex(parts[2]), masks = hex(parts[3]);
        rig.code(code + "90".repeat(8));
        rig.cpu.eip = CpuRig.CODE;
        int[] regs = {Cpu.EAX, Cpu.EBX, Cpu.ECX, Cpu.EDX};
        for (int i = 0; i < 4; i++) rig.r[regs[i]] = in[i];
        rig.cpu.setEflags(in[4]);
        rig.run(1);
        StringBuilder diff = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            if ((masks[1] >> i & 1) != 0 && rig.r[regs[i]] != out[i]) {
                diff.append(String.format(" reg%d=%08x want %08x", i, rig.r[regs[i]], out[i]));
            }
        }
        int got = rig.flags() & masks[0], want = out[4] & masks[0];
        if (got != want) diff.append(String.format(" flags=%03x want %03x (mask %03x)", got, want, masks[0]));
        return diff.length() == 0 ? null : line + " ->" + diff;
    }

    private static int[] hex(String s) {
        String[] f = s.trim().split("\\s+");
        int[] v = new int[f.length];
        for (int i = 0; i < f.length; i++) v[i] = Integer.parseUnsignedInt(f[i], 16);
        return v;
    }
}
