package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.cpu.fpu.F80;
import dev.kerf.emulator.cpu.fpu.FpuState;
import dev.kerf.emulator.snapshot.CpuStateCodec;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The x87 through the real decoder and executor: every family, memory operands, faults, state capture. */
class X87CpuTest {
    private static final int M = CpuRig.DATA; // memory operands
    private final CpuRig rig = new CpuRig();
    private final FpuState fpu = rig.cpu.fpu;

    /** Little-endian hex of an address for disp32 operands. */
    private static String a(int addr) {
        return String.format("%02x %02x %02x %02x", addr & 0xFF, addr >>> 8 & 0xFF, addr >>> 16 & 0xFF, addr >>> 24);
    }

    private void steps(int n) {
        for (int i = 0; i < n; i++) rig.step();
    }

    private long read64(int addr) {
        return (rig.read32(addr) & 0xFFFFFFFFL) | (long) rig.read32(addr + 4) << 32;
    }

    @Test
    void doubleArithmeticThroughMemory() {
        // fld1; fld1; faddp; fstp qword [M]
        rig.code("d9 e8 d9 e8 de c1 dd 1d " + a(M));
        steps(4);
        assertThat(read64(M)).isEqualTo(0x4000000000000000L); // 2.0
        assertThat(fpu.isEmpty(0)).isTrue();
        assertThat(fpu.top()).isZero();
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 12);
    }

    @Test
    void integerLoadMultiplyStore() {
        rig.cpu.memory.write32(M, 7);
        rig.cpu.memory.write32(M + 4, 6);
        // fild dword [M]; fimul dword [M+4]; fistp dword [M+8]
        rig.code("db 05 " + a(M) + " da 0d " + a(M + 4) + " db 1d " + a(M + 8));
        steps(3);
        assertThat(rig.read32(M + 8)).isEqualTo(42);
        assertThat(fpu.isEmpty(0)).isTrue();
    }

    @Test
    void singleDivideAndSixteenBitInteger() {
        rig.cpu.memory.write32(M, 0x3F800000);     // 1.0f
        rig.cpu.memory.write32(M + 4, 0x40800000); // 4.0f
        rig.cpu.memory.write16(M + 8, -3);
        // fld dword [M]; fdiv dword [M+4]; fstp dword [M+12]; fild word [M+8]; fistp word [M+16]
        rig.code("d9 05 " + a(M) + " d8 35 " + a(M + 4) + " d9 1d " + a(M + 12) + " df 05 " + a(M + 8)
                + " df 1d " + a(M + 16));
        steps(5);
        assertThat(rig.read32(M + 12)).isEqualTo(0x3E800000); // 0.25f
        assertThat(rig.cpu.memory.read16(M + 16)).isEqualTo(0xFFFD);
    }

    @Test
    void registerFormsAndReversedOperands() {
        rig.cpu.memory.write32(M, 10);
        rig.cpu.memory.write32(M + 4, 3);
        // fild [M] (10); fild [M+4] (3): ST0=3 ST1=10; dc e9 = fsub st(1), st(0): ST1 = 10-3 = 7
        // de f9 = fdivp st(1), st(0): ST1 = 7/... no: pop first: fstp st(0) leaves ST0 = 7
        rig.code("db 05 " + a(M) + " db 05 " + a(M + 4) + " dc e9 dd d8 db 1d " + a(M + 8));
        steps(5);
        assertThat(rig.read32(M + 8)).isEqualTo(7);
        // fild 10, fild 3; de f9 = fdivp st(1),st(0): ST1 = 10/3, pop; fistp (round to nearest) = 3
        rig.cpu.eip = CpuRig.CODE;
        rig.code("db 05 " + a(M) + " db 05 " + a(M + 4) + " de f9 db 1d " + a(M + 8));
        steps(4);
        assertThat(rig.read32(M + 8)).isEqualTo(3);
        // de f1 = fdivrp st(1), st(0): ST1 = ST0 / ST1 = 3/10 -> 0 after rounding; fchs, fabs, fxch
        rig.cpu.eip = CpuRig.CODE;
        rig.code("db 05 " + a(M) + " db 05 " + a(M + 4) + " de f1 d9 e0 db 1d " + a(M + 8));
        steps(5);
        assertThat(rig.read32(M + 8)).isEqualTo(0); // -0.3 rounds to 0
        assertThat(fpu.top()).isZero();
    }

    @Test
    void sqrtConstantsExchangeAndStatusWord() {
        rig.cpu.memory.write32(M, 16);
        // fild [M]; fsqrt; fld1; fxch st(1); fistp [M+4] (4); fistp [M+8] (1)
        rig.code("db 05 " + a(M) + " d9 fa d9 e8 d9 c9 db 1d " + a(M + 4) + " db 1d " + a(M + 8));
        steps(6);
        assertThat(rig.read32(M + 4)).isEqualTo(4);
        assertThat(rig.read32(M + 8)).isEqualTo(1);
        // fldz; fld1; fcom st(1); fnstsw ax: 1 > 0 -> C3=C2=C0=0; fcompp: ftst on empty -> C3 C2 C0 set
        rig.cpu.eip = CpuRig.CODE;
        rig.code("d9 ee d9 e8 d8 d1 df e0");
        steps(4);
        assertThat(rig.r[Cpu.EAX] & 0x4500).isZero();
        assertThat(rig.r[Cpu.EAX] >> 11 & 7).isEqualTo(6); // TOP after two pushes
        rig.cpu.eip = CpuRig.CODE;
        rig.code("de d9 d9 e4 df e0"); // fcompp; ftst (empty: invalid, unordered); fnstsw ax
        steps(3);
        assertThat(rig.r[Cpu.EAX] & 0x4541).isEqualTo(0x4541); // C3 C2 C0 and IE
    }

    @Test
    void fcomiSetsEflagsAndFcmovReadsThem() {
        // fld1; fldz; fcomi st(1) (0 < 1: CF); fcmovb st(1) (taken: ST0 = 1); fistp [M]
        rig.code("d9 e8 d9 ee db f1 da c1 db 1d " + a(M));
        rig.cpu.setEflags(0x2 | Flags.ZF | Flags.OF | Flags.SF);
        steps(3);
        assertThat(rig.flags() & (Flags.CF | Flags.ZF | Flags.PF | Flags.OF | Flags.SF | Flags.AF)).isEqualTo(Flags.CF);
        steps(2);
        assertThat(rig.read32(M)).isEqualTo(1);
        // fcomip pops: fld1; fld1; df f1 -> ZF, one register left
        rig.cpu.eip = CpuRig.CODE;
        rig.code("db e3 d9 e8 d9 e8 df f1");
        steps(4);
        assertThat(rig.flags() & (Flags.CF | Flags.ZF | Flags.PF)).isEqualTo(Flags.ZF);
        assertThat(fpu.isEmpty(1)).isTrue();
        assertThat(fpu.isEmpty(0)).isFalse();
    }

    @Test
    void extendedAndBcdLoadsAndStoresAreExact() {
        byte[] pi = new byte[10];
        new F80(0x4000, 0xC90FDAA22168C235L).store(pi, 0);
        rig.ram.load(M, pi, 0, 10);
        byte[] bcd = {0x21, 0x43, 0x65, (byte) 0x87, 0, 0, 0, 0, 0, (byte) 0x80}; // -87654321
        rig.ram.load(M + 16, bcd, 0, 10);
        // fld tbyte [M]; fstp tbyte [M+32]; fbld [M+16]; fbstp [M+48]
        rig.code("db 2d " + a(M) + " db 3d " + a(M + 32) + " df 25 " + a(M + 16) + " df 35 " + a(M + 48));
        steps(4);
        byte[] out = new byte[10], outBcd = new byte[10];
        for (int i = 0; i < 10; i++) {
            out[i] = (byte) rig.cpu.memory.read8(M + 32 + i);
            outBcd[i] = (byte) rig.cpu.memory.read8(M + 48 + i);
        }
        assertThat(out).isEqualTo(pi);
        assertThat(outBcd).isEqualTo(bcd);
    }

    @Test
    void controlWordAndPointers() {
        rig.cpu.memory.write16(M, 0x0C7F); // round toward zero
        rig.cpu.memory.write32(M + 4, 0x40400000); // 3.0f
        rig.cpu.memory.write32(M + 8, 0x40000000); // 2.0f
        // fldcw [M]; fld dword [M+4]; fdiv dword [M+8] (1.5); fistp [M+12] (1 under RC=zero); fnstcw [M+16]
        rig.code("d9 2d " + a(M) + " d9 05 " + a(M + 4) + " d8 35 " + a(M + 8) + " db 1d " + a(M + 12)
                + " d9 3d " + a(M + 16));
        steps(5);
        assertThat(rig.read32(M + 12)).isEqualTo(1);
        assertThat(rig.cpu.memory.read16(M + 16)).isEqualTo(0x0C7F);
        // the last non-control instruction was the FISTP at CODE+18 with operand DS:M+12; FNSTCW did not change them
        assertThat(fpu.fip).isEqualTo(CpuRig.CODE + 18);
        assertThat(fpu.fcs).isEqualTo(0x08);
        assertThat(fpu.fdp).isEqualTo(M + 12);
        assertThat(fpu.fds).isEqualTo(0x10);
        assertThat(fpu.fop).isEqualTo(0x31D); // DB 1D: (DB & 7) << 8 | modrm
        // a segment override is recorded: fld dword fs:[M+4] with FS selector 0x33
        rig.cpu.seg[Cpu.FS].set(0x33, 0, 0xFFFFFFFF, 0x4C93);
        rig.cpu.eip = CpuRig.CODE;
        rig.code("64 d9 05 " + a(M + 4));
        rig.step();
        assertThat(fpu.fds).isEqualTo(0x33);
        assertThat(fpu.fip).isEqualTo(CpuRig.CODE); // the prefix is part of the instruction
    }

    @Test
    void saveRestoreEnvAndInit() {
        // fld1; fldpi; fnsave [M]; (initialized) fld1 ; frstor [M]
        rig.code("d9 e8 d9 eb dd 35 " + a(M) + " d9 e8 dd 25 " + a(M));
        steps(2);
        byte[] before = fpu.image();
        rig.step(); // FNSAVE
        assertThat(fpu.top()).isZero();
        assertThat(fpu.isEmpty(0)).isTrue();
        assertThat(fpu.cw).isEqualTo(0x37F);
        assertThat(rig.cpu.memory.read16(M)).isEqualTo(0x37F);
        assertThat(rig.cpu.memory.read16(M + 8)).isEqualTo(0x0FFF); // tag word: physical 6 and 7 valid, the rest empty
        steps(2);
        assertThat(fpu.image()).isEqualTo(before);
        // fnstenv masks every exception; fldenv puts the control word back
        fpu.cw = 0x0360;
        rig.cpu.eip = CpuRig.CODE;
        rig.code("d9 35 " + a(M + 200) + " d9 25 " + a(M + 200));
        rig.step();
        assertThat(fpu.cw).isEqualTo(0x037F);
        assertThat(rig.cpu.memory.read16(M + 200)).isEqualTo(0x0360);
        rig.step();
        assertThat(fpu.cw).isEqualTo(0x0360);
        // 16-bit operand size: the 14-byte environment
        rig.cpu.memory.write32(M + 300 + 14, 0xA5A5A5A5);
        rig.cpu.eip = CpuRig.CODE;
        rig.code("66 d9 35 " + a(M + 300));
        rig.step();
        assertThat(rig.cpu.memory.read16(M + 300)).isEqualTo(0x0360);
        assertThat(rig.read32(M + 314)).isEqualTo(0xA5A5A5A5);
        // fninit, fnclex
        fpu.setStatusWord(0x80FF);
        rig.cpu.eip = CpuRig.CODE;
        rig.code("db e2");
        rig.step();
        assertThat(fpu.statusWord()).isZero();
        fpu.cw = 0;
        rig.cpu.eip = CpuRig.CODE;
        rig.code("db e3");
        rig.step();
        assertThat(fpu.cw).isEqualTo(0x37F);
    }

    @Test
    void undefinedEncodingsRaiseUd() {
        for (String hex : new String[] {"d9 d1", "d9 e2", "d9 ef", "da e8", "db e5", "dd f0", "de d8", "df e1", "df f8",
                "db 0d " + a(M), "dd 0d " + a(M), "df 0d " + a(M), "d9 0d " + a(M), "db 25 " + a(M), "dd 2d " + a(M)}) {
            rig.cpu.eip = CpuRig.CODE;
            rig.code(hex + " 90 90 90 90 90 90");
            assertThat(rig.fault().vector).as(hex).isEqualTo(Vectors.UD);
        }
        assertThat(fpu.top()).isZero();
    }

    @Test
    void emulationAndTaskSwitchedRaiseNm() {
        rig.code("d9 e8");
        rig.cpu.cr0 |= SystemOps.CR0_EM;
        assertThat(rig.fault().vector).isEqualTo(Vectors.NM);
        rig.cpu.cr0 = 1 | SystemOps.CR0_TS;
        assertThat(rig.fault().vector).isEqualTo(Vectors.NM);
        assertThat(fpu.isEmpty(0)).isTrue();
        // WAIT: #NM only when MP and TS are both set
        rig.code("9b");
        rig.step();
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 1);
        rig.cpu.eip = CpuRig.CODE;
        rig.cpu.cr0 |= SystemOps.CR0_MP;
        assertThat(rig.fault().vector).isEqualTo(Vectors.NM);
        rig.cpu.cr0 = 1 | SystemOps.CR0_MP;
        rig.step();
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 1);
    }

    @Test
    void pendingUnmaskedExceptionRaisesMfOnTheNextWaitingInstruction() {
        rig.cpu.cr0 = 1 | SystemOps.CR0_NE;
        rig.cpu.memory.write16(M, 0x037B); // ZE unmasked
        // fldcw; fld1; fldz; fdivp st(1), st(0) (1/0: ZE, unmasked -> pending)
        rig.code("d9 2d " + a(M) + " d9 e8 d9 ee de f9");
        steps(4);
        assertThat(fpu.statusWord() & (FpuState.ES | 0x04)).isEqualTo(FpuState.ES | 0x04);
        int faultingIp = fpu.fip;
        // the next waiting instruction faults before doing anything
        rig.cpu.eip = CpuRig.CODE + 0x40;
        rig.bytes(CpuRig.CODE + 0x40, "d9 e8 9b df e0 db e3");
        int top = fpu.top();
        assertThat(rig.fault().vector).isEqualTo(Vectors.MF);
        assertThat(fpu.top()).isEqualTo(top);
        assertThat(fpu.fip).isEqualTo(faultingIp); // the handler sees the instruction that raised it
        rig.cpu.eip = CpuRig.CODE + 0x42;
        assertThat(rig.fault().vector).isEqualTo(Vectors.MF); // WAIT
        rig.cpu.eip = CpuRig.CODE + 0x43;
        rig.step(); // FNSTSW AX does not wait
        assertThat(rig.r[Cpu.EAX] & 0x80).isEqualTo(0x80);
        // NE=0: no FERR#/IRQ 13 wiring, the instruction runs (IGNNE# behaviour)
        rig.cpu.cr0 = 1;
        rig.cpu.eip = CpuRig.CODE + 0x40;
        rig.step();
        assertThat(fpu.top()).isEqualTo((top - 1) & 7);
        rig.cpu.cr0 = 1 | SystemOps.CR0_NE;
        assertThat(rig.fault().vector).isEqualTo(Vectors.MF); // WAIT still sees the pending exception
        rig.cpu.eip = CpuRig.CODE + 0x45;
        rig.step(); // FNINIT does not wait and clears it
        assertThat(fpu.statusWord()).isZero();
        rig.cpu.eip = CpuRig.CODE + 0x42;
        rig.step();
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 0x43);
    }

    /** Maps the first MiB one to one except the page at {@code hole}, and turns paging on. */
    private void pageWithHole(int hole) {
        int dir = 0x30000, table = 0x31000;
        rig.cpu.memory.write32(dir, table | 3);
        for (int i = 0; i < 256; i++) rig.cpu.memory.write32(table + 4 * i, i << 12 == hole ? 0 : i << 12 | 3);
        rig.cpu.cr3 = dir;
        rig.cpu.cr0 = 1 | SystemOps.CR0_PG;
        rig.cpu.mmu.setControl(rig.cpu.cr0, rig.cpu.cr3, rig.cpu.cr4);
    }

    @Test
    void pageFaultingSaveLeavesMemoryAndStateUnchanged() {
        int hole = 0x40000, at = hole - 50; // the 108-byte image crosses into the unmapped page
        pageWithHole(hole);
        for (int i = 0; i < 50; i++) rig.cpu.memory.write8(at + i, 0x5A);
        rig.code("d9 e8 d9 eb dd 35 " + a(at));
        steps(2);
        byte[] before = fpu.image();
        CpuFault f = rig.fault();
        assertThat(f.vector).isEqualTo(Vectors.PF);
        assertThat(fpu.image()).isEqualTo(before);
        for (int i = 0; i < 50; i++) assertThat(rig.cpu.memory.read8(at + i)).isEqualTo(0x5A);
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 4);
        // a popping store that faults does not pop: fstp qword across the hole
        rig.cpu.eip = CpuRig.CODE;
        rig.code("dd 1d " + a(hole - 4));
        assertThat(rig.fault().vector).isEqualTo(Vectors.PF);
        assertThat(fpu.image()).isEqualTo(before);
        assertThat(rig.read32(hole - 4)).isEqualTo(0x5A5A5A5A);
        // a load that faults pushes nothing
        rig.cpu.eip = CpuRig.CODE;
        rig.code("dd 05 " + a(hole - 4));
        assertThat(rig.fault().vector).isEqualTo(Vectors.PF);
        assertThat(fpu.image()).isEqualTo(before);
    }

    @Test
    void faultsThroughTheRunLoopAreDeliveredAndTheInstructionRestarts() {
        // #NM (TS) is delivered through the IDT; the handler does CLTS and IRET, the FLD1 then runs
        PmodeFixture f = new PmodeFixture().defaultGates();
        f.put(PmodeFixture.handler(Vectors.NM), 0x0F, 0x06, 0xCF); // clts; iretd
        f.put(PmodeFixture.handler(Vectors.MF), 0xDB, 0xE2, 0xCF); // fnclex; iretd
        // fld1; fldz; fdivp (ZE unmasked: pending); fld1 (-> #MF, handler clears, restarts); hlt
        f.put(0x1000, 0xD9, 0xE8, 0xD9, 0xEE, 0xDE, 0xF9, 0xD9, 0xE8, 0xF4);
        f.cpu.cr0 |= SystemOps.CR0_TS | SystemOps.CR0_NE;
        f.cpu.fpu.cw = 0x037B;
        CpuStop stop = f.cpu.run(100);
        assertThat(stop).isEqualTo(CpuStop.HALTED);
        // fld1 fldz fdivp fld1 hlt + clts iret + fnclex iret
        assertThat(f.cpu.icount).isEqualTo(9);
        assertThat(f.cpu.fpu.top()).isEqualTo(5); // the unmasked ZE left FDIVP unpopped
        assertThat(f.cpu.fpu.statusWord() & 0xFF).isZero();
        assertThat(f.cpu.cr0 & SystemOps.CR0_TS).isZero();
    }

    @Test
    void cpuidReportsAnFpu() {
        rig.r[Cpu.EAX] = 1;
        rig.code("0f a2");
        rig.step();
        assertThat(rig.r[Cpu.EDX] & 1).isEqualTo(1);
        assertThat(rig.r[Cpu.EDX]).isEqualTo(SystemInsns.CPUID_FEATURES);
        assertThat(rig.r[Cpu.EAX]).isEqualTo(0x611);
    }

    @Test
    void translatedAndInterpretedAgree() {
        String prog = "b9 10 00 00 00"                                 // mov ecx, 16
                + " d9 e8 d9 ee"                                      // fld1; fldz
                + " 89 0d " + a(M) + " da 05 " + a(M)                 // L: mov [M], ecx; fiadd [M]
                + " d8 c9 d9 c9 49 75 ef"                             // fmul st, st(1); fxch; dec ecx; jnz L
                + " dd 1d " + a(M + 8) + " dd 1d " + a(M + 16) + " f4";
        CpuRig other = new CpuRig();
        other.cpu.setEngine(Cpu.Engine.INTERPRETER);
        rig.code(prog);
        other.code(prog);
        rig.run(200);
        other.run(200);
        assertThat(read64(M + 8)).isEqualTo(other.read32(M + 8) & 0xFFFFFFFFL | (long) other.read32(M + 12) << 32);
        assertThat(rig.cpu.fpu.image()).isEqualTo(other.cpu.fpu.image());
        assertThat(CpuState.capture(rig.cpu)).isEqualTo(CpuState.capture(other.cpu));
        assertThat(rig.cpu.halted).isTrue();
    }

    @Test
    void snapshotCarriesTheFpu() {
        rig.code("d9 e8 d9 eb d9 fe");
        steps(3);
        CpuState s = CpuState.capture(rig.cpu);
        CpuStateCodec codec = new CpuStateCodec();
        CpuState back = codec.decode(codec.encode(s), Path.of("x.kcp"), 89);
        assertThat(back).isEqualTo(s);
        CpuRig other = new CpuRig();
        back.restore(other.cpu);
        assertThat(other.cpu.fpu.image()).isEqualTo(fpu.image());
        assertThat(other.cpu.fpu.statusWord()).isEqualTo(fpu.statusWord());
        assertThat(other.cpu.fpu.st(0)).isEqualTo(fpu.st(0));
        // a changed FPU is a changed state
        fpu.cw ^= 0x400;
        assertThat(CpuState.capture(rig.cpu)).isNotEqualTo(s);
        assertThat(Arrays.equals(s.fpu(), fpu.image())).isFalse();
    }

    // ---- regressions found by examples/x87test (the guest against the host's FPU) ----

    @Test
    void fldcwKeepsTheControlWordAsHardwareDoes() {
        // fldcw [M] (0xFFFF); fnstcw [M+2]; fldcw [M+4] (0); fnstcw [M+6]
        rig.cpu.memory.write16(M, 0xFFFF);
        rig.cpu.memory.write16(M + 4, 0x0000);
        rig.code("d9 2d " + a(M) + " d9 3d " + a(M + 2) + " d9 2d " + a(M + 4) + " d9 3d " + a(M + 6));
        steps(4);
        assertThat(rig.cpu.memory.read16(M + 2)).isEqualTo(0x1F7F); // bits 13-15 read 0, bit 6 reads 1
        assertThat(rig.cpu.memory.read16(M + 6)).isEqualTo(0x0040);
        // FLDENV takes its control word the same way
        byte[] env = new byte[28];
        env[0] = (byte) 0xFF;
        env[1] = (byte) 0xFF;
        env[8] = (byte) 0xFF;
        env[9] = (byte) 0xFF;
        for (int i = 0; i < 28; i++) rig.cpu.memory.write8(M + 16 + i, env[i] & 0xFF);
        rig.cpu.eip = CpuRig.CODE;
        rig.code("d9 25 " + a(M + 16));
        rig.step();
        assertThat(fpu.cw).isEqualTo(0x1F7F);
    }

    @Test
    void sixteenBitFldenvClearsTheOpcode() {
        // fld1 (opcode 0x1E8); 66 fldenv [M] with a 14-byte image: the 16-bit layout has no opcode field
        rig.cpu.memory.write16(M, 0x037F);
        rig.cpu.memory.write16(M + 4, 0xFFFF);
        rig.code("d9 e8 66 d9 25 " + a(M));
        rig.step();
        assertThat(fpu.fop).isEqualTo(0x1E8);
        rig.step();
        assertThat(fpu.fop).isZero();
    }

    @Test
    void fcompOfADenormalDoubleReportsDeFromTheComparedValue() {
        // fld1; fcomp qword [M] with the smallest double denormal: DE, and 1 > it (C3 C2 C0 clear).
        // The register below ST(0) is an empty NaN: the pop must not make it the one checked.
        rig.cpu.memory.write32(M, 1);
        rig.cpu.memory.write32(M + 4, 0);
        fpu.setPhysical(0, F80.INDEFINITE);
        rig.code("d9 e8 dc 1d " + a(M));
        steps(2);
        assertThat(fpu.statusWord() & 0x7FFF).isEqualTo(0x0002);
        assertThat(fpu.isEmpty(0)).isTrue();
        // an unsupported ST(0) (unnormal) raises IE alone: fcom dword [M+8] (a single denormal)
        rig.cpu.memory.write32(M + 8, 1);
        fpu.init();
        fpu.push(new F80(0x3FFF, 0x4000000000000000L));
        rig.cpu.eip = CpuRig.CODE;
        rig.code("d8 15 " + a(M + 8));
        rig.step();
        assertThat(fpu.statusWord() & 0x3F).isEqualTo(0x01);
        // with DE unmasked the compare reports DE and FCOMP keeps the stack
        fpu.init();
        fpu.setControlWord(0x037D);
        fpu.push(new F80(0x3FFF, 0x8000000000000000L));
        rig.cpu.eip = CpuRig.CODE;
        rig.code("dc 1d " + a(M));
        rig.step();
        assertThat(fpu.statusWord() & 0x80FF).isEqualTo(0x8082);
        assertThat(fpu.isEmpty(0)).isFalse();
    }

    @Test
    void fcomiOnAnEmptyStackSetsUnorderedEvenWithIeUnmasked() {
        // fldcw [M] (0x0360: all unmasked); fcomi st(0), st(1) on an empty stack: ZF PF CF set, no pop
        rig.cpu.memory.write16(M, 0x0360);
        rig.cpu.setEflags(0x2);
        rig.code("d9 2d " + a(M) + " db f1");
        steps(2);
        assertThat(rig.flags() & (Flags.CF | Flags.ZF | Flags.PF)).isEqualTo(Flags.CF | Flags.ZF | Flags.PF);
        assertThat(fpu.statusWord() & 0x80FF).isEqualTo(0x80C1); // B ES SF IE
        assertThat(fpu.top()).isZero();
    }

    /** C1 after one instruction on the 80-bit operand at M (fld tbyte [M]; then {@code insn}). */
    private boolean c1After(String insn) {
        fpu.init();
        rig.cpu.eip = CpuRig.CODE;
        rig.code("db 2d " + a(M) + " " + insn);
        steps(2);
        return (fpu.statusWord() & FpuState.C1) != 0;
    }

    @Test
    void fsincosReportsTheSinesRoundingInC1() {
        // an argument (from examples/x87test) whose sine and cosine round in opposite directions:
        // the host's FSINCOS gives C1 of its sine (ST(1)), not of the cosine it pushes last
        byte[] arg = new byte[10];
        F80.of(false, 0x4003, 0xb5a99835e90b7130L).store(arg, 0);
        for (int i = 0; i < 10; i++) rig.cpu.memory.write8(M + i, arg[i] & 0xFF);
        boolean sin = c1After("d9 fe"), cos = c1After("d9 ff");
        assertThat(sin).isNotEqualTo(cos);
        assertThat(c1After("d9 fb")).isEqualTo(sin);
    }

    @Test
    void tinyTrigonometricArgumentsRoundTheSeriesCorrection() {
        // 2^-100: sin x and cos x lie just below x and 1, tan x just above x (values from the host)
        F80 x = F80.of(false, 0x3FFF - 100, 0x8000000000000000L);
        byte[] b = new byte[10];
        x.store(b, 0);
        for (int i = 0; i < 10; i++) rig.cpu.memory.write8(M + i, b[i] & 0xFF);
        rig.cpu.memory.write16(M + 16, 0x0F7F); // round toward zero
        record Want(String insn, boolean chop, int sw, F80 r) {}
        for (Want w : new Want[] {
            new Want("d9 fe", false, 0x0220, x),                                       // fsin: C1 PE
            new Want("d9 ff", false, 0x0220, F80.of(false, 0x3FFF, 0x8000000000000000L)),
            new Want("d9 fe", true, 0x0020, F80.of(false, 0x3FFF - 101, -1L)),         // below x
            new Want("d9 ff", true, 0x0020, F80.of(false, 0x3FFE, -1L)),               // below 1
            new Want("d9 f2", true, 0x0020, x)}) {                                     // fptan: above x
            fpu.init();
            rig.cpu.eip = CpuRig.CODE;
            rig.code((w.chop() ? "d9 2d " + a(M + 16) + " " : "") + "db 2d " + a(M) + " " + w.insn());
            steps(w.chop() ? 3 : 2);
            assertThat(fpu.statusWord() & 0x47FF).as(w.insn()).isEqualTo(w.sw());
            assertThat(fpu.st(w.insn().equals("d9 f2") ? 1 : 0)).as(w.insn()).isEqualTo(w.r());
        }
    }

    @Test
    void fyl2xReportsPrecisionForExactNonzeroResults() {
        // fld1 (y); fild dword [M] (x = 8); fyl2x: 3, exact, yet PE as on the host; x = 1 gives 0 without PE
        rig.cpu.memory.write32(M, 8);
        rig.code("d9 e8 db 05 " + a(M) + " d9 f1");
        steps(3);
        assertThat(fpu.st(0)).isEqualTo(F80.of(false, 0x4000, 0xC000000000000000L));
        assertThat(fpu.statusWord() & 0x027F).isEqualTo(0x0020);
        fpu.init();
        rig.cpu.memory.write32(M, 1);
        rig.cpu.eip = CpuRig.CODE;
        steps(3);
        assertThat(fpu.st(0).isZero()).isTrue();
        assertThat(fpu.statusWord() & 0x027F).isZero();
        // fyl2xp1 of 1 (log2 2 = 1): PE too
        fpu.init();
        rig.cpu.eip = CpuRig.CODE;
        rig.code("d9 e8 d9 e8 d9 f9");
        steps(3);
        assertThat(fpu.st(0)).isEqualTo(F80.of(false, 0x3FFF, 0x8000000000000000L));
        assertThat(fpu.statusWord() & 0x027F).isEqualTo(0x0020);
    }
}
