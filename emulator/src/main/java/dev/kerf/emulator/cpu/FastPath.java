package dev.kerf.emulator.cpu;

import dev.kerf.emulator.cpu.decode.OpcodeTable;

/**
 * Pre-decoded fast path for the commonest instructions of 32-bit code without prefixes: ALU
 * r32,r/m32 forms, MOV, LEA, INC/DEC, PUSH/POP, MOV r32,imm32, group 1 with an immediate, shifts,
 * Jcc, JMP, CALL, RET and NOP. {@link Executor#step()} tries it after fetching an opcode byte when
 * CS is 32-bit and no prefix was seen; anything it does not take goes through the generic
 * table-driven decoder.
 *
 * <p>Contract: {@link #exec} either executes the whole instruction (returns true) or returns false
 * having changed nothing but the fetch position, which it puts back to just after the opcode. It
 * decodes exactly as the generic decoder would (same bytes, same faults in the same order), and
 * register-only forms are executed inline; memory forms and rarer operations go to the same
 * instruction-family methods {@link Dispatch} uses, so the semantics live in one place. The
 * switch is flat on purpose: one tableswitch, and the method stays small enough for the JIT.
 */
final class FastPath {
    private FastPath() {}

    static boolean exec(Executor x, int op) {
        Cpu c = x.cpu;
        int[] reg = x.reg;
        switch (op) {
            case 0x01: case 0x03: case 0x09: case 0x0B: case 0x21: case 0x23:
            case 0x29: case 0x2B: case 0x31: case 0x33: case 0x39: case 0x3B: case 0x85: {
                int m = x.fetch8();
                if (m < 0xC0) {
                    // Destination in memory (a read-modify-write): the generic family method.
                    if ((op & 2) == 0 && op != 0x39 && op != 0x85) return memoryForm(x, op, m);
                    int r = (m >> 3) & 7;
                    memoryOperand(x, op, m);
                    c.eip = x.ip;
                    int v = x.read32(x.ea);
                    if (op == 0x85) Flags.logic(c, reg[r] & v, -1);
                    else if (op == 0x39) alu32(c, Arith.CMP, v, reg[r]);
                    else if (op == 0x3B) alu32(c, Arith.CMP, reg[r], v);
                    else reg[r] = alu32(c, op >> 3, reg[r], v);
                    return true;
                }
                c.eip = x.ip;
                int r = (m >> 3) & 7, b = m & 7;
                if (op == 0x85) {
                    Flags.logic(c, reg[b] & reg[r], -1);
                } else if ((op & 2) == 0) {
                    int v = alu32(c, op >> 3, reg[b], reg[r]);
                    if (op != 0x39) reg[b] = v;
                } else {
                    int v = alu32(c, op >> 3, reg[r], reg[b]);
                    if (op != 0x3B) reg[r] = v;
                }
                return true;
            }
            case 0x89: case 0x8B: {
                int m = x.fetch8();
                if (m < 0xC0) {
                    memoryOperand(x, op, m);
                    c.eip = x.ip;
                    if (op == 0x89) x.write32(x.ea, reg[x.regf]);
                    else reg[x.regf] = x.read32(x.ea);
                    return true;
                }
                c.eip = x.ip;
                if (op == 0x89) reg[m & 7] = reg[(m >> 3) & 7];
                else reg[(m >> 3) & 7] = reg[m & 7];
                return true;
            }
            case 0x8D: {
                int m = x.fetch8();
                if (m >= 0xC0) return undo(x); // LEA with a register operand: #UD via the generic path
                memoryOperand(x, op, m);
                c.eip = x.ip;
                reg[x.regf] = x.eaOff;
                return true;
            }
            case 0x81: case 0x83: {
                int m = x.fetch8();
                if (m < 0xC0) return memoryForm(x, op, m);
                int imm = op == 0x83 ? (byte) x.fetch8() : x.fetch32();
                c.eip = x.ip;
                int alu = (m >> 3) & 7, b = m & 7;
                int v = alu32(c, alu, reg[b], imm);
                if (alu != Arith.CMP) reg[b] = v;
                return true;
            }
            case 0xC1: case 0xD1: case 0xD3: {
                int m = x.fetch8();
                if (m < 0xC0) return memoryForm(x, op, m);
                int count = op == 0xC1 ? x.fetch8() : op == 0xD1 ? 1 : reg[Cpu.ECX];
                c.eip = x.ip;
                count &= 0x1F;
                int b = m & 7;
                if (count != 0) reg[b] = Shift.shift(c, (m >> 3) & 7, reg[b], count, -1);
                return true;
            }
            case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46: case 0x47:
                c.eip = x.ip;
                reg[op & 7] = Arith.inc(c, reg[op & 7], -1);
                return true;
            case 0x48: case 0x49: case 0x4A: case 0x4B: case 0x4C: case 0x4D: case 0x4E: case 0x4F:
                c.eip = x.ip;
                reg[op & 7] = Arith.dec(c, reg[op & 7], -1);
                return true;
            case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57:
                c.eip = x.ip;
                Stack.push(x, reg[op & 7]);
                return true;
            case 0x58: case 0x59: case 0x5A: case 0x5B: case 0x5C: case 0x5D: case 0x5E: case 0x5F:
                c.eip = x.ip;
                Stack.popReg(x, op & 7);
                return true;
            case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
            case 0x78: case 0x79: case 0x7A: case 0x7B: case 0x7C: case 0x7D: case 0x7E: case 0x7F: {
                int disp = (byte) x.fetch8();
                int next = x.ip;
                c.eip = condition(c, op & 15) ? next + disp : next;
                return true;
            }
            case 0x0F: return twoByte(x, c);
            case 0x90:
                c.eip = x.ip;
                return true;
            case 0xB8: case 0xB9: case 0xBA: case 0xBB: case 0xBC: case 0xBD: case 0xBE: case 0xBF:
                reg[op & 7] = x.fetch32();
                c.eip = x.ip;
                return true;
            case 0xC3:
                c.eip = x.ip;
                Control.ret(x, 0);
                return true;
            case 0xE8: {
                int disp = x.fetch32();
                c.eip = x.ip;
                x.imm = disp;
                Control.callRel(x);
                return true;
            }
            case 0xE9: {
                int disp = x.fetch32();
                c.eip = x.ip + disp;
                return true;
            }
            case 0xEB: {
                int disp = (byte) x.fetch8();
                c.eip = x.ip + disp;
                return true;
            }
            default:
                return false;
        }
    }

