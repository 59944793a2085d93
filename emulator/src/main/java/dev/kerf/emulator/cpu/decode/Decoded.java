package dev.kerf.emulator.cpu.decode;

/**
 * One instruction decoded into its structure, without executing it and without reading any
 * register: what the block translator compiles from. Built by {@link #decode} from the same
 * {@link OpcodeTable} the executor decodes with, and accepting exactly the encodings the
 * executor accepts (anything it would reject with #UD or #GP decodes to null here, so the
 * interpreter raises the fault).
 *
 * <p>The memory operand is kept as its formula: {@code base + (index << scale) + disp} in
 * segment {@code sreg} (the default segment after any override), truncated to 16 bits when
 * {@code a32} is false. {@code base} and {@code index} are register numbers or -1.
 *
 * @param eip offset of the first byte in CS
 * @param length bytes, prefixes included
 * @param op the opcode: 0..0xFF, or 0x100 | the second byte of a 0F opcode
 * @param rm the register number of the r/m operand, or -1 for a memory operand (or no ModRM)
 */
public record Decoded(int eip, int length, int op, long entry, boolean o32, boolean a32, boolean lock,
        int segOvr, int rep, int modrm, int regf, int rm, boolean memory, int base, int index, int scale,
        int disp, int sreg, int imm, int imm2) {

    private static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

    /** Offset in CS of the next instruction. */
    public int next() {
        return eip + length;
    }

    /**
     * Decodes the instruction at {@code code[offset]} whose CS offset is {@code eip}, reading no
     * byte at or past {@code end}. Returns null when the bytes run out before the instruction
     * ends, or when the executor would not execute it (#UD, more than 15 bytes).
     *
     * @param big CS.D: 32-bit default operand and address size
     */
    public static Decoded decode(byte[] code, int offset, int end, boolean big, int eip) {
        int p = offset;
        int limit = Math.min(end, offset + 15);
        boolean o32 = big, a32 = big, lock = false;
        int segOvr = -1, rep = 0;
        if (p >= limit) return null;
        int op = code[p++] & 0xFF;
        long e = OpcodeTable.one(op);
        while ((e & OpcodeTable.PREFIX) != 0) {
            switch (op) {
                case 0x66: o32 = !big; break;
                case 0x67: a32 = !big; break;
                case 0xF0: lock = true; break;
                case 0xF2: case 0xF3: rep = op; break;
                case 0x26: segOvr = ES; break;
                case 0x2E: segOvr = CS; break;
                case 0x36: segOvr = SS; break;
                case 0x3E: segOvr = DS; break;
                case 0x64: segOvr = FS; break;
                default: segOvr = GS; break;
            }
            if (p >= limit) return null;
            op = code[p++] & 0xFF;
            e = OpcodeTable.one(op);
        }
        if (op == 0x0F) {
            if (p >= limit) return null;
            op = 0x100 | (code[p++] & 0xFF);
            e = OpcodeTable.two(op & 0xFF);
        }
        if ((e & OpcodeTable.VALID) == 0) return null;
        int modrm = 0, regf = 0, rm = -1, base = -1, index = -1, scale = 0, disp = 0, sreg = DS;
        boolean memory = false;
        if ((e & OpcodeTable.MODRM) != 0) {
            if (p >= limit) return null;
            modrm = code[p++] & 0xFF;
            regf = (modrm >> 3) & 7;
            memory = modrm < 0xC0 && (e & OpcodeTable.FORCE_REG) == 0;
            if ((e & OpcodeTable.RESTRICTED) != 0 || lock) {
                if (!OpcodeTable.regValid(e, regf)) return null;
                if (lock && !(memory && OpcodeTable.lockable(e, regf))) return null;
                if (memory ? OpcodeTable.needsRegister(e, regf) : OpcodeTable.needsMemory(e, regf)) return null;
            }
            if (!memory) {
                rm = modrm & 7;
            } else {
                int mod = modrm >>> 6, r = modrm & 7;
                if (a32) {
                    if (r == 4) {
                        if (p >= limit) return null;
                        int sib = code[p++] & 0xFF;
                        int b = sib & 7, idx = (sib >> 3) & 7;
                        if (b == 5 && mod == 0) {
                            if (p + 4 > limit) return null;
                            disp = le32(code, p);
                            p += 4;
                        } else {
                            base = b;
                            if (b == 4 || b == 5) sreg = SS;
                        }
                        if (idx != 4) {
                            index = idx;
                            scale = sib >>> 6;
                        }
                    } else if (r == 5 && mod == 0) {
                        if (p + 4 > limit) return null;
                        disp = le32(code, p);
                        p += 4;
                    } else {
                        base = r;
                        if (r == 5) sreg = SS;
                    }
                    if (mod == 1) {
                        if (p >= limit) return null;
                        disp += code[p++];
                    } else if (mod == 2) {
                        if (p + 4 > limit) return null;
                        disp += le32(code, p);
                        p += 4;
                    }
                } else {
                    final int bx = 3, bp = 5, si = 6, di = 7;
                    switch (r) {
                        case 0: base = bx; index = si; break;
                        case 1: base = bx; index = di; break;
                        case 2: base = bp; index = si; sreg = SS; break;
                        case 3: base = bp; index = di; sreg = SS; break;
                        case 4: base = si; break;
                        case 5: base = di; break;
                        case 6:
                            if (mod != 0) { base = bp; sreg = SS; }
                            break;
                        default: base = bx; break;
                    }
                    if (mod == 0 && r == 6) {
                        if (p + 2 > limit) return null;
                        disp = le16(code, p);
                        p += 2;
                    } else if (mod == 1) {
                        if (p >= limit) return null;
                        disp = code[p++];
                    } else if (mod == 2) {
                        if (p + 2 > limit) return null;
                        disp = le16(code, p);
                        p += 2;
                    }
                }
                if (segOvr >= 0) sreg = segOvr;
            }
        } else if (lock) {
            return null;
        }
        int imm = 0, imm2 = 0;
        int n = InstructionLength.immediateBytes(OpcodeTable.immKind(e), o32, a32, regf);
        if (p + n > limit) return null;
        switch (OpcodeTable.immKind(e)) {
            case OpcodeTable.IMM_NONE: break;
            case OpcodeTable.IMM_B: imm = code[p] & 0xFF; break;
            case OpcodeTable.IMM_SB: imm = code[p]; break;
            case OpcodeTable.IMM_W: imm = le16(code, p); break;
            case OpcodeTable.IMM_Z: case OpcodeTable.IMM_MOFFS: imm = n == 4 ? le32(code, p) : le16(code, p); break;
            case OpcodeTable.IMM_PTR:
                imm = o32 ? le32(code, p) : le16(code, p);
                imm2 = le16(code, p + (o32 ? 4 : 2));
                break;
            case OpcodeTable.IMM_ENTER: imm = le16(code, p); imm2 = code[p + 2] & 0xFF; break;
            case OpcodeTable.IMM_GRP3B: if (n != 0) imm = code[p] & 0xFF; break;
            case OpcodeTable.IMM_GRP3Z: if (n != 0) imm = n == 4 ? le32(code, p) : le16(code, p); break;
            default: throw new IllegalStateException("opcode table has immediate kind " + OpcodeTable.immKind(e));
        }
        p += n;
        return new Decoded(eip, p - offset, op, e, o32, a32, lock, segOvr, rep, modrm, regf, rm, memory,
                base, index, scale, disp, sreg, imm, imm2);
    }

    private static int le16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }

    private static int le32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }
}
