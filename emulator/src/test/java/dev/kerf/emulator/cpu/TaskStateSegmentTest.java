package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.PmodeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskStateSegmentTest {
    private final PmodeFixture f = new PmodeFixture();
    private final Cpu cpu = f.cpu;

    @Test
    void innerStackComesFromTheTssOrIsInvalidTss() {
        long stack = TaskStateSegment.innerStack(cpu, 0, 0);
        assertThat((int) stack).isEqualTo(KERNEL_STACK_TOP);
        assertThat((int) (stack >>> 32)).isEqualTo(KDATA);
        f.descriptor(GDT, 0x50, TSS, 0x08, 0x0089); // too short: SS0 is bytes 8..9
        cpu.tr.set(0x50, TSS, 0x08, 0x8B);
        try {
            TaskStateSegment.innerStack(cpu, 0, 1);
            throw new AssertionError("expected #TS");
        } catch (CpuFault e) {
            assertThat(e.vector).isEqualTo(Vectors.TS);
            assertThat(e.errorCode).isEqualTo(0x51);
        }
    }

    @Test
    void ioBitmapGrantsOnlyClearBitsInsideTheLimit() {
        // Bitmap at TSS+0x68 covering ports 0..0x3FF (128 bytes); everything denied but 0x3F8..0x3FF.
        int map = 0x68;
        cpu.memory.write16(TSS + 0x66, map);
        for (int i = 0; i < 128; i++) cpu.memory.write8(TSS + map + i, 0xFF);
        cpu.memory.write8(TSS + map + (0x3F8 >> 3), 0x00);
        cpu.tr.set(TSS_SEL, TSS, map + 128, 0x8B);

        assertThat(TaskStateSegment.ioPermitted(cpu, 0x3F8, 1)).isTrue();
        assertThat(TaskStateSegment.ioPermitted(cpu, 0x3FC, 4)).isTrue();
        assertThat(TaskStateSegment.ioPermitted(cpu, 0x3F7, 1)).isFalse();
        assertThat(TaskStateSegment.ioPermitted(cpu, 0x3F6, 4)).as("one denied bit is enough").isFalse();
        assertThat(TaskStateSegment.ioPermitted(cpu, 0x60, 1)).isFalse();
        assertThat(TaskStateSegment.ioPermitted(cpu, 0x400, 1)).as("beyond the TSS limit").isFalse();
        cpu.tr.set(0, 0, 0, 0);
        assertThat(TaskStateSegment.ioPermitted(cpu, 0x3F8, 1)).as("no TSS").isFalse();
    }
}
