package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SystemInsnsTest {
    private final CpuRig rig = new CpuRig();
    private final int[] r = rig.r;

    @Test
    void cpuidIsFixed() {
        rig.code("0fa2" + "0fa2");
        r[Cpu.EAX] = 0;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(1);
        byte[] vendor = new byte[12];
        for (int i = 0; i < 4; i++) {
            vendor[i] = (byte) (r[Cpu.EBX] >> (8 * i));
            vendor[4 + i] = (byte) (r[Cpu.EDX] >> (8 * i));
            vendor[8 + i] = (byte) (r[Cpu.ECX] >> (8 * i));
        }
        assertThat(new String(vendor, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("KerfKerfKerf");
        r[Cpu.EAX] = 1;
        rig.run(1);
        assertThat((r[Cpu.EAX] >> 8) & 0xF).isEqualTo(6);
        assertThat(r[Cpu.EDX]).isEqualTo(1 | (1 << 4) | (1 << 8) | (1 << 15)); // FPU TSC CX8 CMOV
    }

    @Test
    void rdtscAsksTheBusWithIcount() {
        rig.code("90" + "0f31");
        rig.run(2);
        long expected = rig.bus.tsc + 1;
        assertThat(r[Cpu.EAX]).isEqualTo((int) expected);
        assertThat(r[Cpu.EDX]).isEqualTo((int) (expected >>> 32));
    }

    @Test
    void inOutThroughBus() {
        rig.code("e680" + "ed");
        r[Cpu.EAX] = 0x1234;
        r[Cpu.EDX] = 0x71;
        rig.run(2);
        assertThat(rig.bus.log).containsExactly("out 80/1=34", "in 71/4");
        assertThat(r[Cpu.EAX]).isEqualTo(0x12345678);
    }

    @Test
    void ioAtCpl3WithIopl0IsGp() {
        rig.cpu.setCpl(3);
        rig.code("e680");
        CpuFault f = rig.fault();
        assertThat(f.vector).isEqualTo(Vectors.GP);
        assertThat(rig.bus.log).isEmpty();
    }

    @Test
    void ioAllowedWhenIoplIsHighEnough() {
        rig.cpu.setCpl(3);
        rig.cpu.setEflags(0x3002);
        rig.code("e680");
        rig.run(1);
        assertThat(rig.bus.log).hasSize(1);
    }

    @Test
    void hltAtCpl3IsGp() {
        rig.cpu.setCpl(3);
        rig.code("f4");
        assertThat(rig.fault().vector).isEqualTo(Vectors.GP);
    }

    @Test
    void cliStiChecksIopl() {
        rig.cpu.setCpl(3);
        rig.code("fa");
        assertThat(rig.fault().vector).isEqualTo(Vectors.GP);
        rig.cpu.setCpl(0);
        rig.code("fa" + "fb");
        rig.cpu.setEflags(0x202);
        rig.run(1);
        assertThat(rig.flags() & Flags.IF).isZero();
        rig.run(1);
        assertThat(rig.flags() & Flags.IF).isEqualTo(Flags.IF);
    }

    @Test
    void privilegedInstructionsAtCpl3AreGp() {
        String[] privileged = {"0f011500200000", "0f20c0", "0f22d8", "0f23f8", "0f06", "0f09",
                "0f013d00200000", "0f00d8", "0f00d0"};
        for (String code : privileged) {
            CpuRig u = new CpuRig().code(code);
            u.cpu.setCpl(3);
            assertThat(u.fault().vector).as(code).isEqualTo(Vectors.GP);
        }
    }

    @Test
    void lgdtAndSgdtRoundTrip() {
        rig.code("0f011500200000" + "0f010500300000");
        rig.ram.write16(0x2000, 0x27);
        rig.ram.write32(0x2002, 0x00104000);
        rig.run(2);
        assertThat(rig.cpu.gdtBase).isEqualTo(0x00104000);
        assertThat(rig.cpu.gdtLimit).isEqualTo(0x27);
        assertThat(rig.ram.read16(0x3000)).isEqualTo(0x27);
        assertThat(rig.read32(0x3002)).isEqualTo(0x00104000);
    }

    @Test
    void debugRegistersStoreAndReadBack() {
        rig.code("0f23f8" + "0f21fb"); // mov dr7, eax; mov ebx, dr7
        r[Cpu.EAX] = 0x400;
        rig.run(2);
        assertThat(r[Cpu.EBX]).isEqualTo(0x400);
    }

    @Test
    void strAndSmswAreUnprivileged() {
        rig.cpu.tr.selector = 0x28;
        rig.cpu.cr0 = 0x80000011;
        rig.code("0f00c8" + "0f01e3"); // str eax; smsw ebx
        rig.cpu.setCpl(3);
        rig.run(2);
        assertThat(r[Cpu.EAX]).isEqualTo(0x28);
        assertThat(r[Cpu.EBX]).isEqualTo(0x80000011);
    }
}
