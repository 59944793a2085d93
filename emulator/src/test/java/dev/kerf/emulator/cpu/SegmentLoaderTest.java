package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.PmodeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SegmentLoaderTest {
    private final PmodeFixture f = new PmodeFixture();
    private final Cpu cpu = f.cpu;

    private int descriptorHigh(int selector) {
        return cpu.memory.read32(GDT + (selector & 0xFFF8) + 4);
    }

    @Test
    void loadsADataSegmentAndSetsItsAccessedBit() {
        f.descriptor(GDT, UDATA, 0, 0xFFFFF, 0xC0F2); // accessed bit clear
        assertThat(descriptorHigh(UDATA) & 0x100).isZero();
        SegmentLoader.load(cpu, Cpu.FS, UDATA);
        SegmentCache fs = cpu.seg[Cpu.FS];
        assertThat(fs.selector).isEqualTo(UDATA);
        assertThat(fs.base).isZero();
        assertThat(fs.limit).isEqualTo(0xFFFFFFFF);
        assertThat(fs.dpl()).isEqualTo(3);
        assertThat(fs.big()).isTrue();
        assertThat(descriptorHigh(UDATA) & 0x100).isEqualTo(0x100);
    }

    @Test
    void byteGranularLimitAndBaseAreDecoded() {
        SegmentLoader.load(cpu, Cpu.GS, SMALL_DATA);
        assertThat(cpu.seg[Cpu.GS].base).isEqualTo(0x5000);
        assertThat(cpu.seg[Cpu.GS].limit).isEqualTo(0xFFFF);
    }

    @Test
    void nullSelectorIsFineForDataButNotForStack() {
        SegmentLoader.load(cpu, Cpu.DS, 3);
        assertThat(cpu.seg[Cpu.DS].selector).isEqualTo(3);
        assertThat(cpu.seg[Cpu.DS].present()).isFalse();
        CpuFault e = fault(() -> SegmentLoader.load(cpu, Cpu.SS, 0));
        assertThat(e.vector).isEqualTo(Vectors.GP);
        assertThat(e.errorCode).isZero();
    }

    @Test
    void selectorBeyondTheGdtLimitIsGp() {
        CpuFault e = fault(() -> SegmentLoader.load(cpu, Cpu.DS, (GDT_ENTRIES << 3) | 3));
        assertThat(e.vector).isEqualTo(Vectors.GP);
        assertThat(e.errorCode).isEqualTo(GDT_ENTRIES << 3);
    }

    @Test
    void privilegeRulesForDataSegments() {
        f.ring3(0, USER_STACK_TOP);
        CpuFault e = fault(() -> SegmentLoader.load(cpu, Cpu.DS, KDATA));
        assertThat(e.vector).isEqualTo(Vectors.GP);
        assertThat(e.errorCode).isEqualTo(KDATA);
        // RPL 0 does not help a ring-3 program.
        assertThat(fault(() -> SegmentLoader.load(cpu, Cpu.ES, KDATA & ~3)).vector).isEqualTo(Vectors.GP);
        // A readable conforming code segment may be loaded at any level.
        SegmentLoader.load(cpu, Cpu.ES, CONFORMING);
        assertThat(cpu.seg[Cpu.ES].selector).isEqualTo(CONFORMING);
    }

    @Test
    void systemSegmentsAndExecuteOnlyCodeCannotBeLoadedIntoDataRegisters() {
        assertThat(fault(() -> SegmentLoader.load(cpu, Cpu.DS, TSS_SEL)).errorCode).isEqualTo(TSS_SEL);
        f.descriptor(GDT, 0x50, 0, 0xFFFFF, 0xC099); // execute-only code
        assertThat(fault(() -> SegmentLoader.load(cpu, Cpu.DS, 0x50)).vector).isEqualTo(Vectors.GP);
    }

    @Test
    void notPresentIsNpForDataAndSsForStack() {
        CpuFault np = fault(() -> SegmentLoader.load(cpu, Cpu.DS, ABSENT_DATA));
        assertThat(np.vector).isEqualTo(Vectors.NP);
        assertThat(np.errorCode).isEqualTo(ABSENT_DATA);
        CpuFault ss = fault(() -> SegmentLoader.load(cpu, Cpu.SS, ABSENT_DATA));
        assertThat(ss.vector).isEqualTo(Vectors.SS);
        assertThat(ss.errorCode).isEqualTo(ABSENT_DATA);
    }

    @Test
    void stackSegmentMustMatchCplExactly() {
        assertThat(fault(() -> SegmentLoader.load(cpu, Cpu.SS, UDATA)).errorCode).isEqualTo(UDATA & 0xFFFC);
        assertThat(fault(() -> SegmentLoader.load(cpu, Cpu.SS, KDATA | 1)).errorCode).isEqualTo(KDATA);
        assertThat(fault(() -> SegmentLoader.load(cpu, Cpu.SS, KCODE)).errorCode).isEqualTo(KCODE);
        SegmentLoader.load(cpu, Cpu.SS, KDATA);
        assertThat(cpu.seg[Cpu.SS].selector).isEqualTo(KDATA);
    }

    @Test
    void csCannotBeLoadedWithMov() {
        assertThat(fault(() -> SegmentLoader.load(cpu, Cpu.CS, KCODE)).vector).isEqualTo(Vectors.UD);
    }

    @Test
    void ldtSelectorsNeedAnLdt() {
        assertThat(fault(() -> SegmentLoader.load(cpu, Cpu.DS, 0x0C | 3)).vector).isEqualTo(Vectors.GP);
        SystemOps.lldt(cpu, LDT_SEL);
        SegmentLoader.load(cpu, Cpu.DS, 0x0C);
        assertThat(cpu.seg[Cpu.DS].dpl()).isEqualTo(3);
        assertThat(cpu.memory.read32(LDT + 12) & 0x100).as("accessed bit in the LDT").isEqualTo(0x100);
        assertThat(fault(() -> SegmentLoader.load(cpu, Cpu.DS, 0x14)).errorCode).isEqualTo(0x14);
    }

    @Test
    void farJumpToSameLevelCodeAndOffsetLimit() {
        SegmentLoader.farJump(cpu, KCODE, 0x12345678, true);
        assertThat(cpu.eip).isEqualTo(0x12345678);
        SegmentLoader.farJump(cpu, KCODE, 0x12345678, false);
        assertThat(cpu.eip).isEqualTo(0x5678);
        f.descriptor(GDT, 0x50, 0, 0xFFF, 0x409B); // byte-granular code, limit 0xFFF
        CpuFault e = fault(() -> SegmentLoader.farJump(cpu, 0x50, 0x1000, true));
        assertThat(e.vector).isEqualTo(Vectors.GP);
        assertThat(e.errorCode).isZero();
        assertThat(cpu.seg[Cpu.CS].selector).isEqualTo(KCODE);
    }

    @Test
    void farJumpPrivilegeRules() {
        assertThat(fault(() -> SegmentLoader.farJump(cpu, UCODE, 0, true)).errorCode).isEqualTo(UCODE & 0xFFFC);
        assertThat(fault(() -> SegmentLoader.farJump(cpu, KDATA, 0, true)).errorCode).isEqualTo(KDATA);
        assertThat(fault(() -> SegmentLoader.farJump(cpu, TSS_SEL, 0, true)).errorCode).as("task switch unsupported").isEqualTo(TSS_SEL);
        assertThat(fault(() -> SegmentLoader.farJump(cpu, ABSENT_CODE, 0, true)).vector).isEqualTo(Vectors.NP);
        assertThat(fault(() -> SegmentLoader.farJump(cpu, 0, 0, true)).errorCode).isZero();
        // Conforming DPL 0 code runs at CPL 3 and keeps CPL 3.
        f.ring3(0, USER_STACK_TOP);
        SegmentLoader.farJump(cpu, CONFORMING, 0x40, true);
        assertThat(cpu.seg[Cpu.CS].selector).isEqualTo(CONFORMING | 3);
        assertThat(cpu.cpl).isEqualTo(3);
        assertThat(fault(() -> SegmentLoader.farJump(cpu, KCODE, 0, true)).vector).isEqualTo(Vectors.GP);
    }

    @Test
    void farCallPushesReturnAddressAndFarReturnPopsIt() {
        cpu.eip = 0x1111;
        SegmentLoader.farCall(cpu, KCODE, 0x2222, true);
        assertThat(cpu.eip).isEqualTo(0x2222);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(KERNEL_STACK_TOP - 8);
        assertThat(f.stack32(0)).isEqualTo(0x1111);
        assertThat(f.stack32(4)).isEqualTo(KCODE);
        SegmentLoader.farReturn(cpu, true, 8);
        assertThat(cpu.eip).isEqualTo(0x1111);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(KERNEL_STACK_TOP + 8);
    }

    @Test
    void farCallFaultLeavesTheStackPointerAlone() {
        CpuFault e = fault(() -> SegmentLoader.farCall(cpu, UCODE, 0, true));
        assertThat(e.vector).isEqualTo(Vectors.GP);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(KERNEL_STACK_TOP);
    }

    @Test
    void farReturnToOuterLevelLoadsStackAndNullsKernelSegments() {
        SegmentLoader.load(cpu, Cpu.FS, UDATA);
        int sp = KERNEL_STACK_TOP - 16;
        cpu.reg[Cpu.ESP] = sp;
        cpu.memory.write32(sp, 0x401000);
        cpu.memory.write32(sp + 4, UCODE);
        cpu.memory.write32(sp + 8, USER_STACK_TOP);
        cpu.memory.write32(sp + 12, UDATA);
        SegmentLoader.farReturn(cpu, true, 0);
        assertThat(cpu.cpl).isEqualTo(3);
        assertThat(cpu.eip).isEqualTo(0x401000);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(USER_STACK_TOP);
        assertThat(cpu.seg[Cpu.SS].selector).isEqualTo(UDATA);
        assertThat(cpu.seg[Cpu.DS].selector).isZero();
        assertThat(cpu.seg[Cpu.ES].selector).isZero();
        assertThat(cpu.seg[Cpu.FS].selector).isEqualTo(UDATA);
    }

    @Test
    void farReturnWithMismatchedStackRplIsGpAndChangesNothing() {
        int sp = KERNEL_STACK_TOP - 16;
        cpu.reg[Cpu.ESP] = sp;
        cpu.memory.write32(sp, 0x401000);
        cpu.memory.write32(sp + 4, UCODE);
        cpu.memory.write32(sp + 8, USER_STACK_TOP);
        cpu.memory.write32(sp + 12, KDATA);
        CpuFault e = fault(() -> SegmentLoader.farReturn(cpu, true, 0));
        assertThat(e.errorCode).isEqualTo(KDATA);
        assertThat(cpu.cpl).isZero();
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(sp);
    }

    @Test
    void farReturnToInnerLevelIsGp() {
        f.ring3(0, USER_STACK_TOP - 8);
        cpu.memory.write32(USER_STACK_TOP - 8, 0x1000);
        cpu.memory.write32(USER_STACK_TOP - 4, KCODE);
        CpuFault e = fault(() -> SegmentLoader.farReturn(cpu, true, 0));
        assertThat(e.vector).isEqualTo(Vectors.GP);
        assertThat(e.errorCode).isEqualTo(KCODE);
    }

    @Test
    void sixteenBitStackWrapsSp() {
        f.descriptor(GDT, 0x50, 0x20000, 0xFFFF, 0x0093); // 16-bit data, byte granular
        SegmentLoader.load(cpu, Cpu.SS, 0x50);
        cpu.reg[Cpu.ESP] = 0xABCD0004;
        cpu.eip = 0x3333;
        SegmentLoader.farCall(cpu, KCODE, 0x10, false);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(0xABCD0000);
        assertThat(cpu.memory.read16(0x20000)).isEqualTo(0x3333);
        assertThat(cpu.memory.read16(0x20002)).isEqualTo(KCODE);
        // A push below offset 0 wraps to 0xFFFE, inside the 64 KiB limit.
        cpu.eip = 0x4444;
        SegmentLoader.farCall(cpu, KCODE, 0x20, false);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(0xABCDFFFC);
        assertThat(cpu.memory.read16(0x2FFFC)).isEqualTo(0x4444);
    }

    @Test
    void stackLimitViolationIsSs() {
        f.descriptor(GDT, 0x50, 0x20000, 0x0FFF, 0x4093); // 32-bit, limit 0xFFF
        SegmentLoader.load(cpu, Cpu.SS, 0x50);
        cpu.reg[Cpu.ESP] = 0x1002; // beyond the limit
        CpuFault e = fault(() -> SegmentLoader.farCall(cpu, KCODE, 0, true));
        assertThat(e.vector).isEqualTo(Vectors.SS);
        assertThat(cpu.reg[Cpu.ESP]).isEqualTo(0x1002);
    }
}
