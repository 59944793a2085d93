package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.Flags.CF;
import static dev.kerf.emulator.cpu.Flags.ZF;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MoveTest {
    private final CpuRig rig = new CpuRig();
    private final int[] r = rig.r;

    @Test
    void movForms() {
        rig.code("b878563412" + "a300200000" + "a000200000" + "c6050020000007" + "8b0424");
        rig.ram.write32(CpuRig.STACK, 0xCAFE);
        rig.run(2);
        assertThat(rig.read32(0x2000)).isEqualTo(0x12345678);
        r[Cpu.EAX] = 0;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x78);
        rig.run(1);
        assertThat(rig.read32(0x2000)).isEqualTo(0x12345607);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0xCAFE);
    }

    @Test
    void leaWithSibAndDisplacement() {
        rig.code("8d448b08"); // lea eax, [ebx+ecx*4+8]
        r[Cpu.EBX] = 0x100;
        r[Cpu.ECX] = 3;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x114);
    }

    @Test
    void sixteenBitAddressingWrapsAt64K() {
        rig.code("678b00"); // mov eax, [bx+si]
        r[Cpu.EBX] = 0xFFFF;
        r[Cpu.ESI] = 0x2001;
        rig.ram.write32(0x2000, 0xBEEF);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0xBEEF);
    }

    @Test
    void segmentOverrideAddsBase() {
        rig.cpu.seg[Cpu.FS].set(0x18, 0x3000, 0xFFFFFFFF, 0x4C93);
        rig.code("64a100000000"); // mov eax, fs:[0]
        rig.ram.write32(0x3000, 77);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(77);
    }

    @Test
    void segmentLimitIsCheckedForNonFlatSegments() {
        rig.cpu.seg[Cpu.DS].set(0x18, 0, 0xFFF, 0x4093);
        rig.code("8b0500200000"); // mov eax, [0x2000]
        CpuFault f = rig.fault();
        assertThat(f.vector).isEqualTo(Vectors.GP);
        assertThat(f.errorCode).isZero();
    }

    @Test
    void leaIsNotLimitChecked() {
        rig.cpu.seg[Cpu.DS].set(0x18, 0, 0xFFF, 0x4093);
        rig.code("8d0500200000" + "8b0500200000"); // lea eax, [0x2000]; mov eax, [0x2000]
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x2000);
        assertThat(rig.fault().vector).isEqualTo(Vectors.GP);
    }

    @Test
    void movzxMovsx() {
        rig.code("0fb60500200000" + "0fbf0500200000" + "660fb6c3"); // movzx eax,byte; movsx eax,word; movzx ax,bl
        rig.ram.write32(0x2000, 0x8081);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x81);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0xFFFF8081);
        r[Cpu.EBX] = 0xFE;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0xFFFF00FE);
    }

    @Test
    void xchgCmpxchgXadd() {
        rig.code("93" + "0fb10d00200000" + "0fb10d00200000" + "0fc1d8");
        r[Cpu.EAX] = 1;
        r[Cpu.EBX] = 2;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(2);
        assertThat(r[Cpu.EBX]).isEqualTo(1);
        rig.ram.write32(0x2000, 2);
        r[Cpu.ECX] = 9;
        rig.run(1); // equal: [0x2000] = ecx
        assertThat(rig.read32(0x2000)).isEqualTo(9);
        assertThat(rig.arith() & ZF).isEqualTo(ZF);
        rig.run(1); // not equal: eax = [0x2000]
        assertThat(r[Cpu.EAX]).isEqualTo(9);
        assertThat(rig.arith() & ZF).isZero();
        r[Cpu.EAX] = 5;
        r[Cpu.EBX] = 7;
        rig.run(1); // xadd eax, ebx
        assertThat(r[Cpu.EAX]).isEqualTo(12);
        assertThat(r[Cpu.EBX]).isEqualTo(5);
    }

    @Test
    void cmpxchg8b() {
        rig.code("0fc70d00200000" + "0fc70d00200000");
        rig.ram.write32(0x2000, 1);
        rig.ram.write32(0x2004, 2);
        r[Cpu.EAX] = 1;
        r[Cpu.EDX] = 2;
        r[Cpu.EBX] = 3;
        r[Cpu.ECX] = 4;
        rig.run(1);
        assertThat(rig.read32(0x2000)).isEqualTo(3);
        assertThat(rig.read32(0x2004)).isEqualTo(4);
        assertThat(rig.arith() & ZF).isEqualTo(ZF);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(3);
        assertThat(r[Cpu.EDX]).isEqualTo(4);
        assertThat(rig.arith() & ZF).isZero();
    }

    @Test
    void cbwCwdeCwdCdqBswap() {
        rig.code("6698" + "98" + "6699" + "99" + "0fc8");
        r[Cpu.EAX] = 0x80;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0xFF80);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0xFFFFFF80);
        r[Cpu.EDX] = 0x12340000;
        rig.run(1);
        assertThat(r[Cpu.EDX]).isEqualTo(0x1234FFFF);
        rig.run(1);
        assertThat(r[Cpu.EDX]).isEqualTo(-1);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x80FFFFFF);
    }

    @Test
    void cmovAndSetcc() {
        rig.code("39c0" + "0f44c3" + "0f95c1"); // cmp eax,eax; cmovz eax,ebx; setnz cl
        r[Cpu.EBX] = 42;
        r[Cpu.ECX] = 0xFFFF;
        rig.run(3);
        assertThat(r[Cpu.EAX]).isEqualTo(42);
        assertThat(r[Cpu.ECX]).isEqualTo(0xFF00);
    }

    @Test
    void xlatAndLahfSahf() {
        rig.code("d7" + "f9" + "9f" + "9e");
        r[Cpu.EBX] = 0x2000;
        r[Cpu.EAX] = 3;
        rig.ram.write8(0x2003, 0x5A);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x5A);
        rig.run(2);
        assertThat((r[Cpu.EAX] >> 8) & 0xFF & CF).isEqualTo(CF);
        r[Cpu.EAX] = 0x4000; // AH = ZF only
        rig.run(1);
        assertThat(rig.arith()).isEqualTo(ZF);
    }
}
