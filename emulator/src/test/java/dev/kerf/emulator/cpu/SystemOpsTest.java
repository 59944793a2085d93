package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.PmodeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SystemOpsTest {
    private final PmodeFixture f = new PmodeFixture();
    private final Cpu cpu = f.cpu;

    @Test
    void ltrLoadsTheTssAndMarksItBusy() {
        // The fixture ran LTR on TSS_SEL.
        assertThat(cpu.tr.selector).isEqualTo(TSS_SEL);
        assertThat(cpu.tr.base).isEqualTo(TSS);
        assertThat(cpu.tr.limit).isEqualTo(0x67);
        assertThat(cpu.tr.type()).isEqualTo(0xB);
        assertThat((cpu.memory.read32(GDT + TSS_SEL + 4) >> 8) & 0xF).isEqualTo(0xB);
        CpuFault busy = fault(() -> SystemOps.ltr(cpu, TSS_SEL));
        assertThat(busy.vector).isEqualTo(Vectors.GP);
        assertThat(busy.errorCode).isEqualTo(TSS_SEL);
    }

    @Test
    void ltrRejectsNonTssAndNullSelectors() {
        assertThat(fault(() -> SystemOps.ltr(cpu, KDATA)).errorCode).isEqualTo(KDATA);
        assertThat(fault(() -> SystemOps.ltr(cpu, 0)).errorCode).isZero();
        f.descriptor(GDT, 0x50, TSS, 0x67, 0x0001); // 16-bit available TSS: unsupported
        assertThat(fault(() -> SystemOps.ltr(cpu, 0x50)).errorCode).isEqualTo(0x50);
        f.descriptor(GDT, 0x50, TSS, 0x67, 0x0009); // not present
        assertThat(fault(() -> SystemOps.ltr(cpu, 0x50)).vector).isEqualTo(Vectors.NP);
    }

    @Test
    void lldtLoadsOnlyLdtDescriptorsFromTheGdt() {
        SystemOps.lldt(cpu, LDT_SEL);
        assertThat(cpu.ldtr.base).isEqualTo(LDT);
        assertThat(cpu.ldtr.limit).isEqualTo(0x0F);
        assertThat(fault(() -> SystemOps.lldt(cpu, KDATA)).errorCode).isEqualTo(KDATA);
        assertThat(fault(() -> SystemOps.lldt(cpu, LDT_SEL | 4)).vector).isEqualTo(Vectors.GP);
        SystemOps.lldt(cpu, 0);
        assertThat(fault(() -> SegmentLoader.load(cpu, Cpu.DS, 0x0C)).vector).isEqualTo(Vectors.GP);
    }

    @Test
    void cr0ConsistencyRules() {
        int cr0 = cpu.cr0;
        assertThat(cr0 & (SystemOps.CR0_PE | SystemOps.CR0_ET)).isEqualTo(SystemOps.CR0_PE | SystemOps.CR0_ET);
        assertThat(fault(() -> SystemOps.writeCr(cpu, 0, SystemOps.CR0_PG)).errorCode).isZero();
        assertThat(fault(() -> SystemOps.writeCr(cpu, 0, cr0 | SystemOps.CR0_NW)).vector).isEqualTo(Vectors.GP);
        assertThat(fault(() -> SystemOps.writeCr(cpu, 0, 0)).vector).as("no way back to real mode").isEqualTo(Vectors.GP);
        assertThat(cpu.cr0).isEqualTo(cr0);
        SystemOps.writeCr(cpu, 0, 0x1 | SystemOps.CR0_TS | 0x100); // bit 8 is reserved: dropped
        assertThat(SystemOps.readCr(cpu, 0)).isEqualTo(0x1 | SystemOps.CR0_ET | SystemOps.CR0_TS);
        SystemOps.clts(cpu);
        assertThat(cpu.cr0 & SystemOps.CR0_TS).isZero();
    }

    @Test
    void cr4AcceptsOnlySupportedBits() {
        SystemOps.writeCr(cpu, 4, SystemOps.CR4_PSE | SystemOps.CR4_PGE);
        assertThat(SystemOps.readCr(cpu, 4)).isEqualTo(0x90);
        SystemOps.writeCr(cpu, 4, SystemOps.CR4_TSD | 0x90);
        assertThat(cpu.cr4).isEqualTo(0x94);
        SystemOps.writeCr(cpu, 4, 0x90);
        CpuFault e = fault(() -> SystemOps.writeCr(cpu, 4, 0x20)); // PAE
        assertThat(e.vector).isEqualTo(Vectors.GP);
        assertThat(cpu.cr4).isEqualTo(0x90);
    }

    @Test
    void undefinedControlRegistersAreUd() {
        assertThat(fault(() -> SystemOps.readCr(cpu, 1)).vector).isEqualTo(Vectors.UD);
        assertThat(fault(() -> SystemOps.writeCr(cpu, 5, 0)).vector).isEqualTo(Vectors.UD);
    }

    @Test
    void enablingPagingAndReloadingCr3ReachTheMmu() {
        f.paging();
        cpu.memory.write32(0x200000, 7);
        cpu.memory.write32(0x201000, 8);
        cpu.memory.write32(PAGE_TABLE + 0x300 * 4, 0x200000 | 3);
        assertThat(cpu.mmu.read32(0x300000)).isEqualTo(7);
        cpu.memory.write32(PAGE_TABLE + 0x300 * 4, 0x201000 | 3);
        SystemOps.writeCr(cpu, 3, SystemOps.readCr(cpu, 3));
        assertThat(cpu.mmu.read32(0x300000)).isEqualTo(8);
        cpu.memory.write32(PAGE_TABLE + 0x300 * 4, 0x200000 | 3);
        SystemOps.invlpg(cpu, 0x300000);
        assertThat(cpu.mmu.read32(0x300000)).isEqualTo(7);
        // CR0.WP reached the MMU: a supervisor write to a read-only page faults.
        cpu.memory.write32(PAGE_TABLE + 0x300 * 4, 0x200000 | 1);
        SystemOps.invlpg(cpu, 0x300000);
        assertThat(fault(() -> cpu.mmu.write32(0x300000, 0)).errorCode).isEqualTo(3);
        SystemOps.writeCr(cpu, 0, cpu.cr0 & ~SystemOps.CR0_WP);
        cpu.mmu.write32(0x300000, 9);
        assertThat(cpu.memory.read32(0x200000)).isEqualTo(9);
        // Paging off again: linear = physical.
        SystemOps.writeCr(cpu, 0, cpu.cr0 & ~SystemOps.CR0_PG);
        assertThat(cpu.mmu.read32(0x300000)).isEqualTo(cpu.memory.read32(0x300000));
    }

    @Test
    void cr0TaskSwitchedToggleDoesNotFlushTheTlb() {
        f.paging();
        int before = cpu.mmu.generation();
        SystemOps.writeCr(cpu, 0, cpu.cr0 | SystemOps.CR0_TS);
        assertThat(cpu.mmu.generation()).isEqualTo(before);
    }
}
