package dev.kerf.emulator.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.kerf.emulator.cpu.decode.Decoded;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * The specialised forms of {@link BlockCompiler}: for the commonest 32-bit integer instructions,
 * bytecode that moves the operands (registers, memory through the executor's micro-TLB
 * accessors, immediates and displacements as constants) and calls the instruction families'
 * own operations for the semantics ({@link Arith#alu}, {@link Arith#inc}, {@link Shift#shift},
 * {@link Stack#pushSized}, {@link Flags#cond}...). Nothing here computes a result or a flag by
 * itself, so the interpreter and the translator share one source of semantics; what the
 * translator removes is the decode and the dispatch. Anything not handled here is compiled as a
 * call of the whole family ({@link BlockCompiler#generic}).
 *
 * <p>Exactness: before anything that can fault (a memory operand's limit check or access, a
 * push or pop) the instruction's icount, start address and ESP are stored as the interpreter's
 * step leaves them, and results are written before flags, so a fault leaves the state of the
 * instruction's start (the run loop then rewinds EIP/ESP and delivers it).
 */
final class Emitter {
    private static final String CPU = BlockCompiler.CPU, EXEC = BlockCompiler.EXEC;
    private static final String CPU_T = "L" + CPU + ";", EXEC_T = "L" + EXEC + ";";
    private static final String FLAGS = Type.getInternalName(Flags.class);
    private static final String ARITH = Type.getInternalName(Arith.class);
    private static final String SHIFT = Type.getInternalName(Shift.class);
    private static final String STACK = Type.getInternalName(Stack.class);
    private static final int C = BlockCompiler.C, X = BlockCompiler.X, REG = BlockCompiler.REG;
    /** Scratch locals: first and second operand, result, linear address of the memory operand. */
    private static final int A = 6, B = 7, R = 8, L = 9;

    private final MethodVisitor mv;
    /** EIP of the block's first instruction. */
    private final int blockEip;
    /**
     * Emits the back edge of a block whose last instruction jumps to its own start (null: none):
     * the jump is then compiled as a loop inside the method (see {@link BlockCompiler}).
     */
    private final Runnable selfLoop;

    Emitter(MethodVisitor mv, int blockEip, Runnable selfLoop) {
        this.mv = mv;
        this.blockEip = blockEip;
        this.selfLoop = selfLoop;
    }

    /**
     * Emits instruction {@code d} (number {@code k} in its block) if it has a specialised form;
     * when it is the block's {@code last}, the emitted code also leaves {@code c.eip} at the
     * next instruction (or the branch target).
     */
    boolean specialised(Decoded d, int k, boolean last) {
        boolean pause = d.op() == 0x90 && d.rep() == 0xF3 && d.o32() && d.segOvr() < 0 && !d.lock() && d.length() == 2;
        if (!pause && (!d.o32() || d.rep() != 0 || (d.memory() && !d.a32()))) return false;
        boolean done = pause || body(d, k, d.op());
        if (done && last && !transfersControl(d)) BlockCompiler.setEip(mv, d.next());
        return done;
    }

    /** Near JMP or Jcc with a relative target: the forms a block that loops on itself ends with. */
    static boolean isDirectJump(int op) {
        return (op >= 0x70 && op <= 0x7F) || (op >= 0x180 && op <= 0x18F) || op == 0xE9 || op == 0xEB;
    }

    /** The specialised forms that set {@code c.eip} themselves: jumps, CALL, RET, CALL/JMP through FF. */
    private static boolean transfersControl(Decoded d) {
        int op = d.op();
        return isDirectJump(op) || op == 0xE8 || op == 0xC3 || op == 0xFF && (d.regf() == 2 || d.regf() == 4);
    }

    private boolean body(Decoded d, int k, int op) {
        switch (op) {
            case 0x01: case 0x09: case 0x11: case 0x19: case 0x21: case 0x29: case 0x31: case 0x39:
                // ALU r/m32, r32
                readRm(d, k);
                mv.visitVarInsn(ISTORE, A);
                loadReg(d.regf());
                mv.visitVarInsn(ISTORE, B);
                alu(d, op >> 3, true);
                return true;
            case 0x03: case 0x0B: case 0x13: case 0x1B: case 0x23: case 0x2B: case 0x33: case 0x3B:
                // ALU r32, r/m32
                readRm(d, k);
                mv.visitVarInsn(ISTORE, B);
                loadReg(d.regf());
                mv.visitVarInsn(ISTORE, A);
                alu(d, op >> 3, false);
                return true;
            case 0x05: case 0x0D: case 0x15: case 0x1D: case 0x25: case 0x2D: case 0x35: case 0x3D:
                // ALU EAX, imm32
                loadReg(Cpu.EAX);
                mv.visitVarInsn(ISTORE, A);
                push(d.imm());
                mv.visitVarInsn(ISTORE, B);
                alu(d, op >> 3, false, 4, Cpu.EAX);
                return true;
            case 0x81: case 0x83:
                readRm(d, k);
                mv.visitVarInsn(ISTORE, A);
                push(d.imm());
                mv.visitVarInsn(ISTORE, B);
                alu(d, d.regf(), true);
                return true;
            case 0x85:
                // TEST r/m32, r32: an AND whose result is dropped
                readRm(d, k);
                mv.visitVarInsn(ISTORE, A);
                loadReg(d.regf());
                mv.visitVarInsn(ISTORE, B);
                test(-1);
                return true;
            case 0x89:
                loadReg(d.regf());
                mv.visitVarInsn(ISTORE, R);
                writeRm(d, k);
                return true;
            case 0x8B:
                mv.visitVarInsn(ALOAD, REG);
                push(d.regf());
                readRm(d, k);
                mv.visitInsn(IASTORE);
                return true;
            case 0xC7:
                push(d.imm());
                mv.visitVarInsn(ISTORE, R);
                writeRm(d, k);
                return true;
            case 0xB8: case 0xB9: case 0xBA: case 0xBB: case 0xBC: case 0xBD: case 0xBE: case 0xBF:
                mv.visitVarInsn(ALOAD, REG);
                push(op & 7);
                push(d.imm());
                mv.visitInsn(IASTORE);
                return true;
            case 0x8D:
                if (!d.memory()) return false;
                mv.visitVarInsn(ALOAD, REG);
                push(d.regf());
                offset(d);
                mv.visitInsn(IASTORE);
                return true;
            case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46: case 0x47:
            case 0x48: case 0x49: case 0x4A: case 0x4B: case 0x4C: case 0x4D: case 0x4E: case 0x4F:
                mv.visitVarInsn(ALOAD, REG);
                push(op & 7);
                mv.visitVarInsn(ALOAD, C);
                loadReg(op & 7);
                push(-1);
                mv.visitMethodInsn(INVOKESTATIC, ARITH, op < 0x48 ? "inc" : "dec", "(" + CPU_T + "II)I", false);
                mv.visitInsn(IASTORE);
                return true;
            case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57:
                prologue(d, k);
                loadReg(op & 7);
                mv.visitVarInsn(ISTORE, R);
                pushValue();
                return true;
            case 0x68: case 0x6A:
                prologue(d, k);
                push(d.imm());
                mv.visitVarInsn(ISTORE, R);
                pushValue();
                return true;
            case 0x58: case 0x59: case 0x5A: case 0x5B: case 0x5C: case 0x5D: case 0x5E: case 0x5F:
                // POP r32: the popped value wins over the ESP increment (POP ESP)
                prologue(d, k);
                popValue();
                mv.visitVarInsn(ISTORE, R);
                mv.visitVarInsn(ALOAD, REG);
                push(op & 7);
                mv.visitVarInsn(ILOAD, R);
                mv.visitInsn(IASTORE);
                return true;
            case 0xC1: case 0xD1:
                if (d.memory()) return false;
                return shift(d, op == 0xD1 ? 1 : d.imm() & 0x1F);
            case 0x1B6: case 0x1B7: case 0x1BE: case 0x1BF:
                return extend(d, k, op);
            case 0x90:
                return d.length() == 1;
            case 0x1AF:
                // IMUL r32, r/m32
                readRm(d, k);
                mv.visitVarInsn(ISTORE, B);
                loadReg(d.regf());
                mv.visitVarInsn(ISTORE, A);
                imul(d);
                return true;
            case 0x69: case 0x6B:
                // IMUL r32, r/m32, imm
                readRm(d, k);
                mv.visitVarInsn(ISTORE, A);
                push(d.imm());
                mv.visitVarInsn(ISTORE, B);
                imul(d);
                return true;
            case 0x190: case 0x191: case 0x192: case 0x193: case 0x194: case 0x195: case 0x196: case 0x197:
            case 0x198: case 0x199: case 0x19A: case 0x19B: case 0x19C: case 0x19D: case 0x19E: case 0x19F:
                // SETcc r/m8
                condition(op & 15);
                mv.visitVarInsn(ISTORE, R);
                writeRm(d, k, 1);
                return true;
            case 0x140: case 0x141: case 0x142: case 0x143: case 0x144: case 0x145: case 0x146: case 0x147:
            case 0x148: case 0x149: case 0x14A: case 0x14B: case 0x14C: case 0x14D: case 0x14E: case 0x14F: {
                // CMOVcc r32, r/m32: the source is read (and may fault) whatever the condition
                readRm(d, k);
                mv.visitVarInsn(ISTORE, R);
                Label skip = new Label();
                jumpUnless(op & 15, skip);
                storeReg(d.regf());
                mv.visitLabel(skip);
                return true;
            }
            case 0x88:
                // MOV r/m8, r8
                reg8(d.regf());
                mv.visitVarInsn(ISTORE, R);
                writeRm(d, k, 1);
                return true;
            case 0x8A:
                // MOV r8, r/m8
                readRm(d, k, 1);
                mv.visitVarInsn(ISTORE, R);
                setReg8(d.regf());
                return true;
            case 0xC6:
                push(d.imm() & 0xFF);
                mv.visitVarInsn(ISTORE, R);
                writeRm(d, k, 1);
                return true;
            case 0xB0: case 0xB1: case 0xB2: case 0xB3: case 0xB4: case 0xB5: case 0xB6: case 0xB7:
                push(d.imm() & 0xFF);
                mv.visitVarInsn(ISTORE, R);
                setReg8(op & 7);
                return true;
            case 0x00: case 0x08: case 0x10: case 0x18: case 0x20: case 0x28: case 0x30: case 0x38:
                // ALU r/m8, r8
                readRm(d, k, 1);
                mv.visitVarInsn(ISTORE, A);
                reg8(d.regf());
                mv.visitVarInsn(ISTORE, B);
                alu(d, op >> 3, true, 1, d.rm());
                return true;
            case 0x02: case 0x0A: case 0x12: case 0x1A: case 0x22: case 0x2A: case 0x32: case 0x3A:
                // ALU r8, r/m8
                readRm(d, k, 1);
                mv.visitVarInsn(ISTORE, B);
                reg8(d.regf());
                mv.visitVarInsn(ISTORE, A);
                alu(d, op >> 3, false, 1, d.regf());
                return true;
            case 0x04: case 0x0C: case 0x14: case 0x1C: case 0x24: case 0x2C: case 0x34: case 0x3C:
                // ALU AL, imm8
                reg8(Cpu.EAX);
                mv.visitVarInsn(ISTORE, A);
                push(d.imm() & 0xFF);
                mv.visitVarInsn(ISTORE, B);
                alu(d, op >> 3, false, 1, Cpu.EAX);
                return true;
            case 0x80: case 0x82:
                readRm(d, k, 1);
                mv.visitVarInsn(ISTORE, A);
                push(d.imm() & 0xFF);
                mv.visitVarInsn(ISTORE, B);
                alu(d, d.regf(), true, 1, d.rm());
                return true;
            case 0x84:
                // TEST r/m8, r8
                readRm(d, k, 1);
                mv.visitVarInsn(ISTORE, A);
                reg8(d.regf());
                mv.visitVarInsn(ISTORE, B);
                test(0xFF);
                return true;
            case 0xA8:
                reg8(Cpu.EAX);
                mv.visitVarInsn(ISTORE, A);
                push(d.imm() & 0xFF);
                mv.visitVarInsn(ISTORE, B);
                test(0xFF);
                return true;
            case 0xF6:
                if (d.regf() > 1) return false;
                // TEST r/m8, imm8
                readRm(d, k, 1);
                mv.visitVarInsn(ISTORE, A);
                push(d.imm() & 0xFF);
                mv.visitVarInsn(ISTORE, B);
                test(0xFF);
                return true;
            case 0xD3: {
                // shift group 2 r32 by CL (a zero count changes nothing, not even flags)
                if (d.memory()) return false;
                Label skip = new Label();
                loadReg(Cpu.ECX);
                push(0x1F);
                mv.visitInsn(IAND);
                mv.visitVarInsn(ISTORE, B);
                mv.visitVarInsn(ILOAD, B);
                mv.visitJumpInsn(IFEQ, skip);
                mv.visitVarInsn(ALOAD, REG);
                push(d.rm());
                mv.visitVarInsn(ALOAD, C);
                loadReg(d.rm());
                mv.visitVarInsn(ILOAD, B);
                push(-1);
                mv.visitMethodInsn(INVOKESTATIC, SHIFT, Shift.method(d.regf()), "(" + CPU_T + "III)I", false);
                mv.visitInsn(IASTORE);
                mv.visitLabel(skip);
                return true;
            }
            case 0xFF:
                return groupFive(d, k);
            case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
            case 0x78: case 0x79: case 0x7A: case 0x7B: case 0x7C: case 0x7D: case 0x7E: case 0x7F:
            case 0x180: case 0x181: case 0x182: case 0x183: case 0x184: case 0x185: case 0x186: case 0x187:
            case 0x188: case 0x189: case 0x18A: case 0x18B: case 0x18C: case 0x18D: case 0x18E: case 0x18F: {
                int target = d.next() + d.imm();
                Label notTaken = new Label(), end = new Label();
                jumpUnless(op & 15, notTaken);
                if (selfLoop != null && target == blockEip) {
                    selfLoop.run();
                } else {
                    setEip(target);
                    mv.visitJumpInsn(GOTO, end);
                }
                mv.visitLabel(notTaken);
                setEip(d.next());
                mv.visitLabel(end);
                return true;
            }
            case 0xE9: case 0xEB:
                if (selfLoop != null && d.next() + d.imm() == blockEip) {
                    selfLoop.run();
                } else {
                    setEip(d.next() + d.imm());
                }
                return true;
            case 0xE8:
                prologue(d, k);
                push(d.next());
                mv.visitVarInsn(ISTORE, R);
                pushValue();
                setEip(d.next() + d.imm());
                return true;
            case 0xC3:
                prologue(d, k);
                mv.visitVarInsn(ALOAD, C);
                popValue();
                mv.visitFieldInsn(PUTFIELD, CPU, "eip", "I");
                return true;
            default:
                return false;
        }
    }

    /** IMUL of A and B into ModRM.reg. */
    private void imul(Decoded d) {
        mv.visitVarInsn(ALOAD, C);
        mv.visitVarInsn(ILOAD, A);
        mv.visitVarInsn(ILOAD, B);
        mv.visitMethodInsn(INVOKESTATIC, Type.getInternalName(MulDiv.class), "imul32", "(" + CPU_T + "II)I", false);
        mv.visitVarInsn(ISTORE, R);
        storeReg(d.regf());
    }

    /** Pushes the even condition {@code cc & ~1} through the one Flags predicate it needs. */
    private void evenCondition(int cc) {
        mv.visitVarInsn(ALOAD, C);
        mv.visitMethodInsn(INVOKESTATIC, FLAGS, Flags.condMethod(cc), "(" + CPU_T + ")Z", false);
    }

    /** Pushes condition {@code cc} (0 or 1). */
    private void condition(int cc) {
        evenCondition(cc);
        if ((cc & 1) != 0) {
            push(1);
            mv.visitInsn(IXOR);
        }
    }

    /** Jumps to {@code label} unless condition {@code cc} holds. */
    private void jumpUnless(int cc, Label label) {
        evenCondition(cc);
        mv.visitJumpInsn((cc & 1) == 0 ? IFEQ : IFNE, label);
    }

    /**
     * FF: INC/DEC/PUSH r/m32 and, as the block's last instruction, CALL/JMP near through r/m32
     * (the far forms are never in a block).
     */
    private boolean groupFive(Decoded d, int k) {
        int r = d.regf();
        if (r == 3 || r == 5 || r == 7) return false;
        if (!d.memory() && (r == 2 || r == 6)) prologue(d, k); // the push may fault
        readRm(d, k);
        mv.visitVarInsn(ISTORE, A);
        switch (r) {
            case 0: case 1:
                if (d.memory()) {
                    mv.visitVarInsn(ALOAD, X);
                    mv.visitMethodInsn(INVOKEVIRTUAL, EXEC, "saveFlags", "()V", false);
                }
                mv.visitVarInsn(ALOAD, C);
                mv.visitVarInsn(ILOAD, A);
                push(-1);
                mv.visitMethodInsn(INVOKESTATIC, ARITH, r == 0 ? "inc" : "dec", "(" + CPU_T + "II)I", false);
                mv.visitVarInsn(ISTORE, R);
                writeBack(d);
                return true;
            case 2:
                // CALL r/m32: the return address is pushed after the target was read
                push(d.next());
                mv.visitVarInsn(ISTORE, R);
                pushValue();
                mv.visitVarInsn(ALOAD, C);
                mv.visitVarInsn(ILOAD, A);
                mv.visitFieldInsn(PUTFIELD, CPU, "eip", "I");
                return true;
            case 4:
                mv.visitVarInsn(ALOAD, C);
                mv.visitVarInsn(ILOAD, A);
                mv.visitFieldInsn(PUTFIELD, CPU, "eip", "I");
                return true;
            default:
                // PUSH r/m32
                mv.visitVarInsn(ILOAD, A);
                mv.visitVarInsn(ISTORE, R);
                pushValue();
                return true;
        }
    }

    /** Pushes byte register {@code i} (AL CL DL BL AH CH DH BH). */
    private void reg8(int i) {
        mv.visitVarInsn(ALOAD, X);
        push(i);
        mv.visitMethodInsn(INVOKEVIRTUAL, EXEC, "reg8", "(I)I", false);
    }

    /** Byte register {@code i} = R. */
    private void setReg8(int i) {
        mv.visitVarInsn(ALOAD, X);
        push(i);
        mv.visitVarInsn(ILOAD, R);
        mv.visitMethodInsn(INVOKEVIRTUAL, EXEC, "setReg8", "(II)V", false);
    }

    /** ALU op {@code alu} on the 32-bit A and B; the result goes to the r/m operand ({@code toRm}) or to ModRM.reg, except for CMP. */
    private void alu(Decoded d, int alu, boolean toRm) {
        alu(d, alu, toRm, 4, toRm ? d.rm() : d.regf());
    }

    /**
     * ALU op {@code alu} on A and B of {@code size} bytes (4 or 1); except for CMP the result goes
     * to the r/m operand ({@code toRm}: register {@code reg}, or memory at L) or to register {@code reg}.
     */
    private void alu(Decoded d, int alu, boolean toRm, int size, int reg) {
        if (toRm && d.memory() && alu != Arith.CMP) {
            // the flags are set before the store, which may fault: as Dispatch does, keep them to rewind
            mv.visitVarInsn(ALOAD, X);
            mv.visitMethodInsn(INVOKEVIRTUAL, EXEC, "saveFlags", "()V", false);
        }
        callAlu(alu, size == 4 ? -1 : 0xFF);
        if (alu == Arith.CMP) {
            mv.visitInsn(POP);
            return;
        }
        mv.visitVarInsn(ISTORE, R);
        if (toRm) writeBack(d, size, reg);
        else setReg(size, reg);
    }

    /** TEST: the flags of A AND B ({@code mask} -1 or 0xFF), the result dropped. */
    private void test(int mask) {
        callAlu(Arith.AND, mask);
        mv.visitInsn(POP);
    }

    /** Pushes {@code Arith.alu(c, alu, A, B, -1)}. */
    private void callAlu(int alu) {
        callAlu(alu, -1);
    }

    /** Pushes {@code Arith.alu(c, alu, A, B, mask)}. */
    private void callAlu(int alu, int mask) {
        mv.visitVarInsn(ALOAD, C);
        push(alu);
        mv.visitVarInsn(ILOAD, A);
        mv.visitVarInsn(ILOAD, B);
        push(mask);
        mv.visitMethodInsn(INVOKESTATIC, ARITH, "alu", "(" + CPU_T + "IIII)I", false);
    }

    /** Shift group 2 on a register by a constant count (0: nothing, not even flags). */
    private boolean shift(Decoded d, int count) {
        if (count == 0) return true;
        mv.visitVarInsn(ALOAD, REG);
        push(d.rm());
        mv.visitVarInsn(ALOAD, C);
        loadReg(d.rm());
        push(count);
        push(-1);
        mv.visitMethodInsn(INVOKESTATIC, SHIFT, Shift.method(d.regf()), "(" + CPU_T + "III)I", false);
        mv.visitInsn(IASTORE);
        return true;
    }

    /** MOVZX/MOVSX r32, r/m8 or r/m16. */
    private boolean extend(Decoded d, int k, int op) {
        boolean word = (op & 1) != 0, signed = op >= 0x1BE;
        mv.visitVarInsn(ALOAD, REG);
        push(d.regf());
        readRm(d, k, word ? 2 : 1);
        if (signed) mv.visitInsn(word ? I2S : I2B);
        mv.visitInsn(IASTORE);
        return true;
    }

    // ---- operands ----

    /** Pushes the 32-bit r/m operand (for memory: icount/start/ESP stored first, L holds the address). */
    private void readRm(Decoded d, int k) {
        readRm(d, k, 4);
    }

    /** Pushes the r/m operand of {@code size} bytes (4, 2 or 1), zero-extended. */
    private void readRm(Decoded d, int k, int size) {
        if (!d.memory()) {
            if (size == 1) {
                reg8(d.rm());
            } else {
                loadReg(d.rm());
                if (size == 2) {
                    push(0xFFFF);
                    mv.visitInsn(IAND);
                }
            }
            return;
        }
        prologue(d, k);
        linear(d);
        mv.visitVarInsn(ALOAD, X);
        mv.visitVarInsn(ILOAD, L);
        mv.visitMethodInsn(INVOKEVIRTUAL, EXEC, size == 4 ? "read32" : size == 2 ? "read16" : "read8", "(I)I", false);
    }

    /** Writes R to the 32-bit r/m operand (memory: address computed here). */
    private void writeRm(Decoded d, int k) {
        writeRm(d, k, 4);
    }

    /** Writes R ({@code size} 4 or 1 bytes) to the r/m operand (memory: icount/start/ESP stored first, address computed here). */
    private void writeRm(Decoded d, int k, int size) {
        if (d.memory()) {
            prologue(d, k);
            linear(d);
        }
        writeBack(d, size, d.rm());
    }

    /** Writes R to the 32-bit r/m operand whose address, for memory, is already in L. */
    private void writeBack(Decoded d) {
        writeBack(d, 4, d.rm());
    }

    /** Writes R ({@code size} 4 or 1 bytes) to register {@code reg} (no memory operand) or to memory at L. */
    private void writeBack(Decoded d, int size, int reg) {
        if (!d.memory()) {
            setReg(size, reg);
            return;
        }
        mv.visitVarInsn(ALOAD, X);
        mv.visitVarInsn(ILOAD, L);
        mv.visitVarInsn(ILOAD, R);
        mv.visitMethodInsn(INVOKEVIRTUAL, EXEC, size == 4 ? "write32" : "write8", "(II)V", false);
    }

    /** Register {@code reg} of {@code size} bytes (4 or 1) = R. */
    private void setReg(int size, int reg) {
        if (size == 4) storeReg(reg);
        else setReg8(reg);
    }

    /** L = the memory operand's linear address (limit-checked: may fault). */
    private void linear(Decoded d) {
        mv.visitVarInsn(ALOAD, X);
        push(d.sreg());
        offset(d);
        mv.visitMethodInsn(INVOKEVIRTUAL, EXEC, "linear", "(II)I", false);
        mv.visitVarInsn(ISTORE, L);
    }

    /** Pushes the memory operand's offset: disp + base + (index << scale). */
    private void offset(Decoded d) {
        push(d.disp());
        if (d.base() >= 0) {
            loadReg(d.base());
            mv.visitInsn(IADD);
        }
        if (d.index() >= 0) {
            loadReg(d.index());
            if (d.scale() != 0) {
                push(d.scale());
                mv.visitInsn(ISHL);
            }
            mv.visitInsn(IADD);
        }
    }

    /** Stack.pushSized(x, true, R). */
    private void pushValue() {
        mv.visitVarInsn(ALOAD, X);
        push(1);
        mv.visitVarInsn(ILOAD, R);
        mv.visitMethodInsn(INVOKESTATIC, STACK, "pushSized", "(" + EXEC_T + "ZI)V", false);
    }

    /** Pushes Stack.popSized(x, true). */
    private void popValue() {
        mv.visitVarInsn(ALOAD, X);
        push(1);
        mv.visitMethodInsn(INVOKESTATIC, STACK, "popSized", "(" + EXEC_T + "Z)I", false);
    }

    /** What the interpreter's step sets before anything can fault: icount, start and ESP of instruction k. */
    private void prologue(Decoded d, int k) {
        BlockCompiler.setIcount(mv, k);
        mv.visitVarInsn(ALOAD, X);
        push(d.eip());
        mv.visitFieldInsn(PUTFIELD, EXEC, "start", "I");
        mv.visitVarInsn(ALOAD, X);
        loadReg(Cpu.ESP);
        mv.visitFieldInsn(PUTFIELD, EXEC, "startEsp", "I");
    }

    private void setEip(int eip) {
        BlockCompiler.setEip(mv, eip);
    }

    private void loadReg(int r) {
        mv.visitVarInsn(ALOAD, REG);
        push(r);
        mv.visitInsn(IALOAD);
    }

    /** reg[r] = R. */
    private void storeReg(int r) {
        mv.visitVarInsn(ALOAD, REG);
        push(r);
        mv.visitVarInsn(ILOAD, R);
        mv.visitInsn(IASTORE);
    }

    private void push(int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
        else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }
}
