package dev.kerf.emulator.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The inner interpreter loop for straight-line 32-bit code: runs, one after another, the
 * commonest prefix-free instructions (32-bit ALU forms, byte compares and tests, MOV, MOVZX/MOVSX,
 * LEA, INC/DEC, shifts and rotates, PUSH/POP, Jcc, JMP/CALL/RET also through r/m, SETcc r8, CDQ,
 * NOP) with EIP, the instruction count and the code page held in local
 * variables, reading the instruction bytes straight from the cached code page. It stops — leaving
 * the instruction to {@link Executor#step()} — at the first instruction it does not handle, within
 * 16 bytes of the end of the code page, or at the instruction budget.
 *
 * <p>Preconditions (checked by the caller, {@link Cpu#run}): the executor's fetch page and prefix
 * state are known good for the current CS, CPL and MMU generation ({@link Executor#fastReady()}),
 * no interrupt poll is pending. None of the instructions here changes CS, CPL, IF, the MMU or
 * the prefix state, so those preconditions hold from one instruction to the next; interrupts
 * cannot become deliverable in between (design §3: IRQ lines move only at polls and port I/O).
 *
 * <p>Faults: before anything that can fault (a memory operand's limit check, a memory access),
 * {@code cpu.icount} is written back and {@code Executor.start}/{@code startEsp} set as
 * {@link Executor#step()} leaves them, so the run loop rewinds and delivers the fault as usual.
 * Semantics are shared with the generic path: flags through {@link Flags}, memory through the
 * executor's micro-TLB accessors, stack and calls through {@link Stack} and {@link Control}.
 *
 * <p>Two flat switches on purpose: {@link #run} holds the loop state in registers and does the
 * register-only forms of the commonest instructions itself; every other form it handles goes
 * through {@link #one}, one instruction per call. C2 shapes a switch by its profile, so a single
 * switch over every case compiled well for the first guest that reached it and ~25% slower once
 * another guest (or the boot code) had taken the rarer cases; the small hot switch does not.
 */
final class FastLoop {
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** {@link #one} could not run the instruction. */
    private static final long EXIT = -1;

    private FastLoop() {}

    /** Runs instructions until {@code cpu.icount} reaches {@code limit} or one must go the slow way; returns the number run. */
    static int run(Executor x, Cpu c, long limit) {
        final byte[] code = x.fetchArr;
        final int lo = x.fetchLo, room = x.fetchLen - 16, delta = x.fetchDelta;
        final int[] reg = x.reg;
        int eip = c.eip;
        long icount = c.icount;
        final long icount0 = icount;
        if (room < 0) return 0; // no page cached
        // The register-only forms of the commonest instructions are done here; everything else
        // goes through one(). Kept apart on purpose: C2 shapes a switch by its profile, and with
        // every case of one() in this method, boot code that reached the rarer cases made the
        // recompiled loop ~25% slower than its first compilation (benchmark (a): 122 -> 90 MIPS).
        for (; icount < limit && Integer.compareUnsigned(eip - lo, room) < 0; icount++) {
            int p = eip + delta;
            int op = code[p] & 0xFF;
            int m = code[p + 1] & 0xFF;
            switch (op) {
                // ADD/SUB/XOR/AND/OR r/m32, r32 (the forms compilers use between registers) each
                // in its own case: no second dispatch on the operation, whatever the profile.
                case 0x01:
                    if (m >= 0xC0) {
                        int a = reg[m & 7], b = reg[(m >> 3) & 7], r = a + b;
                        Flags.set(c, Flags.K_ADD, a, b, r, -1);
                        reg[m & 7] = r;
                        eip += 2;
                        continue;
                    }
                    break;
                case 0x29:
                    if (m >= 0xC0) {
                        int a = reg[m & 7], b = reg[(m >> 3) & 7], r = a - b;
                        Flags.set(c, Flags.K_SUB, a, b, r, -1);
                        reg[m & 7] = r;
                        eip += 2;
                        continue;
                    }
                    break;
                case 0x31:
                    if (m >= 0xC0) {
                        int r = reg[m & 7] ^ reg[(m >> 3) & 7];
                        Flags.logic(c, r, -1);
                        reg[m & 7] = r;
                        eip += 2;
                        continue;
                    }
                    break;
                case 0x21:
                    if (m >= 0xC0) {
                        int r = reg[m & 7] & reg[(m >> 3) & 7];
                        Flags.logic(c, r, -1);
                        reg[m & 7] = r;
                        eip += 2;
                        continue;
                    }
                    break;
                case 0x09:
                    if (m >= 0xC0) {
                        reg[m & 7] = alu32(c, op >> 3, reg[m & 7], reg[(m >> 3) & 7]);
                        eip += 2;
                        continue;
                    }
                    break;
                case 0x03: case 0x0B: case 0x23: case 0x2B: case 0x33:
                    if (m >= 0xC0) {
                        int r = (m >> 3) & 7;
                        reg[r] = alu32(c, op >> 3, reg[r], reg[m & 7]);
                        eip += 2;
                        continue;
                    }
                    break;
                case 0x39: case 0x3B:
                    if (m >= 0xC0) {
                        int a = reg[m & 7], b = reg[(m >> 3) & 7];
                        if (op == 0x39) alu32(c, Arith.CMP, a, b);
                        else alu32(c, Arith.CMP, b, a);
                        eip += 2;
                        continue;
                    }
                    break;
                case 0x85:
                    if (m >= 0xC0) {
                        Flags.logic(c, reg[m & 7] & reg[(m >> 3) & 7], -1);
                        eip += 2;
                        continue;
                    }
                    break;
                case 0x83:
                    if (m >= 0xC0) {
                        int alu = (m >> 3) & 7, b = m & 7;
                        int v = alu32(c, alu, reg[b], code[p + 2]);
                        if (alu != Arith.CMP) reg[b] = v;
                        eip += 3;
                        continue;
                    }
                    break;
                case 0x89: case 0x8B:
                    if (m >= 0xC0) {
                        if (op == 0x89) reg[m & 7] = reg[(m >> 3) & 7];
                        else reg[(m >> 3) & 7] = reg[m & 7];
                        eip += 2;
                        continue;
                    }
                    break;
                case 0x8D:
                    if (m < 0xC0) {
                        int end = leaOperand(x, code, p + 2, m);
                        reg[(m >> 3) & 7] = x.eaOff;
                        eip = end - delta;
                        continue;
                    }
                    break;
                case 0xC1:
                    if (m >= 0xC0) {
                        int count = code[p + 2] & 0x1F, b = m & 7;
                        if (count != 0) reg[b] = shift32(c, (m >> 3) & 7, reg[b], count);
                        eip += 3;
                        continue;
                    }
                    break;
                case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46: case 0x47:
                    reg[op & 7] = Arith.inc(c, reg[op & 7], -1);
                    eip++;
                    continue;
                case 0x48: case 0x49: case 0x4A: case 0x4B: case 0x4C: case 0x4D: case 0x4E: case 0x4F:
                    reg[op & 7] = Arith.dec(c, reg[op & 7], -1);
                    eip++;
                    continue;
                case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
                case 0x78: case 0x79: case 0x7A: case 0x7B: case 0x7C: case 0x7D: case 0x7E: case 0x7F:
                    eip += 2;
                    if (condition(c, op & 15)) eip += (byte) m;
                    continue;
                case 0xB8: case 0xB9: case 0xBA: case 0xBB: case 0xBC: case 0xBD: case 0xBE: case 0xBF:
                    reg[op & 7] = (int) I32.get(code, p + 1);
                    eip += 5;
                    continue;
                case 0xEB:
                    eip += 2 + (byte) m;
                    continue;
                default:
                    break;
            }
            long next = one(x, c, eip, icount, code, p, op);
            if (next == EXIT) break;
            eip = (int) next;
        }
        c.eip = eip;
        c.icount = icount;
        return (int) (icount - icount0);
    }

    /**
     * Runs the one instruction at {@code eip} (opcode {@code op}, array index {@code p}) if it is
     * one this loop handles: returns the next EIP (as an unsigned long), or {@link #EXIT} to leave
     * it to {@link Executor#step()}. The switch is flat on purpose: each case is short.
     */
    private static long one(Executor x, Cpu c, int eip, long icount, byte[] code, int p, int op) {
        final int delta = x.fetchDelta;
        final int[] reg = x.reg;
        switch (op) {
            case 0x01: case 0x03: case 0x09: case 0x0B: case 0x21: case 0x23:
            case 0x29: case 0x2B: case 0x31: case 0x33: case 0x39: case 0x3B: case 0x85: {
                int m = code[p + 1] & 0xFF;
                int r = (m >> 3) & 7;
                if (m >= 0xC0) {
                    int b = m & 7;
                    if (op == 0x85) Flags.logic(c, reg[b] & reg[r], -1);
                    else if (op == 0x39) alu32(c, Arith.CMP, reg[b], reg[r]);
                    else if (op == 0x3B) alu32(c, Arith.CMP, reg[r], reg[b]);
                    else if ((op & 2) == 0) reg[b] = alu32(c, op >> 3, reg[b], reg[r]);
                    else reg[r] = alu32(c, op >> 3, reg[r], reg[b]);
                    eip += 2;
                    break;
                }
                int end = memOperand(x, c, eip, icount, code, p + 2, m);
                int v = x.read32(x.ea);
                if ((op & 2) == 0 && op != 0x39 && op != 0x85) { // read-modify-write of memory
                    x.saveFlags(); // the write may fault after the flags changed
                    x.write32(x.ea, alu32(c, op >> 3, v, reg[r]));
                    eip = end - delta;
                    break;
                }
                if (op == 0x85) Flags.logic(c, reg[r] & v, -1);
                else if (op == 0x39) alu32(c, Arith.CMP, v, reg[r]);
                else if (op == 0x3B) alu32(c, Arith.CMP, reg[r], v);
                else reg[r] = alu32(c, op >> 3, reg[r], v);
                eip = end - delta;
                break;
            }
            case 0x81: case 0x83: {
                int m = code[p + 1] & 0xFF;
                int alu = (m >> 3) & 7;
                if (m >= 0xC0) {
                    int b = m & 7;
                    int imm;
                    if (op == 0x83) {
                        imm = code[p + 2];
                        eip += 3;
                    } else {
                        imm = (int) I32.get(code, p + 2);
                        eip += 6;
                    }
                    int v = alu32(c, alu, reg[b], imm);
                    if (alu != Arith.CMP) reg[b] = v;
                    break;
                }
                int q = memOperand(x, c, eip, icount, code, p + 2, m);
                int imm;
                if (op == 0x83) imm = code[q++];
                else {
                    imm = (int) I32.get(code, q);
                    q += 4;
                }
                int v = x.read32(x.ea);
                if (alu == Arith.CMP) {
                    alu32(c, Arith.CMP, v, imm);
                } else {
                    x.saveFlags(); // the write may fault after the flags changed
                    x.write32(x.ea, alu32(c, alu, v, imm));
                }
                eip = q - delta;
                break;
            }
            case 0x05: case 0x0D: case 0x25: case 0x2D: case 0x35: case 0x3D: {
                int v = alu32(c, op >> 3, reg[Cpu.EAX], (int) I32.get(code, p + 1));
                if (op != 0x3D) reg[Cpu.EAX] = v;
                eip += 5;
                break;
            }
            case 0xA9:
                Flags.logic(c, reg[Cpu.EAX] & (int) I32.get(code, p + 1), -1);
                eip += 5;
                break;
            case 0x3C:
                Arith.alu(c, Arith.CMP, reg[Cpu.EAX] & 0xFF, code[p + 1], 0xFF);
                eip += 2;
                break;
            case 0x84: {
                int m = code[p + 1] & 0xFF;
                if (m < 0xC0) return EXIT;
                Flags.logic(c, x.reg8(m & 7) & x.reg8((m >> 3) & 7), 0xFF);
                eip += 2;
                break;
            }
            case 0xA8:
                Flags.logic(c, reg[Cpu.EAX] & code[p + 1] & 0xFF, 0xFF);
                eip += 2;
                break;
            case 0x38: case 0x3A: { // CMP r/m8, r8 / r8, r/m8
                int m = code[p + 1] & 0xFF;
                int b = x.reg8((m >> 3) & 7), a;
                if (m >= 0xC0) {
                    a = x.reg8(m & 7);
                    eip += 2;
                } else {
                    int end = memOperand(x, c, eip, icount, code, p + 2, m);
                    a = x.read8(x.ea);
                    eip = end - delta;
                }
                if (op == 0x38) Arith.alu(c, Arith.CMP, a, b, 0xFF);
                else Arith.alu(c, Arith.CMP, b, a, 0xFF);
                break;
            }
            case 0x80: { // group 1, r/m8, imm8
                int m = code[p + 1] & 0xFF;
                int alu = (m >> 3) & 7;
                if (m >= 0xC0) {
                    int v = Arith.alu(c, alu, x.reg8(m & 7), code[p + 2], 0xFF);
                    if (alu != Arith.CMP) x.setReg8(m & 7, v);
                    eip += 3;
                    break;
                }
                int q = memOperand(x, c, eip, icount, code, p + 2, m);
                int v = x.read8(x.ea);
                if (alu == Arith.CMP) {
                    Arith.alu(c, Arith.CMP, v, code[q], 0xFF);
                } else {
                    x.saveFlags(); // the write may fault after the flags changed
                    x.write8(x.ea, Arith.alu(c, alu, v, code[q], 0xFF));
                }
                eip = q + 1 - delta;
                break;
            }
            case 0xF6: case 0xF7: { // TEST r/m, imm (other group-3 operations leave the loop)
                int m = code[p + 1] & 0xFF;
                if ((m & 0x30) != 0) return EXIT;
                int a, q;
                if (m >= 0xC0) {
                    a = op == 0xF6 ? x.reg8(m & 7) : reg[m & 7];
                    q = p + 2;
                } else {
                    q = memOperand(x, c, eip, icount, code, p + 2, m);
                    a = op == 0xF6 ? x.read8(x.ea) : x.read32(x.ea);
                }
                if (op == 0xF6) {
                    Flags.logic(c, a & code[q] & 0xFF, 0xFF);
                    eip = q + 1 - delta;
                } else {
                    Flags.logic(c, a & (int) I32.get(code, q), -1);
                    eip = q + 4 - delta;
                }
                break;
            }
            case 0xFE: case 0xFF: { // INC/DEC r/m; FF: CALL/JMP/PUSH r/m32
                int m = code[p + 1] & 0xFF;
                int sub = (m >> 3) & 7;
                if (sub == 3 || sub == 5 || sub == 7 || op == 0xFE && sub > 1) return EXIT;
                int mask = op == 0xFE ? 0xFF : -1;
                if (m >= 0xC0) {
                    int b = m & 7;
                    if (sub <= 1) {
                        int a = mask == 0xFF ? x.reg8(b) : reg[b];
                        int v = sub == 0 ? Arith.inc(c, a, mask) : Arith.dec(c, a, mask);
                        if (mask == 0xFF) x.setReg8(b, v);
                        else reg[b] = v;
                        eip += 2;
                        break;
                    }
                    int target = reg[b];
                    if (sub == 4) {
                        eip = target;
                        break;
                    }
                    sync(x, c, eip, icount);
                    Stack.push(x, sub == 2 ? eip + 2 : target);
                    eip = sub == 2 ? target : eip + 2;
                    break;
                }
                int end = memOperand(x, c, eip, icount, code, p + 2, m);
                int next = end - delta;
                int a = mask == 0xFF ? x.read8(x.ea) : x.read32(x.ea);
                if (sub <= 1) {
                    x.saveFlags(); // the write may fault after the flags changed
                    int v = sub == 0 ? Arith.inc(c, a, mask) : Arith.dec(c, a, mask);
                    if (mask == 0xFF) x.write8(x.ea, v);
                    else x.write32(x.ea, v);
                    eip = next;
                } else if (sub == 4) {
                    eip = a;
                } else {
                    Stack.push(x, sub == 2 ? next : a);
                    eip = sub == 2 ? a : next;
                }
                break;
            }
            case 0x6A:
                sync(x, c, eip, icount);
                Stack.push(x, code[p + 1]);
                eip += 2;
                break;
            case 0x68:
                sync(x, c, eip, icount);
                Stack.push(x, (int) I32.get(code, p + 1));
                eip += 5;
                break;
            case 0x99:
                reg[Cpu.EDX] = reg[Cpu.EAX] >> 31;
                eip++;
                break;
            case 0x89: case 0x8B: {
                int m = code[p + 1] & 0xFF;
                int r = (m >> 3) & 7;
                if (m >= 0xC0) {
                    if (op == 0x89) reg[m & 7] = reg[r];
                    else reg[r] = reg[m & 7];
                    eip += 2;
                    break;
                }
                int end = memOperand(x, c, eip, icount, code, p + 2, m);
                if (op == 0x89) x.write32(x.ea, reg[r]);
                else reg[r] = x.read32(x.ea);
                eip = end - delta;
                break;
            }
            case 0x88: case 0x8A: {
                int m = code[p + 1] & 0xFF;
                int r = (m >> 3) & 7;
                if (m >= 0xC0) {
                    if (op == 0x88) x.setReg8(m & 7, x.reg8(r));
                    else x.setReg8(r, x.reg8(m & 7));
                    eip += 2;
                    break;
                }
                int end = memOperand(x, c, eip, icount, code, p + 2, m);
                if (op == 0x88) x.write8(x.ea, x.reg8(r));
                else x.setReg8(r, x.read8(x.ea));
                eip = end - delta;
                break;
            }
            case 0xC6: {
                int m = code[p + 1] & 0xFF;
                if ((m & 0x38) != 0) return EXIT; // #UD
                if (m >= 0xC0) {
                    x.setReg8(m & 7, code[p + 2]);
                    eip += 3;
                    break;
                }
                int q = memOperand(x, c, eip, icount, code, p + 2, m);
                x.write8(x.ea, code[q]);
                eip = q + 1 - delta;
                break;
            }
            case 0x8D: {
                int m = code[p + 1] & 0xFF;
                if (m >= 0xC0) return EXIT; // #UD: the generic path raises it
                int end = leaOperand(x, code, p + 2, m);
                reg[(m >> 3) & 7] = x.eaOff;
                eip = end - delta;
                break;
            }
            case 0xC7: {
                int m = code[p + 1] & 0xFF;
                if ((m & 0x38) != 0) return EXIT; // #UD
                if (m >= 0xC0) {
                    reg[m & 7] = (int) I32.get(code, p + 2);
                    eip += 6;
                    break;
                }
                int q = memOperand(x, c, eip, icount, code, p + 2, m);
                int imm = (int) I32.get(code, q);
                x.write32(x.ea, imm);
                eip = q + 4 - delta;
                break;
            }
            case 0xC1: case 0xD1: case 0xD3: {
                int m = code[p + 1] & 0xFF;
                if (m < 0xC0) return EXIT;
                int count;
                if (op == 0xC1) {
                    count = code[p + 2];
                    eip += 3;
                } else {
                    count = op == 0xD1 ? 1 : reg[Cpu.ECX];
                    eip += 2;
                }
                count &= 0x1F;
                int b = m & 7;
                if (count != 0) reg[b] = shift32(c, (m >> 3) & 7, reg[b], count);
                break;
            }
            case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46: case 0x47:
                reg[op & 7] = Arith.inc(c, reg[op & 7], -1);
                eip++;
                break;
            case 0x48: case 0x49: case 0x4A: case 0x4B: case 0x4C: case 0x4D: case 0x4E: case 0x4F:
                reg[op & 7] = Arith.dec(c, reg[op & 7], -1);
                eip++;
                break;
            case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57:
                sync(x, c, eip, icount);
                Stack.push(x, reg[op & 7]);
                eip++;
                break;
            case 0x58: case 0x59: case 0x5A: case 0x5B: case 0x5C: case 0x5D: case 0x5E: case 0x5F:
                sync(x, c, eip, icount);
                Stack.popReg(x, op & 7);
                eip++;
                break;
            case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
            case 0x78: case 0x79: case 0x7A: case 0x7B: case 0x7C: case 0x7D: case 0x7E: case 0x7F:
                eip += 2;
                if (condition(c, op & 15)) eip += code[p + 1];
                break;
            case 0x0F: {
                int op2 = code[p + 1] & 0xFF;
                if ((op2 & 0xF6) == 0xB6) { // MOVZX/MOVSX r32, r/m8 / r/m16
                    int m = code[p + 2] & 0xFF;
                    int r = (m >> 3) & 7, v;
                    if (m >= 0xC0) {
                        v = (op2 & 1) == 0 ? x.reg8(m & 7) : reg[m & 7] & 0xFFFF;
                        eip += 3;
                    } else {
                        int end = memOperand(x, c, eip, icount, code, p + 3, m);
                        v = (op2 & 1) == 0 ? x.read8(x.ea) : x.read16(x.ea);
                        eip = end - delta;
                    }
                    if (op2 >= 0xBE) v = (op2 & 1) == 0 ? (byte) v : (short) v;
                    reg[r] = v;
                    break;
                }
                if ((op2 & 0xF0) == 0x90 && (code[p + 2] & 0xC0) == 0xC0) { // SETcc r8
                    x.setReg8(code[p + 2] & 7, condition(c, op2 & 15) ? 1 : 0);
                    eip += 3;
                    break;
                }
                if ((op2 & 0xF0) != 0x80) return EXIT;
                int disp = (int) I32.get(code, p + 2);
                eip += 6;
                if (condition(c, op2 & 15)) eip += disp;
                break;
            }
            case 0x90:
                eip++;
                break;
            case 0xB8: case 0xB9: case 0xBA: case 0xBB: case 0xBC: case 0xBD: case 0xBE: case 0xBF:
                reg[op & 7] = (int) I32.get(code, p + 1);
                eip += 5;
                break;
            case 0xC3:
                sync(x, c, eip, icount);
                Control.ret(x, 0);
                eip = c.eip;
                break;
            case 0xE8:
                x.imm = (int) I32.get(code, p + 1);
                sync(x, c, eip, icount);
                c.eip = eip + 5; // CALL pushes the next instruction's address from cpu.eip
                Control.callRel(x);
                eip = c.eip;
                break;
            case 0xE9:
                eip += 5 + (int) I32.get(code, p + 1);
                break;
            case 0xEB:
                eip += 2 + code[p + 1];
                break;
            default:
                return EXIT;
        }
        return eip & 0xFFFFFFFFL;
    }

    /**
     * Makes the state what the run loop needs to rewind an instruction that faults: its icount,
     * its start and ESP. Called before anything that can fault (memory operand decoding included:
     * a segment limit check raises #GP/#SS). {@code cpu.eip} is not kept up to date inside the
     * loop; the instructions that read it (CALL) set it themselves.
     */
    private static void sync(Executor x, Cpu c, int eip, long icount) {
        c.icount = icount;
        x.start = eip;
        x.startEsp = x.reg[Cpu.ESP];
    }

    /**
     * Syncs the fault state (see {@link #sync}) of the instruction at {@code eip}, then decodes the
     * 32-bit memory operand of ModRM {@code m} (mod != 3) whose SIB/displacement
     * bytes start at array index {@code q}; sets the executor's ea/eaOff (limit-checked as an
     * accessed operand) and returns the array index after the operand bytes.
     */
    private static int memOperand(Executor x, Cpu c, int eip, long icount, byte[] code, int q, int m) {
        sync(x, c, eip, icount);
        q = address(x, code, q, m);
        x.setEaChecked(x.eaSreg, x.eaOff);
        return q;
    }

    /** LEA: as {@link #memOperand} but the address is not accessed (no limit check). */
    private static int leaOperand(Executor x, byte[] code, int q, int m) {
        return address(x, code, q, m);
    }

    /** Sets x.eaOff, x.eaSreg and x.eaBase from ModRM {@code m}; returns the index after the operand bytes. */
    private static int address(Executor x, byte[] code, int q, int m) {
        int[] reg = x.reg;
        int mod = m >>> 6, r = m & 7;
        int off, sreg = Cpu.DS, base = -1;
        if (r == 4) {
            int sib = code[q++] & 0xFF;
            int b = sib & 7, idx = (sib >> 3) & 7;
            if (b == 5 && mod == 0) {
                off = (int) I32.get(code, q);
                q += 4;
            } else {
                off = reg[b];
                base = b;
                if (b == 4 || b == 5) sreg = Cpu.SS;
            }
            if (idx != 4) off += reg[idx] << (sib >>> 6);
        } else if (r == 5 && mod == 0) {
            off = (int) I32.get(code, q);
            q += 4;
        } else {
            off = reg[r];
            base = r;
            if (r == 5) sreg = Cpu.SS;
        }
        if (mod == 1) off += code[q++];
        else if (mod == 2) {
            off += (int) I32.get(code, q);
            q += 4;
        }
        x.eaBase = base;
        x.eaSreg = sreg;
        x.eaOff = off;
        return q;
    }

    /** {@link Shift#shift} on 32 bits, with ROL, ROR, SHL, SHR and SAR done here (count 1..31). */
    private static int shift32(Cpu c, int op, int a, int count) {
        switch (op) {
            case Shift.ROL: {
                int r = Integer.rotateLeft(a, count);
                int cf = r & 1;
                Shift.rotateFlags(c, cf, (r >>> 31) ^ cf);
                return r;
            }
            case Shift.ROR: {
                int r = Integer.rotateRight(a, count);
                Shift.rotateFlags(c, r >>> 31, ((r >>> 31) ^ (r >>> 30)) & 1);
                return r;
            }
            case Shift.SHL:
            case Shift.SAL: {
                int r = a << count;
                int cf = (a >>> (32 - count)) & 1;
                Flags.szpWith(c, r, -1, cf | (((r >>> 31) ^ cf) != 0 ? Flags.OF : 0));
                return r;
            }
            case Shift.SHR: {
                int r = a >>> count;
                Flags.szpWith(c, r, -1, ((a >>> (count - 1)) & 1) | (a < 0 ? Flags.OF : 0));
                return r;
            }
            case Shift.SAR: {
                int r = a >> count;
                Flags.szpWith(c, r, -1, (a >> (count - 1)) & 1);
                return r;
            }
            default:
                return Shift.shift(c, op, a, count, -1);
        }
    }

    /** 32-bit ALU operation {@code op} (an {@link Arith} index) with lazy flags. */
    private static int alu32(Cpu c, int op, int a, int b) {
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
     * unsigned and signed conditions are read straight off the operands.
     */
    private static boolean condition(Cpu c, int cc) {
        // JZ/JNZ first: the commonest, and one field read (fRes) whatever produced the flags.
        if ((cc & 0xE) == 4) return Flags.zf(c) ^ ((cc & 1) != 0);
        if (c.lazyMask == Flags.ARITH && c.fKind == Flags.K_SUB && c.fMask == -1) {
            int a = c.fOp1, b = c.fOp2;
            boolean r;
            switch (cc >> 1) {
                case 1: r = Integer.compareUnsigned(a, b) < 0; break;
                case 3: r = Integer.compareUnsigned(a, b) <= 0; break;
                case 6: r = a < b; break;
                case 7: r = a <= b; break;
                default: return Flags.cond(c, cc);
            }
            return r ^ ((cc & 1) != 0);
        }
        return Flags.cond(c, cc);
    }
}
