package dev.kerf.emulator.cpu;

/**
 * The parts of the 32-bit TSS (Intel SDM vol. 3, figure 8-2) the CPU reads without a task switch:
 * the inner-level stack pointers used when an interrupt raises the privilege level.
 *
 * <pre>
 *   offset 0x04 ESP0   0x08 SS0 (16 bits)
 *   offset 0x0C ESP1   0x10 SS1
 *   offset 0x14 ESP2   0x18 SS2
 *   offset 0x66 I/O map base (16 bits, from the TSS base)
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

    /**
     * The I/O permission bitmap check for IN/OUT/INS/OUTS at CPL &gt; IOPL (SDM vol. 1, 19.5.2):
     * true when every bit for {@code port .. port+size-1} is clear and lies within the TSS limit.
     * False without a loaded 32-bit TSS. (The executor calls this only after the IOPL check
     * failed; it is not on the hot path.)
     */
    static boolean ioPermitted(Cpu cpu, int port, int size) {
        int type = cpu.tr.type();
        if ((cpu.tr.selector & 0xFFFC) == 0 || (type != DescriptorTable.TYPE_TSS32_AVAILABLE
                && type != DescriptorTable.TYPE_TSS32_BUSY)) {
            return false;
        }
        if (Integer.compareUnsigned(0x67, cpu.tr.limit) > 0) return false;
        int offset = cpu.mmu.sysRead16(cpu.tr.base + 0x66) + ((port & 0xFFFF) >>> 3);
        if (Integer.compareUnsigned(offset + 1, cpu.tr.limit) > 0) return false;
        int bits = cpu.mmu.sysRead16(cpu.tr.base + offset);
        int mask = ((1 << size) - 1) << (port & 7);
        return (bits & mask) == 0;
    }
}
