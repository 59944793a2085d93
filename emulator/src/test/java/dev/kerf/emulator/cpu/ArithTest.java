package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.Flags.AF;
import static dev.kerf.emulator.cpu.Flags.CF;
import static dev.kerf.emulator.cpu.Flags.OF;
import static dev.kerf.emulator.cpu.Flags.PF;
import static dev.kerf.emulator.cpu.Flags.SF;
import static dev.kerf.emulator.cpu.Flags.ZF;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArithTest {
    private final CpuRig rig = new CpuRig();
    private final int[] r = rig.r;

    @Test
    void add32SetsCarryZeroParityAndAuxiliary() {
        rig.code("01d8"); // add eax, ebx
        r[Cpu.EAX] = 0xFFFFFFFF;
        r[Cpu.EBX] = 1;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isZero();
        assertThat(rig.arith()).isEqualTo(CF | ZF | PF | AF);
    }

    @Test
    void add32SignedOverflow() {
        rig.code("01d8");
        r[Cpu.EAX] = 0x7FFFFFFF;
        r[Cpu.EBX] = 1;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x80000000);
        assertThat(rig.arith()).isEqualTo(OF | SF | AF | PF);
    }

    @Test
    void add16WithOperandSizePrefixLeavesUpperHalf() {
        rig.code("66050080"); // add ax, 0x8000
        r[Cpu.EAX] = 0x12348000;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x12340000);
        assertThat(rig.arith()).isEqualTo(CF | ZF | PF | OF);
    }

    @Test
    void add8HighRegister() {
        rig.code("00fc"); // add ah, bh
        r[Cpu.EAX] = 0x0000F000;
        r[Cpu.EBX] = 0x00001000;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0);
        assertThat(rig.arith() & (CF | ZF)).isEqualTo(CF | ZF);
    }

    @Test
    void adcUsesCarryIn() {
        rig.code("f9" + "11d8"); // stc; adc eax, ebx
        r[Cpu.EAX] = 0xFFFFFFFF;
        r[Cpu.EBX] = 0;
        rig.run(2);
        assertThat(r[Cpu.EAX]).isZero();
        assertThat(rig.arith() & (CF | ZF | OF)).isEqualTo(CF | ZF);
    }

    @Test
    void adcWithCarryAndMaximalOperandCarriesOut() {
        rig.code("f9" + "11d8");
        r[Cpu.EAX] = 5;
        r[Cpu.EBX] = 0xFFFFFFFF;
        rig.run(2);
        assertThat(r[Cpu.EAX]).isEqualTo(5);
        assertThat(rig.arith() & CF).isEqualTo(CF);
    }

    @Test
    void sbbBorrowChainsAcross64Bits() {
        // sub eax, ecx; sbb edx, ebx : 0x1_00000000 - 1
        rig.code("29c8" + "19da");
        r[Cpu.EAX] = 0;
        r[Cpu.EDX] = 1;
        r[Cpu.ECX] = 1;
        r[Cpu.EBX] = 0;
        rig.run(2);
        assertThat(r[Cpu.EAX]).isEqualTo(0xFFFFFFFF);
        assertThat(r[Cpu.EDX]).isZero();
        assertThat(rig.arith() & (CF | ZF)).isEqualTo(ZF);
    }

    @Test
    void sbb8WithBorrowInEqualOperandsBorrowsOut() {
        rig.code("f9" + "1c01"); // stc; sbb al, 1
        r[Cpu.EAX] = 1;
        rig.run(2);
        assertThat(r[Cpu.EAX] & 0xFF).isEqualTo(0xFF);
        assertThat(rig.arith() & (CF | SF | ZF)).isEqualTo(CF | SF);
    }

    @Test
    void cmpSetsFlagsWithoutWriting() {
        rig.code("39d8"); // cmp eax, ebx
        r[Cpu.EAX] = 1;
        r[Cpu.EBX] = 2;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(1);
        assertThat(rig.arith()).isEqualTo(CF | SF | PF | AF);
    }

    @Test
    void incPreservesCarryAndSetsOverflow() {
        rig.code("f9" + "40"); // stc; inc eax
        r[Cpu.EAX] = 0x7FFFFFFF;
        rig.run(2);
        assertThat(r[Cpu.EAX]).isEqualTo(0x80000000);
        assertThat(rig.arith()).isEqualTo(CF | OF | SF | AF | PF);
    }

    @Test
    void decToZeroKeepsClearedCarry() {
        rig.code("f8" + "49"); // clc; dec ecx
        r[Cpu.ECX] = 1;
        rig.run(2);
        assertThat(rig.arith()).isEqualTo(ZF | PF);
    }

    @Test
    void negOfZeroClearsCarryNegOfMinOverflows() {
        rig.code("f7d8" + "f7db"); // neg eax; neg ebx
        r[Cpu.EAX] = 0;
        r[Cpu.EBX] = 0x80000000;
        rig.run(1);
        assertThat(rig.arith() & CF).isZero();
        rig.run(1);
        assertThat(r[Cpu.EBX]).isEqualTo(0x80000000);
        assertThat(rig.arith() & (CF | OF)).isEqualTo(CF | OF);
    }

    @Test
    void group1SignExtendedImm8OnMemory() {
        rig.code("830500200000ff"); // add dword [0x2000], -1
        rig.ram.write32(0x2000, 10);
        rig.run(1);
        assertThat(rig.read32(0x2000)).isEqualTo(9);
        assertThat(rig.arith() & CF).isEqualTo(CF);
    }

    @Test
    void lockedAddToMemoryIsAllowed() {
        rig.code("f0010500200000"); // lock add [0x2000], eax
        rig.ram.write32(0x2000, 40);
        r[Cpu.EAX] = 2;
        rig.run(1);
        assertThat(rig.read32(0x2000)).isEqualTo(42);
    }

    @Test
    void logicOpsClearCarryAndOverflow() {
        rig.code("f9" + "21d8" + "09d8" + "31c0"); // stc; and eax,ebx; or eax,ebx; xor eax,eax
        r[Cpu.EAX] = 0xF0;
        r[Cpu.EBX] = 0x0F;
        rig.run(2);
        assertThat(r[Cpu.EAX]).isZero();
        assertThat(rig.arith() & ~AF).isEqualTo(ZF | PF);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x0F);
        rig.run(1);
        assertThat(rig.arith() & ~AF).isEqualTo(ZF | PF);
    }

    @Test
    void testAndNotLeaveOperands() {
        rig.code("85d8" + "f7d0"); // test eax, ebx; not eax
        r[Cpu.EAX] = 0x80000000;
        r[Cpu.EBX] = 0x80000000;
        rig.run(1);
        assertThat(rig.arith() & ~AF).isEqualTo(SF | PF);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x7FFFFFFF);
        assertThat(rig.arith() & ~AF).isEqualTo(SF | PF); // NOT leaves flags
    }
}
