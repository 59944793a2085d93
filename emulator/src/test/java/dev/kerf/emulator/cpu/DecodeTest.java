package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.cpu.decode.InstructionLength;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DecodeTest {
    private final CpuRig rig = new CpuRig();

    private static int length(String hex) {
        return InstructionLength.of(HexFormat.of().parseHex(hex), 0);
    }

    @Test
    void lengthsOfCommonEncodings() {
        assertThat(length("01d8")).isEqualTo(2);
        assertThat(length("8d448b08")).isEqualTo(4);
        assertThat(length("0fb60500200000")).isEqualTo(7);
        assertThat(length("c7442404efbeadde")).isEqualTo(8);
        assertThat(length("66c7050020000034 12".replace(" ", ""))).isEqualTo(9);
        assertThat(length("f6c101")).isEqualTo(3);      // test cl, 1
        assertThat(length("f6d1")).isEqualTo(2);        // not cl
        assertThat(length("c8080000")).isEqualTo(4);
        assertThat(length("ea001000000800")).isEqualTo(7);
        assertThat(length("a100200000")).isEqualTo(5);
        assertThat(length("67a10020")).isEqualTo(4);
        assertThat(length("0f8500010000")).isEqualTo(6);
        assertThat(length("8b042500200000")).isEqualTo(7); // SIB, no base
        assertThat(length("662e0f1f840000000000")).isEqualTo(10);
        assertThat(length("0f20c0")).isEqualTo(3);
        assertThat(length("0f2000")).isEqualTo(3);      // mod ignored for MOV CRn
    }

    @Test
    void rejectedEncodings() {
        assertThat(length("0f0b")).isEqualTo(-1);       // UD2
        assertThat(length("d90500200000")).isEqualTo(6); // x87 FLD m32 (decoded since the x87 was wired in)
        assertThat(length("db0d00200000")).isEqualTo(-1); // FISTTP m32: SSE3, not reported by CPUID
        assertThat(length("ddf0")).isEqualTo(-1);       // DD /6 with a register operand
        assertThat(length("0f2800")).isEqualTo(-1);     // SSE
        assertThat(length("f001d8")).isEqualTo(-1);     // LOCK with a register destination
        assertThat(length("f03905 00200000".replace(" ", ""))).isEqualTo(-1); // LOCK CMP
        assertThat(length("8dc0")).isEqualTo(-1);       // LEA with a register operand
        assertThat(length("fff8")).isEqualTo(-1);       // FF /7
        assertThat(length("ffd8")).isEqualTo(-1);       // CALLF with a register operand
        assertThat(length("8ec8")).isEqualTo(-1);       // MOV CS, r
        assertThat(length("0f2028")).isEqualTo(-1);     // MOV r, CR5
        assertThat(length("01")).isEqualTo(-1);         // truncated
        assertThat(length("666666666666666666666666666601d8")).isEqualTo(-1); // 15+ bytes
    }

    @Test
    void hintNopsDoNothingInEveryModrmForm() {
        assertThat(length("f30f1efb")).isEqualTo(4);     // ENDBR32 (glibc's CET builds)
        assertThat(length("0f1e0090")).isEqualTo(3);     // 0F 1E /0 m: address only (a byte follows: the reader wants one past [eax])
        assertThat(length("0f198000100000")).isEqualTo(7);
        // ENDBR32, then a hint NOP whose memory operand points past RAM: neither touches anything
        rig.code("f30f1efb 0f1d0500000080 90".replace(" ", ""));
        int eax = rig.cpu.reg[0], flags = rig.flags();
        rig.step();
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 4);
        rig.step();
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 11);
        assertThat(rig.cpu.reg[0]).isEqualTo(eax);
        assertThat(rig.flags()).isEqualTo(flags);
    }

    @Test
    void unsupportedOpcodeRaisesUd() {
        rig.code("0f0b");
        assertThat(rig.fault().vector).isEqualTo(Vectors.UD);
        rig.cpu.eip = CpuRig.CODE;
        rig.code("dd2d00200000"); // DD /5 with a memory operand: reserved x87 encoding
        assertThat(rig.fault().vector).isEqualTo(Vectors.UD);
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE);
    }

    @Test
    void ud2RaisesUd() {
        rig.code("0f0b");
        assertThat(rig.fault().vector).isEqualTo(Vectors.UD);
    }

    @Test
    void lockOnRegisterOperandRaisesUd() {
        rig.code("f001d8");
        assertThat(rig.fault().vector).isEqualTo(Vectors.UD);
    }

    @Test
    void lockOnNonLockableInstructionRaisesUd() {
        rig.code("f090");
        assertThat(rig.fault().vector).isEqualTo(Vectors.UD);
    }

    @Test
    void instructionLongerThan15BytesRaisesGp() {
        rig.code("66666666666666666666666666" + "050100"); // 13 prefixes + add ax, imm16 = 16 bytes
        CpuFault f = rig.fault();
        assertThat(f.vector).isEqualTo(Vectors.GP);
        assertThat(f.errorCode).isZero();
    }

    @Test
    void fifteenByteInstructionExecutes() {
        rig.code("666666666666666666666666" + "050100"); // 12 prefixes + 3 = 15 bytes
        rig.r[Cpu.EAX] = 0x10000;
        rig.run(1);
        assertThat(rig.r[Cpu.EAX]).isEqualTo(0x10001);
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 15);
    }

    @Test
    void nopFormsAndPause() {
        rig.code("0f1f4000" + "660f1f440000" + "f390" + "90");
        rig.run(4);
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 4 + 6 + 2 + 1);
    }

    @Test
    void executorAndLengthTableAgreeOnFetchedLength() {
        String[] samples = {"01d8", "8d448b08", "0fb60500200000", "c7442404efbeadde", "6bc30a",
                "f7c200010000", "c1e203", "0fa4d804", "0fba2d0020000005", "8b042500200000"};
        for (String s : samples) {
            CpuRig r = new CpuRig().code(s);
            r.r[Cpu.ESP] = CpuRig.STACK;
            r.r[Cpu.EBX] = 0x3000;
            r.r[Cpu.ECX] = 1;
            r.run(1);
            assertThat(r.cpu.eip).as(s).isEqualTo(CpuRig.CODE + length(s));
        }
    }

    @Test
    void sixteenBitCodeSegmentDefaults() {
        rig.cpu.seg[Cpu.CS].set(0x08, 0, 0xFFFFFFFF, 0x009B); // D = 0
        rig.code("b83412" + "66b878563412" + "8b07" + "678b0500200000");
        rig.r[Cpu.EBX] = 0x2000;
        rig.ram.write32(0x2000, 0xCAFEBABE);
        rig.r[Cpu.EAX] = 0xFFFF0000;
        rig.run(1);
        assertThat(rig.r[Cpu.EAX]).isEqualTo(0xFFFF1234);
        rig.run(1);
        assertThat(rig.r[Cpu.EAX]).isEqualTo(0x12345678);
        rig.run(1); // mov ax, [bx]
        assertThat(rig.r[Cpu.EAX]).isEqualTo(0x1234BABE);
        rig.run(1); // mov ax, [0x2000] with a 32-bit address
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 3 + 6 + 2 + 7);
        byte[] code = HexFormat.of().parseHex("b83412");
        assertThat(InstructionLength.of(code, 0, false)).isEqualTo(3);
        assertThat(InstructionLength.of(HexFormat.of().parseHex("8b4702"), 0, false)).isEqualTo(3);
    }

    @Test
    void selfModifyingCodeIsSeen() {
        // mov byte [0x1007], 0x40 (inc eax) ; nop (gets replaced)
        rig.code("c60507100000" + "40" + "90");
        rig.run(2);
        assertThat(rig.r[Cpu.EAX]).isEqualTo(1);
    }
}
