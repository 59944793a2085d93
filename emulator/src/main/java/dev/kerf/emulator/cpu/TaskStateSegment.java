package dev.kerf.emulator.cpu;

/**
 * The parts of the 32-bit TSS (Intel SDM vol. 3, figure 8-2) the CPU reads without a task switch:
 * the inner-level stack pointers used when an interrupt raises the privilege level.
 *
 * <pre>
 *   offset 0x04 ESP0   0x08 SS0 (16 bits)
 *   offset 0x0C ESP1   0x10 SS1
 *   offset 0x14 ESP2   0x18 SS2
 * </pre>
 *
 * Task switches (task gates, JMP/CALL to a TSS, IRET with NT) are not supported.
 */
final class TaskStateSegment {
    private TaskStateSegment() {}

    /**
     * SS:ESP for privilege {@code level} from the current TR, packed as {@code ss << 32 | esp}.
     * #TS(TR selector | ext) when the TSS is too short to hold them.
     */
    static long innerStack(Cpu cpu, int level, int ext) {
        int offset = 4 + level * 8;
        if (Integer.compareUnsigned(offset + 5, cpu.tr.limit) > 0 || !cpu.tr.present()) {
            throw CpuFault.withCode(Vectors.TS, (cpu.tr.selector & 0xFFFC) | ext);
        }
        int esp = cpu.mmu.sysRead32(cpu.tr.base + offset);
        int ss = cpu.mmu.sysRead16(cpu.tr.base + offset + 4);
        return ((long) ss << 32) | (esp & 0xFFFFFFFFL);
    }
}
