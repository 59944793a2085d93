package dev.kerf.emulator.cpu;

/**
 * Group 2 (ROL ROR RCL RCR SHL SHR SAL SAR by 1, CL or imm8) and SHLD/SHRD.
 *
 * <p>SDM rules: the count is masked to 5 bits; a masked count of 0 changes nothing (not even
 * flags). Shifts set CF to the last bit shifted out, SF/ZF/PF from the result, OF as defined for
 * a count of 1 (SHL: MSB(result) xor CF; SHR: MSB(original); SAR: 0) and computed the same way
 * for larger counts (undefined there), AF cleared (undefined). Rotates change only CF and OF;
 * ROL/ROR of 8/16-bit operands rotate by count mod size but still set CF when the masked count
 * is non-zero; RCL/RCR rotate by count mod (size+1).
 */
final class Shift {
    static final int ROL = 0, ROR = 1, RCL = 2, RCR = 3, SHL = 4, SHR = 5, SAL = 6, SAR = 7;

    private Shift() {}

    /** C0/C1 (imm8), D0/D1 (1), D2/D3 (CL). */
    static void group2(Executor x, int opcode) {
        int mask = (opcode & 1) == 0 ? 0xFF : x.opMask();
        int count = opcode <= 0xC1 ? x.imm : opcode <= 0xD1 ? 1 : x.reg[Cpu.ECX];
        int a = x.rmv(mask);
        count &= 0x1F;
        if (count == 0) return;
        x.setRmv(mask, shift(x.cpu, x.regf, a, count, mask));
    }

    /** Applies shift/rotate {@code op} with a masked count 1..31; sets flags; returns the result. */
    static int shift(Cpu c, int op, int a, int count, int mask) {
        switch (op) {
            case ROL: return rol(c, a, count, mask);
            case ROR: return ror(c, a, count, mask);
            case RCL: return rcl(c, a, count, mask);
            case RCR: return rcr(c, a, count, mask);
            case SHL:
            case SAL: return shl(c, a, count, mask);
            case SHR: return shr(c, a, count, mask);
            default: return sar(c, a, count, mask);
        }
    }

    /**
     * The name of the method {@link #shift} calls for {@code op}: compiled blocks call it directly
     * (the whole switch is too big for the JIT to inline).
     */
    static String method(int op) {
        switch (op) {
            case ROL: return "rol";
            case ROR: return "ror";
            case RCL: return "rcl";
            case RCR: return "rcr";
            case SHL:
            case SAL: return "shl";
            case SHR: return "shr";
            default: return "sar";
        }
    }

    private static int bits(int mask) {
        return 32 - Integer.numberOfLeadingZeros(mask);
    }

    static int rol(Cpu c, int a, int count, int mask) {
        int bits = bits(mask);
        int n = count & (bits - 1);
        int r = n == 0 ? a : ((a << n) | (a >>> (bits - n))) & mask;
        int cf = r & 1;
        rotateFlags(c, cf, ((r >>> (bits - 1)) ^ cf) & 1);
        return r;
    }

    static int ror(Cpu c, int a, int count, int mask) {
        int bits = bits(mask);
        int n = count & (bits - 1);
        int r = n == 0 ? a : ((a >>> n) | (a << (bits - n))) & mask;
        rotateFlags(c, (r >>> (bits - 1)) & 1, ((r >>> (bits - 1)) ^ (r >>> (bits - 2))) & 1);
        return r;
    }

    static int rcl(Cpu c, int a, int count, int mask) {
        return rotateThroughCarry(c, true, a, count, bits(mask), mask);
    }

    static int rcr(Cpu c, int a, int count, int mask) {
        return rotateThroughCarry(c, false, a, count, bits(mask), mask);
    }

    static int shl(Cpu c, int a, int count, int mask) {
        int bits = bits(mask);
        int r = (a << count) & mask;
        int cf = (int) ((((long) a & 0xFFFFFFFFL) << count) >>> bits) & 1;
        Flags.szpWith(c, r, mask, cf | ((((r >>> (bits - 1)) & 1) ^ cf) != 0 ? Flags.OF : 0));
        return r;
    }

    static int shr(Cpu c, int a, int count, int mask) {
        int bits = bits(mask);
        int r = a >>> count;
        int cf = (a >>> (count - 1)) & 1;
        Flags.szpWith(c, r, mask, cf | (((a >>> (bits - 1)) & 1) != 0 ? Flags.OF : 0));
        return r;
    }

    static int sar(Cpu c, int a, int count, int mask) {
        int bits = bits(mask);
        int sa = (a << (32 - bits)) >> (32 - bits);
        int r = (sa >> count) & mask;
        Flags.szpWith(c, r, mask, (sa >> (count - 1)) & 1);
        return r;
    }

    private static int rotateThroughCarry(Cpu c, boolean left, int a, int count, int bits, int mask) {
        int n = count % (bits + 1);
        int cf = Flags.cf(c);
        if (n == 0) return a;
        int w = bits + 1;
        long wmask = (1L << w) - 1;
        long v = ((long) cf << bits) | ((long) a & 0xFFFFFFFFL);
        int of;
        if (left) {
            v = ((v << n) | (v >>> (w - n))) & wmask;
        } else {
            of = ((a >>> (bits - 1)) ^ cf) & 1;
            v = ((v >>> n) | (v << (w - n))) & wmask;
            int r = (int) v & mask;
            rotateFlags(c, (int) (v >>> bits) & 1, of);
            return r;
        }
        int r = (int) v & mask;
        int ncf = (int) (v >>> bits) & 1;
        rotateFlags(c, ncf, ((r >>> (bits - 1)) & 1) ^ ncf);
        return r;
    }

    /** Rotates set CF and OF only: the other arithmetic flags stay lazy (see {@link Flags}' invariant). */
    static void rotateFlags(Cpu c, int cf, int of) {
        c.flagBits = (c.flagBits & ~(Flags.CF | Flags.OF)) | cf | (of != 0 ? Flags.OF : 0);
        c.lazyMask &= ~(Flags.CF | Flags.OF);
    }

    /** 0F A4/A5 (SHLD) and 0F AC/AD (SHRD) r/m, r, imm8/CL. Counts above 16 on 16-bit operands are undefined. */
    static void shiftDouble(Executor x, boolean left, int count) {
        int mask = x.opMask();
        int a = x.rmv(mask);
        count &= 0x1F;
        if (count == 0) return;
        int b = x.regv(mask, x.regf);
        int r, cf;
        if (mask == -1) {
            if (left) {
                r = (a << count) | (b >>> (32 - count));
                cf = (a >>> (32 - count)) & 1;
            } else {
                r = (a >>> count) | (b << (32 - count));
                cf = (a >>> (count - 1)) & 1;
            }
        } else {
            if (left) {
                long v = ((long) a << 32) | ((long) b << 16) | a;
                r = (int) (v >>> (32 - count)) & 0xFFFF;
                cf = (int) (v >>> (48 - count)) & 1;
            } else {
                long v = ((long) a << 32) | ((long) b << 16) | a;
                r = (int) (v >>> count) & 0xFFFF;
                cf = (int) (v >>> (count - 1)) & 1;
            }
        }
        int bits = mask == -1 ? 32 : 16;
        int of = ((r ^ a) >>> (bits - 1)) & 1;
        Flags.szpWith(x.cpu, r, mask, cf | (of != 0 ? Flags.OF : 0));
        x.setRmv(mask, r);
    }
}
