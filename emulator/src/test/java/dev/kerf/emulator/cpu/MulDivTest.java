package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.Flags.CF;
import static dev.kerf.emulator.cpu.Flags.OF;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MulDivTest {
    private final CpuRig rig = new CpuRig();
    private final int[] r = rig.r;

    @Test
    void mul8WritesAxAndFlagsUpperHalf() {
        rig.code("f6e3"); // mul bl
        r[Cpu.EAX] = 0xFFFF0010;
        r[Cpu.EBX] = 0x20;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0xFFFF0200);
        assertThat(rig.arith() & (CF | OF)).isEqualTo(CF | OF);
    }

    @Test
    void mul32Unsigned() {
        rig.code("f7e3"); // mul ebx
        r[Cpu.EAX] = 0xFFFFFFFF;
        r[Cpu.EBX] = 0xFFFFFFFF;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(1);
        assertThat(r[Cpu.EDX]).isEqualTo(0xFFFFFFFE);
        assertThat(rig.arith() & (CF | OF)).isEqualTo(CF | OF);
    }

    @Test
    void imulOneOperandFitsClearsCarry() {
        rig.code("f7eb"); // imul ebx
        r[Cpu.EAX] = -3;
        r[Cpu.EBX] = 7;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(-21);
        assertThat(r[Cpu.EDX]).isEqualTo(-1);
        assertThat(rig.arith() & (CF | OF)).isZero();
    }

    @Test
    void imulTwoAndThreeOperand() {
        rig.code("0fafc3" + "6bc30a"); // imul eax, ebx; imul eax, ebx, 10
        r[Cpu.EAX] = 0x10000;
        r[Cpu.EBX] = 0x10000;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isZero();
        assertThat(rig.arith() & (CF | OF)).isEqualTo(CF | OF);
        r[Cpu.EBX] = -5;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(-50);
        assertThat(rig.arith() & (CF | OF)).isZero();
    }

    @Test
    void imul16ThreeOperandImm16() {
        rig.code("6669c3e803"); // imul ax, bx, 1000
        r[Cpu.EAX] = 0xABCD0000;
        r[Cpu.EBX] = 100;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0xABCD0000 | (100000 & 0xFFFF));
        assertThat(rig.arith() & (CF | OF)).isEqualTo(CF | OF);
    }

    @Test
    void div32AndRemainder() {
        rig.code("f7f3"); // div ebx
        r[Cpu.EDX] = 1;
        r[Cpu.EAX] = 5;
        r[Cpu.EBX] = 2;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0x80000002);
        assertThat(r[Cpu.EDX]).isEqualTo(1);
    }

    @Test
    void divByZeroRaisesDivideErrorAndChangesNothing() {
        rig.code("f7f3");
        r[Cpu.EAX] = 5;
        r[Cpu.EBX] = 0;
        CpuFault f = rig.fault();
        assertThat(f.vector).isEqualTo(Vectors.DE);
        assertThat(r[Cpu.EAX]).isEqualTo(5);
        assertThat(rig.cpu.icount).isZero();
    }

    @Test
    void divQuotientOverflowRaisesDivideError() {
        rig.code("f7f3");
        r[Cpu.EDX] = 2;
        r[Cpu.EBX] = 2;
        assertThat(rig.fault().vector).isEqualTo(Vectors.DE);
    }

    @Test
    void idivMinByMinusOneOverflows() {
        rig.code("f7fb"); // idiv ebx
        r[Cpu.EDX] = 0x80000000;
        r[Cpu.EAX] = 0;
        r[Cpu.EBX] = -1;
        assertThat(rig.fault().vector).isEqualTo(Vectors.DE);
        rig.cpu.eip = CpuRig.CODE;
        r[Cpu.EDX] = -1;
        r[Cpu.EAX] = 0x80000000;
        assertThat(rig.fault().vector).isEqualTo(Vectors.DE);
    }

    @Test
    void idiv8RemainderTakesDividendSign() {
        rig.code("f6f9"); // idiv cl
        r[Cpu.EAX] = -7 & 0xFFFF;
        r[Cpu.ECX] = 2;
        rig.run(1);
        assertThat((byte) r[Cpu.EAX]).isEqualTo((byte) -3);
        assertThat((byte) (r[Cpu.EAX] >> 8)).isEqualTo((byte) -1);
    }

    @Test
    void div16UsesDxAx() {
        rig.code("66f7f3"); // div bx
        r[Cpu.EDX] = 0x0001;
        r[Cpu.EAX] = 0x0000;
        r[Cpu.EBX] = 0x0010;
        rig.run(1);
        assertThat(r[Cpu.EAX] & 0xFFFF).isEqualTo(0x1000);
        assertThat(r[Cpu.EDX] & 0xFFFF).isZero();
    }
}
