package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.Flags.CF;
import static dev.kerf.emulator.cpu.Flags.OF;
import static dev.kerf.emulator.cpu.Flags.PF;
import static dev.kerf.emulator.cpu.Flags.SF;
import static dev.kerf.emulator.cpu.Flags.ZF;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShiftTest {
    private final CpuRig rig = new CpuRig();
    private final int[] r = rig.r;

    private void shlEaxByCl(int value, int count) {
        rig.code("d3e0"); // shl eax, cl
        r[Cpu.EAX] = value;
        r[Cpu.ECX] = count;
        rig.run(1);
    }

    @Test
    void countZeroLeavesFlagsAndOperand() {
        rig.code("f9" + "d3e0"); // stc; shl eax, cl
        r[Cpu.EAX] = 0x1234;
        r[Cpu.ECX] = 0;
        rig.run(2);
        assertThat(r[Cpu.EAX]).isEqualTo(0x1234);
        assertThat(rig.arith() & CF).isEqualTo(CF);
    }

    @Test
    void countIsMaskedToFiveBits() {
        shlEaxByCl(0x1234, 32);
        assertThat(r[Cpu.EAX]).isEqualTo(0x1234); // 32 & 31 = 0: nothing happens
        rig.cpu.eip = CpuRig.CODE;
        r[Cpu.ECX] = 33;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x2468);
    }

    @Test
    void shlByOneSetsCarryAndOverflow() {
        shlEaxByCl(0x80000000, 1);
        assertThat(r[Cpu.EAX]).isZero();
        assertThat(rig.arith() & (CF | ZF | OF | PF | SF)).isEqualTo(CF | ZF | OF | PF);
    }

    @Test
    void shlBy31() {
        shlEaxByCl(3, 31);
        assertThat(r[Cpu.EAX]).isEqualTo(0x80000000);
        assertThat(rig.arith() & (CF | SF)).isEqualTo(CF | SF);
    }

    @Test
    void shr8BitByMoreThanSizeGivesZero() {
        rig.code("d2e8"); // shr al, cl
        r[Cpu.EAX] = 0xFF;
        r[Cpu.ECX] = 9;
        rig.run(1);
        assertThat(r[Cpu.EAX] & 0xFF).isZero();
        assertThat(rig.arith() & ZF).isEqualTo(ZF);
    }

    @Test
    void shrByOneOverflowIsOriginalSign() {
        rig.code("d1e8"); // shr eax, 1
        r[Cpu.EAX] = 0x80000001;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x40000000);
        assertThat(rig.arith() & (CF | OF)).isEqualTo(CF | OF);
    }

    @Test
    void sarBy31AndOverflowClear() {
        rig.code("c1f81f"); // sar eax, 31
        r[Cpu.EAX] = 0x80000000;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(-1);
        assertThat(rig.arith() & (CF | OF | SF)).isEqualTo(SF);
    }

    @Test
    void rotateLeavesZeroFlagAlone() {
        rig.code("31c0" + "b001" + "d0c8"); // xor eax,eax (ZF=1); mov al,1; ror al,1
        rig.run(3);
        assertThat(r[Cpu.EAX] & 0xFF).isEqualTo(0x80);
        assertThat(rig.arith() & (CF | ZF | OF)).isEqualTo(CF | ZF | OF);
    }

    @Test
    void rol16ByFour() {
        rig.code("66c1c004"); // rol ax, 4
        r[Cpu.EAX] = 0xAAAA1234;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0xAAAA2341);
        assertThat(rig.arith() & CF).isEqualTo(CF);
    }

    @Test
    void rol8ByEightOnlySetsCarryFromBitZero() {
        rig.code("c0c008"); // rol al, 8
        r[Cpu.EAX] = 0x81;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x81);
        assertThat(rig.arith() & CF).isEqualTo(CF);
    }

    @Test
    void rclThroughCarry() {
        rig.code("f9" + "d01500200000"); // stc; rcl byte [0x2000], 1
        rig.ram.write8(0x2000, 0x80);
        rig.run(2);
        assertThat(rig.ram.read8(0x2000)).isEqualTo(0x01);
        assertThat(rig.arith() & (CF | OF)).isEqualTo(CF | OF);
    }

    @Test
    void rcrByOneOverflowFromOriginal() {
        rig.code("f8" + "d1d8"); // clc; rcr eax, 1
        r[Cpu.EAX] = 0x80000001;
        rig.run(2);
        assertThat(r[Cpu.EAX]).isEqualTo(0x40000000);
        assertThat(rig.arith() & (CF | OF)).isEqualTo(CF | OF);
    }

    @Test
    void rcl8By9IsIdentity() {
        rig.code("f9" + "c0d009"); // stc; rcl al, 9
        r[Cpu.EAX] = 0x55;
        rig.run(2);
        assertThat(r[Cpu.EAX]).isEqualTo(0x55);
        assertThat(rig.arith() & CF).isEqualTo(CF);
    }

    @Test
    void shldAndShrd() {
        rig.code("0fa4d804" + "0fadd8"); // shld eax, ebx, 4; shrd eax, ebx, cl
        r[Cpu.EAX] = 0x12345678;
        r[Cpu.EBX] = 0x9ABCDEF0;
        r[Cpu.ECX] = 8;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x23456789);
        assertThat(rig.arith() & CF).isEqualTo(CF);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0xF0234567);
        assertThat(rig.arith() & CF).isEqualTo(CF);
    }
}
