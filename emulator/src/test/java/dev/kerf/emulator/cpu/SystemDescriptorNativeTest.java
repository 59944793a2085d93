package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LAR LSL VERR VERW against the host CPU: {@code src/test/native/selcheck.c} runs them at CPL 3
 * on every selector 0..0xFF of the host's GDT. kerf gets a GDT rebuilt from what the host
 * revealed (for each index LAR accepted: the access rights and, through LSL, the limit; every
 * other index a DPL 0 data segment, which CPL 3 cannot see either) and must give the same ZF and
 * values for all 256 selectors at CPL 3, RPL variants included. Without an x86 host or gcc the
 * test is skipped, except under CI=true where it fails.
 */
class SystemDescriptorNativeTest {
    private static final int GDT2 = 0x40000, CODE = 0x20000;

    @TempDir
    Path dir;

    @Test
    void kerfMatchesTheHostOnEveryGdtSelector() throws Exception {
        List<String> lines = runHost();
        Map<Integer, String> host = new HashMap<>();
        for (String l : lines) host.put(Integer.parseInt(l.substring(0, 2), 16), l);
        assertThat(host).as("the host's user data segment at least is visible").isNotEmpty();

        PmodeFixture f = new PmodeFixture();
        Cpu cpu = f.cpu;
        for (int index = 0; index < 32; index++) {
            String seen = null;
            for (int rpl = 0; rpl < 4 && seen == null; rpl++) {
                String l = host.get(index << 3 | rpl);
                if (l != null && l.split(" ")[1].equals("1")) seen = l;
            }
            int lo, hi;
            if (seen == null) {
                lo = 0x0000FFFF;
                hi = 0x00CF9300; // DPL 0 data: invisible at CPL 3
            } else {
                String[] p = seen.split(" ");
                int ar = (int) Long.parseLong(p[2], 16);
                int limit = (int) Long.parseLong(p[4], 16);
                boolean g = (ar & 0x800000) != 0;
                int raw = g ? limit >>> 12 : limit;
                hi = (ar & 0x00F0FF00) | (raw & 0xF0000);
                lo = raw & 0xFFFF;
                assertThat(ar & 0xF0000).as("host LAR's bits 19..16 are the limit's").isEqualTo(raw & 0xF0000);
            }
            f.memory.write32(GDT2 + index * 8, lo);
            f.memory.write32(GDT2 + index * 8 + 4, hi);
        }
        SystemOps.lgdt(cpu, GDT2, 32 * 8 - 1);
        f.ring3(CODE, PmodeFixture.USER_STACK_TOP);

        // lar eax, ecx; setz bl; lsl edx, ecx; setz bh; verr cx; setz [esi]; verw cx; setz [esi+1]
        int[] prog = {0x0F, 0x02, 0xC1, 0x0F, 0x94, 0xC3, 0x0F, 0x03, 0xD1, 0x0F, 0x94, 0xC7,
            0x0F, 0x00, 0xE1, 0x0F, 0x94, 0x06, 0x0F, 0x00, 0xE9, 0x0F, 0x94, 0x46, 0x01};
        int flag = 0x180000 - 0x1000;
        for (int sel = 0; sel < 0x100; sel++) {
            f.put(CODE, prog);
            cpu.eip = CODE;
            cpu.reg[Cpu.EAX] = 0;
            cpu.reg[Cpu.EDX] = 0;
            cpu.reg[Cpu.ECX] = sel;
            cpu.reg[Cpu.ESI] = flag;
            cpu.run(cpu.icount + 8);
            assertThat(cpu.eip).isEqualTo(CODE + prog.length);
            int zl = cpu.reg[Cpu.EBX] & 0xFF, zs = (cpu.reg[Cpu.EBX] >> 8) & 0xFF;
            int zr = f.memory.read8(flag), zw = f.memory.read8(flag + 1);
            String kerf = zl + zs + zr + zw == 0 ? null
                    : String.format("%02x %d %08x %d %08x %d %d", sel, zl, cpu.reg[Cpu.EAX], zs, cpu.reg[Cpu.EDX], zr, zw);
            assertThat(kerf).as("selector %02x", sel).isEqualTo(host.get(sel));
        }
    }

    private List<String> runHost() throws IOException, InterruptedException {
        boolean ci = "true".equals(System.getenv("CI"));
        boolean x86 = System.getProperty("os.arch").matches("amd64|x86_64|x86|i386");
        if (!x86) assumeTrue(ci, "needs an x86 host");
        Path src = Paths.get("src/test/native/selcheck.c").toAbsolutePath();
        Path exe = dir.resolve("selcheck");
        if (exec(List.of("gcc", "-O1", "-o", exe.toString(), src.toString())) != 0) {
            assumeTrue(ci, "requires gcc");
            throw new AssertionError("selcheck.c did not compile");
        }
        Path out = dir.resolve("host.txt");
        Process p = new ProcessBuilder(exe.toString()).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("selcheck finished").isTrue();
        assertThat(p.exitValue()).as("selcheck exit").isZero();
        return Files.readAllLines(out, StandardCharsets.US_ASCII);
    }

    private int exec(List<String> cmd) throws InterruptedException {
        return NativeBuild.exec(cmd, dir.resolve("build.log"));
    }
}
