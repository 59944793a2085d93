package dev.kerf.emulator.cpu;

/**
 * IRET/IRETD in protected mode (Intel SDM vol. 2, IRET pseudocode) to the same or an outer
 * privilege level. Which EFLAGS bits the popped value may change depends on the CPL before the
 * return: IOPL (and VIF/VIP) only at CPL 0, IF only when CPL ≤ IOPL; VM never (virtual-8086
 * mode is not supported: popping VM = 1 at CPL 0 is #GP(0)). A 16-bit IRET changes only the low
 * 16 bits of EFLAGS. NT = 1 (return from a nested task) is #GP(0): task switches are not
 * supported.
 */
final class InterruptReturn {
    private static final int ALWAYS = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 // CF PF AF ZF SF TF DF OF
            | 0x4000 | 0x10000 | 0x40000 | 0x200000; // NT RF AC ID
    private static final int IOPL = 0x3000, VIF_VIP = 0x180000;

    private InterruptReturn() {}

    static void iret(Cpu cpu, boolean operand32) {
        int size = operand32 ? 4 : 2;
        int oldFlags = cpu.getEflags();
        if ((cpu.cr0 & 1) != 0 && (oldFlags & InterruptEntry.NT) != 0) throw CpuFault.withCode(Vectors.GP, 0);
        StackCursor stack = StackCursor.current(cpu);
        int eip = stack.pop(size);
        int sel = stack.pop(size) & 0xFFFF;
        int popped = stack.pop(size);
        int flags = merge(oldFlags, popped, cpu, operand32);
        if ((cpu.cr0 & 1) == 0) {
            SegmentCache cs = cpu.seg[Cpu.CS];
            cs.set(sel, sel << 4, cs.limit, cs.access);
            commitSameLevel(cpu, eip, stack, flags);
            return;
        }
        if (operand32 && (popped & InterruptEntry.VM) != 0 && cpu.cpl == 0) {
            throw CpuFault.withCode(Vectors.GP, 0);
        }
        SegmentCache cs = SegmentLoader.checkedReturnCode(cpu, sel);
        int rpl = sel & 3;
        if (rpl == cpu.cpl) {
            SegmentLoader.checkOffset(cs, eip);
            cpu.seg[Cpu.CS].copyFrom(cs);
            commitSameLevel(cpu, eip, stack, flags);
            return;
        }
        int newEsp = stack.pop(size);
        int ssSel = stack.pop(size) & 0xFFFF;
        SegmentCache ss = SegmentLoader.checkedStack(cpu, ssSel, rpl);
        SegmentLoader.checkOffset(cs, eip);
        int esp = ss.big() ? newEsp : (cpu.reg[Cpu.ESP] & 0xFFFF0000) | (newEsp & 0xFFFF);
        cpu.setEflags(flags);
        SegmentLoader.commitOuterReturn(cpu, cs, eip, ss, esp);
    }

    private static void commitSameLevel(Cpu cpu, int eip, StackCursor stack, int flags) {
        cpu.eip = eip;
        cpu.reg[Cpu.ESP] = stack.esp;
        cpu.setEflags(flags);
    }

    /** The new EFLAGS: {@code popped} where the CPL before the return allows, else the old bits. */
    static int merge(int old, int popped, Cpu cpu, boolean operand32) {
        int mask = ALWAYS;
        int iopl = (old >> 12) & 3;
        if (cpu.cpl <= iopl || (cpu.cr0 & 1) == 0) mask |= InterruptEntry.IF;
        if (cpu.cpl == 0) mask |= IOPL | VIF_VIP;
        if (!operand32) mask &= 0xFFFF;
        return (old & ~mask) | (popped & mask);
    }
}
