package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StackControlTest {
    private final CpuRig rig = new CpuRig();
    private final int[] r = rig.r;

    @Test
    void pushPopImmediatesAndMemory() {
        rig.code("6834120000" + "6aff" + "ff3500200000" + "8f442404");
        rig.ram.write32(0x2000, 0x77);
        rig.run(3);
        assertThat(r[Cpu.ESP]).isEqualTo(CpuRig.STACK - 12);
        assertThat(rig.read32(CpuRig.STACK - 4)).isEqualTo(0x1234);
        assertThat(rig.read32(CpuRig.STACK - 8)).isEqualTo(-1);
        rig.run(1); // pop dword [esp+4]: the address uses ESP after the pop
        assertThat(r[Cpu.ESP]).isEqualTo(CpuRig.STACK - 8);
        assertThat(rig.read32(CpuRig.STACK - 4)).isEqualTo(0x77);
    }

    @Test
    void pushaPopaRoundTrip() {
        for (int i = 0; i < 8; i++) if (i != Cpu.ESP) r[i] = 0x100 + i;
        rig.code("60" + "31c0" + "31db" + "61");
        rig.run(1);
        assertThat(rig.read32(CpuRig.STACK - 20)).isEqualTo(CpuRig.STACK); // saved ESP
        rig.run(3);
        assertThat(r[Cpu.EAX]).isEqualTo(0x100);
        assertThat(r[Cpu.EBX]).isEqualTo(0x103);
        assertThat(r[Cpu.ESP]).isEqualTo(CpuRig.STACK);
    }

    @Test
    void popfAtCpl3KeepsIfAndIopl() {
        rig.cpu.setCpl(3);
        rig.cpu.setEflags(0x202);
        rig.ram.write32(CpuRig.STACK, 0x3000 | 0x400 | 1); // IOPL 3, DF, CF, IF clear
        rig.code("9d");
        rig.run(1);
        int f = rig.flags();
        assertThat(f & Flags.IF).isEqualTo(Flags.IF);
        assertThat(f & Flags.IOPL).isZero();
        assertThat(f & (Flags.DF | Flags.CF)).isEqualTo(Flags.DF | Flags.CF);
    }

    @Test
    void popfAtCpl0ChangesIoplAndIf() {
        rig.cpu.setEflags(0x202);
        rig.ram.write32(CpuRig.STACK, 0x3000 | Flags.VM | Flags.RF);
        rig.code("9d");
        rig.run(1);
        int f = rig.flags();
        assertThat(f & Flags.IOPL).isEqualTo(0x3000);
        assertThat(f & (Flags.IF | Flags.VM | Flags.RF)).isZero();
    }

    @Test
    void pushfImageMaterialisesLazyFlags() {
        rig.code("39c0" + "9c"); // cmp eax,eax; pushf
        rig.run(2);
        assertThat(rig.read32(CpuRig.STACK - 4) & 0xFFF).isEqualTo(Flags.ZF | Flags.PF | 2);
    }

    @Test
    void sixteenBitStackUsesSpAndKeepsUpperEsp() {
        rig.cpu.seg[Cpu.SS].set(0x10, 0x10000, 0xFFFFFFFF, 0x0093); // B = 0, base 0x10000
        r[Cpu.ESP] = 0xABCD0002;
        r[Cpu.EAX] = 0x11223344;
        rig.code("50" + "5b"); // push eax; pop ebx
        rig.run(1);
        assertThat(r[Cpu.ESP]).isEqualTo(0xABCDFFFE); // SP wrapped, upper half kept
        assertThat(rig.read32(0x1FFFE)).isEqualTo(0x11223344);
        rig.run(1);
        assertThat(r[Cpu.EBX]).isEqualTo(0x11223344);
        assertThat(r[Cpu.ESP]).isEqualTo(0xABCD0002);
    }

    @Test
    void enterWithNestingLevelCopiesFramePointers() {
        rig.code("c8100002"); // enter 16, 2
        r[Cpu.EBP] = 0x70000;
        rig.ram.write32(0x70000 - 4, 0xAAAA);
        rig.run(1);
        int frame = CpuRig.STACK - 4;
        assertThat(rig.read32(CpuRig.STACK - 4)).isEqualTo(0x70000);   // old EBP
        assertThat(rig.read32(CpuRig.STACK - 8)).isEqualTo(0xAAAA);    // copied from [EBP-4]
        assertThat(rig.read32(CpuRig.STACK - 12)).isEqualTo(frame);    // new frame pointer
        assertThat(r[Cpu.EBP]).isEqualTo(frame);
        assertThat(r[Cpu.ESP]).isEqualTo(CpuRig.STACK - 12 - 16);
    }

    @Test
    void enterLeave() {
        rig.code("c8080000" + "c9");
        r[Cpu.EBP] = 0x1234;
        rig.run(1);
        assertThat(r[Cpu.EBP]).isEqualTo(CpuRig.STACK - 4);
        assertThat(r[Cpu.ESP]).isEqualTo(CpuRig.STACK - 12);
        rig.run(1);
        assertThat(r[Cpu.EBP]).isEqualTo(0x1234);
        assertThat(r[Cpu.ESP]).isEqualTo(CpuRig.STACK);
    }

    @Test
    void callRetAndRetImm() {
        // 1000: call 1010 ; 1005: nop ... 1010: ret 8
        rig.code("e80b000000").bytes(0x1010, "c20800");
        rig.run(1);
        assertThat(rig.cpu.eip).isEqualTo(0x1010);
        assertThat(rig.read32(CpuRig.STACK - 4)).isEqualTo(0x1005);
        rig.run(1);
        assertThat(rig.cpu.eip).isEqualTo(0x1005);
        assertThat(r[Cpu.ESP]).isEqualTo(CpuRig.STACK + 8);
    }

    @Test
    void indirectCallAndJump() {
        rig.code("ff1500200000").bytes(0x3000, "ffe0");
        rig.ram.write32(0x2000, 0x3000);
        r[Cpu.EAX] = 0x4000;
        rig.run(2);
        assertThat(rig.cpu.eip).isEqualTo(0x4000);
        assertThat(rig.read32(CpuRig.STACK - 4)).isEqualTo(0x1006);
    }

    @Test
    void jccTakenAndNotTaken() {
        rig.code("39c0" + "7402" + "9090" + "7502" + "f4");
        rig.run(2);
        assertThat(rig.cpu.eip).isEqualTo(0x1006);
        rig.run(1);
        assertThat(rig.cpu.eip).isEqualTo(0x1008);
    }

    @Test
    void signedConditionsAfterCompare() {
        // cmp eax, ebx ; setl cl ; setg dl ; setb bl(after) ...
        rig.code("39d8" + "0f9cc1" + "0f9fc2" + "0f92c6");
        r[Cpu.EAX] = -1;
        r[Cpu.EBX] = 1;
        rig.run(4);
        assertThat(r[Cpu.ECX] & 0xFF).isEqualTo(1);  // -1 < 1 signed
        assertThat(r[Cpu.EDX] & 0xFF).isZero();
        assertThat((r[Cpu.EDX] >> 8) & 0xFF).isZero(); // 0xFFFFFFFF is not below 1
    }

    @Test
    void loopAndJecxz() {
        rig.code("e2fe" + "e302");
        r[Cpu.ECX] = 5;
        rig.run(5);
        assertThat(r[Cpu.ECX]).isZero();
        assertThat(rig.cpu.eip).isEqualTo(0x1002);
        rig.run(1);
        assertThat(rig.cpu.eip).isEqualTo(0x1006);
    }

    @Test
    void boundRaisesBr() {
        rig.code("620500200000");
        rig.ram.write32(0x2000, 0);
        rig.ram.write32(0x2004, 10);
        r[Cpu.EAX] = 11;
        assertThat(rig.fault().vector).isEqualTo(Vectors.BR);
        r[Cpu.EAX] = 10;
        rig.run(1);
        assertThat(rig.cpu.eip).isEqualTo(0x1006);
    }
}
