package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StringsTest {
    private final CpuRig rig = new CpuRig();
    private final int[] r = rig.r;

    @Test
    void repMovsbRetiresOneInstructionPerIteration() {
        rig.code("f3a4" + "f4"); // rep movsb; hlt
        for (int i = 0; i < 5; i++) rig.ram.write8(0x2000 + i, 0x10 + i);
        r[Cpu.ESI] = 0x2000;
        r[Cpu.EDI] = 0x3000;
        r[Cpu.ECX] = 5;
        assertThat(rig.run(3)).isEqualTo(CpuStop.LIMIT);
        assertThat(rig.cpu.icount).isEqualTo(3);
        assertThat(r[Cpu.ECX]).isEqualTo(2);
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE); // still on the instruction
        assertThat(rig.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(rig.cpu.icount).isEqualTo(6); // 5 iterations + HLT
        for (int i = 0; i < 5; i++) assertThat(rig.ram.read8(0x3000 + i)).isEqualTo(0x10 + i);
        assertThat(r[Cpu.ESI]).isEqualTo(0x2005);
        assertThat(r[Cpu.EDI]).isEqualTo(0x3005);
    }

    @Test
    void repWithZeroCountRetiresOnce() {
        rig.code("f3ab" + "f4");
        r[Cpu.ECX] = 0;
        r[Cpu.EDI] = 0x3000;
        rig.run(1);
        assertThat(rig.cpu.icount).isEqualTo(1);
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 2);
        assertThat(r[Cpu.EDI]).isEqualTo(0x3000);
    }

    @Test
    void repStosdBackwardsWithDirectionFlag() {
        rig.code("fd" + "f3ab" + "fc");
        r[Cpu.EAX] = 0xAABBCCDD;
        r[Cpu.EDI] = 0x3008;
        r[Cpu.ECX] = 3;
        rig.run(5);
        assertThat(rig.read32(0x3000)).isEqualTo(0xAABBCCDD);
        assertThat(rig.read32(0x3008)).isEqualTo(0xAABBCCDD);
        assertThat(r[Cpu.EDI]).isEqualTo(0x2FFC);
        assertThat(rig.flags() & Flags.DF).isZero();
    }

    @Test
    void repeCmpsbStopsAtFirstDifference() {
        rig.code("f3a6" + "f4");
        rig.bytes(0x2000, "61626364").bytes(0x3000, "61627864");
        r[Cpu.ESI] = 0x2000;
        r[Cpu.EDI] = 0x3000;
        r[Cpu.ECX] = 4;
        rig.run(100);
        assertThat(r[Cpu.ECX]).isEqualTo(1);
        assertThat(r[Cpu.ESI]).isEqualTo(0x2003);
        assertThat(rig.flags() & Flags.ZF).isZero();
        assertThat(rig.cpu.icount).isEqualTo(4); // 3 iterations + HLT
    }

    @Test
    void repneScasbFindsByte() {
        rig.code("f2ae" + "f4");
        rig.bytes(0x3000, "0102030400");
        r[Cpu.EDI] = 0x3000;
        r[Cpu.ECX] = -1;
        r[Cpu.EAX] = 0;
        rig.run(100);
        assertThat(r[Cpu.EDI]).isEqualTo(0x3005);
        assertThat(r[Cpu.ECX]).isEqualTo(-6);
    }

    @Test
    void lodsw16AndAddressSizePrefixUsesSi() {
        rig.code("66ad" + "67ac");
        rig.ram.write32(0x2000, 0x4321);
        r[Cpu.ESI] = 0x2000;
        rig.run(1);
        assertThat(r[Cpu.EAX] & 0xFFFF).isEqualTo(0x4321);
        r[Cpu.ESI] = 0x1FFFF;
        rig.ram.write8(0xFFFF, 0x99);
        rig.run(1);
        assertThat(r[Cpu.EAX] & 0xFF).isEqualTo(0x99);
        assertThat(r[Cpu.ESI]).isEqualTo(0x10000); // SI wrapped, upper half kept
    }

    @Test
    void repInsAndOutsGoThroughTheBus() {
        rig.code("f36c" + "6f");
        r[Cpu.EDX] = 0x3F8;
        r[Cpu.EDI] = 0x3000;
        r[Cpu.ECX] = 2;
        rig.bus.inValue = 0x41;
        rig.run(2);
        assertThat(rig.ram.read8(0x3000)).isEqualTo(0x41);
        assertThat(rig.ram.read8(0x3001)).isEqualTo(0x41);
        r[Cpu.ESI] = 0x3000;
        rig.run(1);
        assertThat(rig.bus.log).containsExactly("in 3f8/1", "in 3f8/1", "out 3f8/4=4141");
    }
}
