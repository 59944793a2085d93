package dev.kerf.emulator.cpu;

/**
 * A stack pointer moving over one stack segment for a multi-step control transfer (interrupt
 * delivery, IRET, far CALL/RET): pushes and pops are checked against the segment's limit
 * (expand-up or expand-down) and raise #SS with the cursor's error code, and they wrap SP at 16
 * bits when the segment's B bit is clear.
 *
 * <p>The cursor never writes ESP back: the caller commits {@link #esp} (and any other register)
 * only after every push and pop of the transfer has succeeded, so a fault midway leaves the CPU
 * state as it was (only bytes below the old stack pointer may have been written).
 */
final class StackCursor {
    private final Cpu cpu;
    private final int base;
    private final int limit;
    private final boolean expandDown;
    private final boolean big;
    /** Accesses are implicit supervisor accesses (pushes onto a ring-0 stack from ring 3). */
    private final boolean supervisor;
    private final int faultCode;
    int esp;

    StackCursor(Cpu cpu, int base, int limit, int access, int esp, boolean supervisor, int faultCode) {
        this.cpu = cpu;
        this.base = base;
        this.limit = limit;
        this.expandDown = (access & (DescriptorTable.CODE | DescriptorTable.EXPAND_DOWN)) == DescriptorTable.EXPAND_DOWN;
        this.big = (access & 0x4000) != 0;
        this.supervisor = supervisor;
        this.faultCode = faultCode;
        this.esp = esp;
    }

    /** The current SS:ESP at the current privilege; stack faults report #SS(0). */
    static StackCursor current(Cpu cpu) {
        SegmentCache ss = cpu.seg[Cpu.SS];
        return new StackCursor(cpu, ss.base, ss.limit, ss.access, cpu.reg[Cpu.ESP], cpu.cpl != 3, 0);
    }

    void push(int size, int value) {
        int next = move(-size);
        int offset = big ? next : next & 0xFFFF;
        check(offset, size);
        int linear = base + offset;
        if (size == 4) {
            if (supervisor) cpu.mmu.sysWrite32(linear, value); else cpu.mmu.write32(linear, value);
        } else {
            if (supervisor) cpu.mmu.sysWrite16(linear, value); else cpu.mmu.write16(linear, value);
        }
        esp = next;
    }

    int pop(int size) {
        int offset = big ? esp : esp & 0xFFFF;
        check(offset, size);
        int linear = base + offset;
        int value;
        if (size == 4) {
            value = supervisor ? cpu.mmu.sysRead32(linear) : cpu.mmu.read32(linear);
        } else {
            value = supervisor ? cpu.mmu.sysRead16(linear) : cpu.mmu.read16(linear);
        }
        esp = move(size);
        return value;
    }

    /** Releases {@code bytes} of stack (RETF imm16) without reading them. */
    void skip(int bytes) {
        esp = move(bytes);
    }

    private int move(int delta) {
        return big ? esp + delta : (esp & 0xFFFF0000) | ((esp + delta) & 0xFFFF);
    }

    private void check(int offset, int size) {
        long first = Integer.toUnsignedLong(offset);
        long last = first + size - 1;
        boolean ok;
        if (expandDown) {
            ok = first > Integer.toUnsignedLong(limit) && last <= (big ? 0xFFFFFFFFL : 0xFFFFL);
        } else {
            ok = last <= Integer.toUnsignedLong(limit);
        }
        if (!ok) throw CpuFault.withCode(Vectors.SS, faultCode);
    }
}
