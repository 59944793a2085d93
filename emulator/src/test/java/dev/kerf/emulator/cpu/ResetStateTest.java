package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.mmu.PhysicalMemory;
import org.junit.jupiter.api.Test;

class ResetStateTest {
    @Test
    void leavesTheStateQemusMultibootLoaderLeaves() {
        Cpu cpu = new Cpu(new PhysicalMemory(2 << 20), new PmodeFixture.NullBus());
        cpu.setEflags(0x3FF);
        cpu.halted = true;
        ResetState.enterFlatProtectedMode(cpu);
        assertThat(cpu.cr0 & 0x80000001).isEqualTo(1);
        assertThat(cpu.cpl).isZero();
        assertThat(cpu.getEflags()).isEqualTo(2);
        assertThat(cpu.halted).isFalse();
        SegmentCache cs = cpu.seg[Cpu.CS];
        assertThat(cs.selector).isEqualTo(0x08);
        assertThat(cs.base).isZero();
        assertThat(cs.limit).isEqualTo(0xFFFFFFFF);
        assertThat(cs.big()).isTrue();
        assertThat(cs.dpl()).isZero();
        for (int i : new int[] {Cpu.ES, Cpu.SS, Cpu.DS, Cpu.FS, Cpu.GS}) {
            assertThat(cpu.seg[i].selector).isEqualTo(0x10);
            assertThat(cpu.seg[i].limit).isEqualTo(0xFFFFFFFF);
            assertThat(cpu.seg[i].big()).isTrue();
        }
        // Like under QEMU, reloading the flat selectors before the kernel's own LGDT works.
        SegmentLoader.load(cpu, Cpu.DS, 0x10);
        SegmentLoader.farJump(cpu, 0x08, 0x100000, true);
        assertThat(cpu.seg[Cpu.DS].limit).isEqualTo(0xFFFFFFFF);
        assertThat(cpu.eip).isEqualTo(0x100000);
        // Paging is off: linear = physical.
        cpu.memory.write32(0x1000, 0x12345678);
        assertThat(cpu.mmu.read32(0x1000)).isEqualTo(0x12345678);
    }

    @Test
    void smallRamGetsNoGdt() {
        Cpu cpu = new Cpu(new PhysicalMemory(64 << 10), new PmodeFixture.NullBus());
        ResetState.enterFlatProtectedMode(cpu);
        assertThat(cpu.gdtLimit).isZero();
        assertThat(cpu.seg[Cpu.CS].selector).isEqualTo(0x08);
    }
}
