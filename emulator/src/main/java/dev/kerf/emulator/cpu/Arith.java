package dev.kerf.emulator.cpu;

/**
 * ADD OR ADC SBB AND SUB XOR CMP in all their forms (00-3D, group 1), INC, DEC, NEG and the
 * group-3 dispatch. The logical half of the ALU lives in {@link Logic}. Flags are lazy
 * ({@link Flags}); results are masked to the operand size.
 */
final class Arith {
    static final int ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;

    private Arith() {}

    /** One ALU operation on masked operands; returns the result (CMP: the difference). */
    static int alu(Cpu c, int op, int a, int b, int mask) {
        b &= mask;
        int r;
        switch (op) {
            case ADD:
                r = value(ADD, a, b, mask);
                Flags.set(c, Flags.K_ADD, a, b, r, mask);
                return r;
            case ADC: {
                int cin = Flags.cf(c);
                r = (a + b + cin) & mask;
                Flags.set(c, cin != 0 ? Flags.K_ADC : Flags.K_ADD, a, b, r, mask);
                return r;
            }
            case SBB: {
                int cin = Flags.cf(c);
                r = (a - b - cin) & mask;
                Flags.set(c, cin != 0 ? Flags.K_SBB : Flags.K_SUB, a, b, r, mask);
                return r;
            }
            case SUB:
            case CMP:
                r = value(SUB, a, b, mask);
                Flags.set(c, Flags.K_SUB, a, b, r, mask);
                return r;
            default:
                return Logic.op(c, op, a, b, mask);
        }
    }

    /**
     * The result of ALU operation {@code op} other than ADC and SBB (CMP: the difference, TEST:
     * AND) on operands masked to {@code mask}, without touching the flags: what {@link #alu} and
     * {@link Logic#op} return, and what a compiled block uses when the flags are overwritten
     * before anything can see them (docs/block-translator.md §4).
     */
    static int value(int op, int a, int b, int mask) {
        b &= mask;
        switch (op) {
            case ADD: return (a + b) & mask;
            case SUB: case CMP: return (a - b) & mask;
            case OR: return (a | b) & mask;
            case XOR: return (a ^ b) & mask;
            case AND: return a & b & mask;
            default: throw new IllegalArgumentException("ALU operation " + op + " reads the carry");
        }
    }

    /** Opcodes 00-3D with low bits 0..5: r/m,r / r,r/m / acc,imm forms of the eight ALU ops. */
    static void aluForm(Executor x, int opcode) {
        int op = opcode >> 3;
        int mask = (opcode & 1) == 0 ? 0xFF : x.opMask();
        Cpu c = x.cpu;
        switch (opcode & 7) {
            case 0:
            case 1: {
                int r = alu(c, op, x.rmv(mask), x.regv(mask, x.regf), mask);
                if (op != CMP) x.setRmv(mask, r);
                return;
            }
            case 2:
            case 3: {
                int r = alu(c, op, x.regv(mask, x.regf), x.rmv(mask), mask);
                if (op != CMP) x.setRegv(mask, x.regf, r);
                return;
            }
            default: {
                int r = alu(c, op, x.regv(mask, Cpu.EAX), x.imm, mask);
                if (op != CMP) x.setRegv(mask, Cpu.EAX, r);
            }
        }
    }

    /** 80-83: ALU op (ModRM.reg) on r/m with an immediate. */
    static void group1(Executor x, int opcode) {
        int mask = (opcode & 1) == 0 ? 0xFF : x.opMask();
        int op = x.regf;
        int r = alu(x.cpu, op, x.rmv(mask), x.imm, mask);
        if (op != CMP) x.setRmv(mask, r);
    }

    static int inc(Cpu c, int a, int mask) {
        keepCarry(c);
        int r = (a + 1) & mask;
        Flags.set(c, Flags.K_ADD, a, 1, r, mask);
        c.lazyMask = Flags.ARITH & ~Flags.CF;
        return r;
    }

    static int dec(Cpu c, int a, int mask) {
        keepCarry(c);
        int r = (a - 1) & mask;
        Flags.set(c, Flags.K_SUB, a, 1, r, mask);
        c.lazyMask = Flags.ARITH & ~Flags.CF;
        return r;
    }

    /** INC/DEC leave CF alone: fix its current value in flagBits before the lazy state moves on. */
    private static void keepCarry(Cpu c) {
        c.flagBits = (c.flagBits & ~Flags.CF) | Flags.cf(c);
    }

    static int neg(Cpu c, int a, int mask) {
        int r = (-a) & mask;
        Flags.set(c, Flags.K_SUB, 0, a, r, mask);
        return r;
    }

    /** 40-4F: INC/DEC r16/r32. */
    static void incDecReg(Executor x, int opcode) {
        int mask = x.opMask();
        int i = opcode & 7;
        int a = x.regv(mask, i);
        x.setRegv(mask, i, opcode < 0x48 ? inc(x.cpu, a, mask) : dec(x.cpu, a, mask));
    }

    /** FE /0-1 and FF /0-1: INC/DEC r/m. */
    static void incDecRm(Executor x, int mask) {
        int a = x.rmv(mask);
        x.setRmv(mask, x.regf == 0 ? inc(x.cpu, a, mask) : dec(x.cpu, a, mask));
    }

    /** F6/F7: TEST NOT NEG MUL IMUL DIV IDIV on r/m. */
    static void group3(Executor x, int opcode) {
        int mask = opcode == 0xF6 ? 0xFF : x.opMask();
        Cpu c = x.cpu;
        switch (x.regf) {
            case 0:
            case 1: Logic.op(c, AND, x.rmv(mask), x.imm & mask, mask); return;
            case 2: x.setRmv(mask, ~x.rmv(mask) & mask); return;
            case 3: x.setRmv(mask, neg(c, x.rmv(mask), mask)); return;
            case 4: MulDiv.mul(x, mask, x.rmv(mask)); return;
            case 5: MulDiv.imul1(x, mask, x.rmv(mask)); return;
            case 6: MulDiv.div(x, mask, x.rmv(mask)); return;
            default: MulDiv.idiv(x, mask, x.rmv(mask));
        }
    }
}
