package dev.kerf.emulator.cpu;

/**
 * PUSH/POP (registers, r/m, immediates, segment registers), PUSHA/POPA, PUSHF/POPF, ENTER and
 * LEAVE. The stack pointer is ESP or SP according to SS.B. Memory is written before ESP moves,
 * so a #PF/#SS leaves ESP as it was (the run loop also rewinds ESP to be sure). Stack accesses
 * are not checked against the SS limit.
 */
final class Stack {
    private Stack() {}

    private static boolean big(Executor x) {
        return (x.seg[Cpu.SS].access & 0x4000) != 0;
    }

    /** Stack pointer moved by {@code delta}, wrapped to 16 bits on a 16-bit stack. */
    static int spPlus(Executor x, int delta) {
        int esp = x.reg[Cpu.ESP];
        return big(x) ? esp + delta : (esp & 0xFFFF0000) | ((esp + delta) & 0xFFFF);
    }

    private static int linear(Executor x, int esp) {
        return x.seg[Cpu.SS].base + (big(x) ? esp : esp & 0xFFFF);
    }

    /** Pushes {@code v} with the current operand size. */
    static void push(Executor x, int v) {
        pushSized(x, x.o32, v);
    }

    static void pushSized(Executor x, boolean size32, int v) {
        int sp = spPlus(x, size32 ? -4 : -2);
        if (size32) x.write32(linear(x, sp), v);
        else x.write16(linear(x, sp), v);
        x.reg[Cpu.ESP] = sp;
    }

    /** Value on top of the stack with the current operand size, without popping. */
    static int peek(Executor x) {
        return peekSized(x, x.o32);
    }

    static int peekSized(Executor x, boolean size32) {
        int lin = linear(x, x.reg[Cpu.ESP]);
        return size32 ? x.read32(lin) : x.read16(lin);
    }

    static int pop(Executor x) {
        return popSized(x, x.o32);
    }

    /** Pops a value of 4 ({@code size32}) or 2 bytes; ESP moves only after the read succeeded. */
    static int popSized(Executor x, boolean size32) {
        int v = peekSized(x, size32);
        x.reg[Cpu.ESP] = spPlus(x, size32 ? 4 : 2);
        return v;
    }

    /** 58-5F. POP ESP leaves the popped value in ESP. */
    static void popReg(Executor x, int r) {
        int v = pop(x);
        x.setRegv(x.opMask(), r, v);
    }

    /** 8F /0: POP r/m; an ESP-based address is computed after the increment, as the SDM says. */
    static void popRm(Executor x) {
        int v = peek(x);
        int size = x.o32 ? 4 : 2;
        if (x.rm >= 0) {
            x.reg[Cpu.ESP] = spPlus(x, size);
            x.setRegv(x.opMask(), x.rm, v);
            return;
        }
        int lin = x.eaBase == Cpu.ESP ? x.ea + size : x.ea;
        x.writeMem(x.opMask(), lin, v);
        x.reg[Cpu.ESP] = spPlus(x, size);
    }

    static void pushSeg(Executor x, int sreg) {
        push(x, x.seg[sreg].selector);
    }

    /** POP ES/SS/DS/FS/GS; POP SS opens an interrupt shadow. */
    static void popSeg(Executor x, int sreg) {
        int v = peek(x);
        SegmentLoader.load(x.cpu, sreg, v & 0xFFFF);
        x.reg[Cpu.ESP] = spPlus(x, x.o32 ? 4 : 2);
        if (sreg == Cpu.SS) x.cpu.shadow = true;
    }

    /** 60: PUSHA/PUSHAD (the ESP pushed is the value before the instruction). */
    static void pusha(Executor x) {
        int size = x.o32 ? 4 : 2;
        int sp = x.reg[Cpu.ESP];
        for (int i = 0; i < 8; i++) {
            int lin = linear(x, spPlus(x, -size * (i + 1)));
            int v = i == Cpu.ESP ? sp : x.reg[i];
            if (size == 4) x.write32(lin, v);
            else x.write16(lin, v);
        }
        x.reg[Cpu.ESP] = spPlus(x, -8 * size);
    }

    /** 61: POPA/POPAD (the ESP slot is skipped). */
    static void popa(Executor x) {
        int size = x.o32 ? 4 : 2;
        int mask = x.opMask();
        int[] v = x.scratch8;
        for (int i = 0; i < 8; i++) {
            int lin = linear(x, spPlus(x, size * i));
            v[7 - i] = size == 4 ? x.read32(lin) : x.read16(lin);
        }
        for (int i = 0; i < 8; i++) {
            if (i != Cpu.ESP) x.setRegv(mask, i, v[i]);
        }
        x.reg[Cpu.ESP] = spPlus(x, 8 * size);
    }

    /** 9C: PUSHF/PUSHFD; the image has VM and RF clear. */
    static void pushf(Executor x) {
        push(x, x.cpu.getEflags() & ~(Flags.VM | Flags.RF));
    }

    /**
     * 9D: POPF/POPFD. VM, VIF, VIP keep their values and RF is cleared; IOPL changes only at
     * CPL 0 and IF only when CPL <= IOPL (no fault); 16-bit POPF changes only the low 16 bits.
     */
    static void popf(Executor x) {
        Cpu c = x.cpu;
        int v = peek(x);
        int changeable = Flags.WRITABLE & ~(Flags.VM | Flags.VIF | Flags.VIP | Flags.RF);
        if (c.cpl > 0) changeable &= ~Flags.IOPL;
        if (c.cpl > x.iopl()) changeable &= ~Flags.IF;
        if (!x.o32) changeable &= 0xFFFF;
        x.reg[Cpu.ESP] = spPlus(x, x.o32 ? 4 : 2);
        int old = c.getEflags();
        c.setEflags(((old & ~changeable) | (v & changeable)) & ~Flags.RF);
        c.pollIrq = true;
    }

    /** C8: ENTER imm16, imm8 (nesting level taken mod 32). */
    static void enter(Executor x) {
        int size = x.o32 ? 4 : 2;
        int level = x.imm2 & 31;
        int ebp = x.reg[Cpu.EBP];
        pushSized(x, x.o32, ebp);
        int frame = x.reg[Cpu.ESP];
        if (level > 0) {
            for (int i = 1; i < level; i++) {
                ebp = big(x) ? ebp - size : (ebp & 0xFFFF0000) | ((ebp - size) & 0xFFFF);
                int v = size == 4 ? x.read32(linear(x, ebp)) : x.read16(linear(x, ebp));
                pushSized(x, x.o32, v);
            }
            pushSized(x, x.o32, frame);
        }
        int newEsp = spPlus(x, -x.imm);
        x.setRegv(big(x) ? -1 : 0xFFFF, Cpu.EBP, frame);
        x.reg[Cpu.ESP] = newEsp;
    }

    /** C9: LEAVE: ESP = EBP, then POP EBP. */
    static void leave(Executor x) {
        int ebp = x.reg[Cpu.EBP];
        int sp = big(x) ? ebp : (x.reg[Cpu.ESP] & 0xFFFF0000) | (ebp & 0xFFFF);
        int lin = linear(x, sp);
        int v = x.o32 ? x.read32(lin) : x.read16(lin);
        int size = x.o32 ? 4 : 2;
        x.reg[Cpu.ESP] = big(x) ? sp + size : (sp & 0xFFFF0000) | ((sp + size) & 0xFFFF);
        x.setRegv(x.opMask(), Cpu.EBP, v);
    }
}
