package dev.kerf.emulator.cpu.decode;

/**
 * The decoder's view of an encoding without executing it: used by the capstone cross-check and
 * by tools. Driven by the same opcode table as the executor's decoder ({@link OpcodeTable}).
 */
public final class InstructionLength {
    private InstructionLength() {}

    /**
     * Length in bytes of the instruction at {@code code[offset..]} in 32-bit code, or -1 if kerf
     * does not support the encoding (executing it raises #UD, or #GP for more than 15 bytes).
     * Reads at most 15 bytes; bytes past the end of the array count as missing (-1).
     */
    public static int of(byte[] code, int offset) {
        return of(code, offset, true);
    }

    /** As {@link #of(byte[], int)} for code whose default operand/address size is 32 or 16 bits. */
    public static int of(byte[] code, int offset, boolean default32) {
        int p = offset;
        boolean o32 = default32, a32 = default32, lock = false;
        int end = Math.min(code.length, offset + 15);
        if (p < 0 || p >= end) return -1;
        int op = code[p++] & 0xFF;
        long e = OpcodeTable.one(op);
        while ((e & OpcodeTable.PREFIX) != 0) {
            if (op == 0x66) o32 = !default32;
            else if (op == 0x67) a32 = !default32;
            else if (op == 0xF0) lock = true;
            if (p >= end) return -1;
            op = code[p++] & 0xFF;
            e = OpcodeTable.one(op);
        }
        if (op == 0x0F) {
            if (p >= end) return -1;
            e = OpcodeTable.two(code[p++] & 0xFF);
        }
        if ((e & OpcodeTable.VALID) == 0) return -1;
        int reg = 0;
        if ((e & OpcodeTable.MODRM) != 0) {
            if (p >= end) return -1;
            int m = code[p++] & 0xFF;
            reg = (m >> 3) & 7;
            boolean memory = (m >> 6) != 3 && (e & OpcodeTable.FORCE_REG) == 0;
            if (!OpcodeTable.regValid(e, reg)) return -1;
            if (memory ? OpcodeTable.needsRegister(e, reg) : OpcodeTable.needsMemory(e, reg)) return -1;
            if (lock && !(memory && OpcodeTable.lockable(e, reg))) return -1;
            if (memory) {
                if (p >= end) return -1;
                p += addressBytes(m, a32, code[p] & 0xFF);
            }
        } else if (lock) {
            return -1;
        }
        p += immediateBytes(OpcodeTable.immKind(e), o32, a32, reg);
        return p <= end ? p - offset : -1;
    }

    /** Bytes after ModRM for a memory operand: SIB and displacement. {@code next} = byte after ModRM. */
    static int addressBytes(int modrm, boolean a32, int next) {
        int mod = modrm >> 6, rm = modrm & 7;
        if (!a32) {
            if (mod == 0) return rm == 6 ? 2 : 0;
            return mod == 1 ? 1 : 2;
        }
        int n = 0;
        if (rm == 4) {
            n = 1;
            if (mod == 0 && (next & 7) == 5) return 5;
        } else if (mod == 0 && rm == 5) {
            return 4;
        }
        if (mod == 1) n += 1;
        else if (mod == 2) n += 4;
        return n;
    }

    /** Immediate bytes for kind {@code kind} (see {@link OpcodeTable}). */
    static int immediateBytes(int kind, boolean o32, boolean a32, int reg) {
        switch (kind) {
            case OpcodeTable.IMM_B:
            case OpcodeTable.IMM_SB: return 1;
            case OpcodeTable.IMM_W: return 2;
            case OpcodeTable.IMM_Z: return o32 ? 4 : 2;
            case OpcodeTable.IMM_MOFFS: return a32 ? 4 : 2;
            case OpcodeTable.IMM_PTR: return o32 ? 6 : 4;
            case OpcodeTable.IMM_ENTER: return 3;
            case OpcodeTable.IMM_GRP3B: return reg < 2 ? 1 : 0;
            case OpcodeTable.IMM_GRP3Z: return reg < 2 ? (o32 ? 4 : 2) : 0;
            default: return 0;
        }
    }
}
