package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.Flags.AF;
import static dev.kerf.emulator.cpu.Flags.CF;
import static dev.kerf.emulator.cpu.Flags.ZF;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BcdBitOpsTest {
    private final CpuRig rig = new CpuRig();
    private final int[] r = rig.r;

    @Test
    void daaAfterPackedAdd() {
        rig.code("04" + "38" + "27"); // add al, 0x38; daa  (0x49 + 0x38 = 0x87 in BCD)
        r[Cpu.EAX] = 0x49;
        rig.run(2);
        assertThat(r[Cpu.EAX] & 0xFF).isEqualTo(0x87);
        assertThat(rig.arith() & CF).isZero();
    }

    @Test
    void daaCarriesOut() {
        rig.code("0499" + "27"); // add al, 0x99; daa (0x99 + 0x99 = 198 -> 0x98 carry)
        r[Cpu.EAX] = 0x99;
        rig.run(2);
        assertThat(r[Cpu.EAX] & 0xFF).isEqualTo(0x98);
        assertThat(rig.arith() & CF).isEqualTo(CF);
    }

    @Test
    void dasAfterPackedSubtract() {
        rig.code("2c" + "09" + "2f"); // sub al, 0x09; das (0x10 - 0x09 = 0x01)
        r[Cpu.EAX] = 0x10;
        rig.run(2);
        assertThat(r[Cpu.EAX] & 0xFF).isEqualTo(0x01);
        assertThat(rig.arith() & (CF | AF)).isEqualTo(AF);
    }

    @Test
    void aaaAndAas() {
        rig.code("0408" + "37"); // add al, 8; aaa  (9 + 8 = 17 -> AH+1, AL 7)
        r[Cpu.EAX] = 0x0009;
        rig.run(2);
        assertThat(r[Cpu.EAX] & 0xFFFF).isEqualTo(0x0107);
        assertThat(rig.arith() & (CF | AF)).isEqualTo(CF | AF);
    }

    @Test
    void aamAadAndAamZero() {
        rig.code("d40a" + "d50a" + "d400");
        r[Cpu.EAX] = 57;
        rig.run(1);
        assertThat(r[Cpu.EAX] & 0xFFFF).isEqualTo(0x0507);
        rig.run(1);
        assertThat(r[Cpu.EAX] & 0xFFFF).isEqualTo(57);
        assertThat(rig.fault().vector).isEqualTo(Vectors.DE);
    }

    @Test
    void btRegisterOffsetAddressesBitString() {
        rig.code("0fa30500200000" + "0fab0500200000"); // bt [0x2000], eax; bts [0x2000], eax
        rig.ram.write32(0x2004, 1 << 3);
        r[Cpu.EAX] = 35; // dword 1, bit 3
        rig.run(1);
        assertThat(rig.arith() & CF).isEqualTo(CF);
        r[Cpu.EAX] = -1; // dword -1 (0x1FFC), bit 31
        rig.run(1);
        assertThat(rig.read32(0x1FFC)).isEqualTo(0x80000000);
        assertThat(rig.arith() & CF).isZero();
    }

    @Test
    void btImmediateIsModuloSizeAndZfUnchanged() {
        rig.code("31c0" + "0fba2d0020000025"); // xor eax,eax; bts dword [0x2000], 37
        rig.run(2);
        assertThat(rig.read32(0x2000)).isEqualTo(1 << 5);
        assertThat(rig.arith() & (CF | ZF)).isEqualTo(ZF);
    }

    @Test
    void btrBtcOnRegisters() {
        rig.code("0fb3c8" + "0fbbc8"); // btr eax, ecx; btc eax, ecx
        r[Cpu.EAX] = 0xFF;
        r[Cpu.ECX] = 32 + 4;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0xEF);
        assertThat(rig.arith() & CF).isEqualTo(CF);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(0xFF);
        assertThat(rig.arith() & CF).isZero();
    }

    @Test
    void bsfBsr() {
        rig.code("0fbcc3" + "0fbdc3" + "0fbcc1");
        r[Cpu.EBX] = 0x00F00100;
        r[Cpu.ECX] = 0;
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(8);
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(23);
        assertThat(rig.arith() & ZF).isZero();
        rig.run(1);
        assertThat(r[Cpu.EAX]).isEqualTo(23); // unchanged for a zero source
        assertThat(rig.arith() & ZF).isEqualTo(ZF);
    }
}