    /** 0F 80-8F: Jcc rel32; other two-byte opcodes go to the generic path. */
    private static boolean twoByte(Executor x, Cpu c) {
        int op2 = x.fetch8();
        if ((op2 & 0xF0) == 0x80) {
            int disp = x.fetch32();
            int next = x.ip;
            c.eip = condition(c, op2 & 15) ? next + disp : next;
            return true;
        }
        return undo(x);
    }

    /**
     * A form with a memory operand: decodes it exactly as the generic decoder does (none of the
     * opcodes sent here has ModRM restrictions), then runs the instruction through {@link Dispatch}.
     */
    private static boolean memoryForm(Executor x, int op, int m) {
        memoryOperand(x, op, m);
        int kind = OpcodeTable.immKind(OpcodeTable.one(op));
        if (kind == OpcodeTable.IMM_B) x.imm = x.fetch8();
        else if (kind == OpcodeTable.IMM_SB) x.imm = (byte) x.fetch8();
        else if (kind == OpcodeTable.IMM_Z) x.imm = x.fetch32();
        x.cpu.eip = x.ip;
        Dispatch.oneByte(x, op);
        return true;
    }

    /** Decodes the memory operand of ModRM byte {@code m} (mod != 3) as the generic decoder does. */
    private static void memoryOperand(Executor x, int op, int m) {
        x.setEntry(OpcodeTable.one(op));
        x.regf = (m >> 3) & 7;
        x.rm = -1;
        x.address32(m);
    }

    private static boolean undo(Executor x) {
        x.ip = x.start + 1;
        return false;
    }

    /** 32-bit ALU operation {@code op} (an {@link Arith} index) with lazy flags. */
    static int alu32(Cpu c, int op, int a, int b) {
        switch (op) {
            case Arith.ADD: {
                int r = a + b;
                Flags.set(c, Flags.K_ADD, a, b, r, -1);
                return r;
            }
            case Arith.SUB:
            case Arith.CMP: {
                int r = a - b;
                Flags.set(c, Flags.K_SUB, a, b, r, -1);
                return r;
            }
            case Arith.XOR: {
                int r = a ^ b;
                Flags.logic(c, r, -1);
                return r;
            }
            case Arith.AND: {
                int r = a & b;
                Flags.logic(c, r, -1);
                return r;
            }
            case Arith.OR: {
                int r = a | b;
                Flags.logic(c, r, -1);
                return r;
            }
            default:
                return Arith.alu(c, op, a, b, -1);
        }
    }

    /**
     * Condition code {@code cc}. After a lazy CMP/SUB (the usual producer of a Jcc's flags) the
     * unsigned and equality conditions are read straight off the operands.
     */
    static boolean condition(Cpu c, int cc) {
        if (c.lazyMask == Flags.ARITH && c.fKind == Flags.K_SUB && c.fMask == -1) {
            int a = c.fOp1, b = c.fOp2;
            boolean r;
            switch (cc >> 1) {
                case 1: r = Integer.compareUnsigned(a, b) < 0; break;
                case 2: r = a == b; break;
                case 3: r = Integer.compareUnsigned(a, b) <= 0; break;
                case 6: r = a < b; break;
                case 7: r = a <= b; break;
                default: return Flags.cond(c, cc);
            }
            return r ^ ((cc & 1) != 0);
        }
        if ((cc & 0xE) == 4) return Flags.zf(c) ^ ((cc & 1) != 0);
        return Flags.cond(c, cc);
    }
}
