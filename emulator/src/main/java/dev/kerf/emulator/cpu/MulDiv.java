package dev.kerf.emulator.cpu;

/**
 * MUL, IMUL (one-, two- and three-operand forms), DIV and IDIV.
 *
 * <p>MUL/IMUL set CF=OF when the result does not fit the destination (upper half significant);
 * SF/ZF/PF follow the low result and AF is cleared (all undefined in the SDM). DIV/IDIV raise
 * #DE on a zero divisor or a quotient that does not fit, and leave the flags unchanged
 * (undefined in the SDM).
 */
final class MulDiv {
    private MulDiv() {}

    private static CpuFault de() {
        return CpuFault.of(Vectors.DE);
    }

    private static void mulFlags(Cpu c, int low, int mask, boolean overflow) {
        Flags.szpWith(c, low & mask, mask, overflow ? Flags.CF | Flags.OF : 0);
    }

    /** F6/F7 /4: unsigned accumulator multiply. */
    static void mul(Executor x, int mask, int src) {
        int[] reg = x.reg;
        Cpu c = x.cpu;
        if (mask == 0xFF) {
            int r = (reg[Cpu.EAX] & 0xFF) * src;
            x.setRegv(0xFFFF, Cpu.EAX, r);
            mulFlags(c, r, 0xFF, (r & 0xFF00) != 0);
        } else if (mask == 0xFFFF) {
            int r = (reg[Cpu.EAX] & 0xFFFF) * src;
            x.setRegv(0xFFFF, Cpu.EAX, r);
            x.setRegv(0xFFFF, Cpu.EDX, r >>> 16);
            mulFlags(c, r, 0xFFFF, (r >>> 16) != 0);
        } else {
            long r = mul32(c, reg[Cpu.EAX], src);
            reg[Cpu.EAX] = (int) r;
            reg[Cpu.EDX] = (int) (r >>> 32);
        }
    }

    /** The 32-bit MUL: the 64-bit unsigned product of {@code eax} and {@code src} (EDX:EAX), flags set. */
    static long mul32(Cpu c, int eax, int src) {
        long r = ((long) eax & 0xFFFFFFFFL) * ((long) src & 0xFFFFFFFFL);
        mulFlags(c, (int) r, -1, (r >>> 32) != 0);
        return r;
    }

    /** F6/F7 /5: signed accumulator multiply. */
    static void imul1(Executor x, int mask, int src) {
        int[] reg = x.reg;
        Cpu c = x.cpu;
        if (mask == 0xFF) {
            int r = (byte) reg[Cpu.EAX] * (byte) src;
            x.setRegv(0xFFFF, Cpu.EAX, r);
            mulFlags(c, r, 0xFF, r != (byte) r);
        } else if (mask == 0xFFFF) {
            int r = (short) reg[Cpu.EAX] * (short) src;
            x.setRegv(0xFFFF, Cpu.EAX, r);
            x.setRegv(0xFFFF, Cpu.EDX, r >>> 16);
            mulFlags(c, r, 0xFFFF, r != (short) r);
        } else {
            long r = imulWide32(c, reg[Cpu.EAX], src);
            reg[Cpu.EAX] = (int) r;
            reg[Cpu.EDX] = (int) (r >>> 32);
        }
    }

    /** The 32-bit one-operand IMUL: the 64-bit signed product of {@code eax} and {@code src} (EDX:EAX), flags set. */
    static long imulWide32(Cpu c, int eax, int src) {
        long r = (long) eax * (long) src;
        mulFlags(c, (int) r, -1, r != (int) r);
        return r;
    }

    /** The 32-bit two- and three-operand IMUL: the low half, flags set (CF=OF when it does not fit). */
    static int imul32(Cpu c, int a, int b) {
        int r = product32(a, b);
        mulFlags(c, r, -1, (long) a * (long) b != r);
        return r;
    }

    /** The low 32 bits of a 32 x 32 multiply, without flags (IMUL's result; see {@link Arith#value}). */
    static int product32(int a, int b) {
        return a * b;
    }

    /** 0F AF (r, r/m) and 69/6B (r, r/m, imm): truncated signed multiply. */
    static void imulTruncated(Executor x, int a, int b) {
        int mask = x.opMask();
        if (mask == -1) {
            x.setRegv(mask, x.regf, imul32(x.cpu, a, b));
            return;
        }
        int p = (short) a * (short) b;
        int r = p & 0xFFFF;
        boolean overflow = p != (short) p;
        x.setRegv(mask, x.regf, r);
        mulFlags(x.cpu, r, mask, overflow);
    }

    /** F6/F7 /6: unsigned divide of AX, DX:AX or EDX:EAX. */
    static void div(Executor x, int mask, int src) {
        if (src == 0) throw de();
        int[] reg = x.reg;
        if (mask == 0xFF) {
            int n = reg[Cpu.EAX] & 0xFFFF;
            int q = n / src;
            if (q > 0xFF) throw de();
            x.setRegv(0xFFFF, Cpu.EAX, ((n % src) << 8) | q);
        } else if (mask == 0xFFFF) {
            long n = ((long) (reg[Cpu.EDX] & 0xFFFF) << 16) | (reg[Cpu.EAX] & 0xFFFF);
            long q = n / src;
            if (q > 0xFFFF) throw de();
            x.setRegv(0xFFFF, Cpu.EAX, (int) q);
            x.setRegv(0xFFFF, Cpu.EDX, (int) (n % src));
        } else {
            long n = ((long) reg[Cpu.EDX] << 32) | ((long) reg[Cpu.EAX] & 0xFFFFFFFFL);
            long d = (long) src & 0xFFFFFFFFL;
            long q = Long.divideUnsigned(n, d);
            if (Long.compareUnsigned(q, 0xFFFFFFFFL) > 0) throw de();
            reg[Cpu.EAX] = (int) q;
            reg[Cpu.EDX] = (int) Long.remainderUnsigned(n, d);
        }
    }

    /** F6/F7 /7: signed divide; remainder takes the dividend's sign. */
    static void idiv(Executor x, int mask, int src) {
        int[] reg = x.reg;
        if (mask == 0xFF) {
            int d = (byte) src;
            if (d == 0) throw de();
            int n = (short) reg[Cpu.EAX];
            int q = n / d;
            if (q != (byte) q) throw de();
            x.setRegv(0xFFFF, Cpu.EAX, ((n % d) & 0xFF) << 8 | (q & 0xFF));
        } else if (mask == 0xFFFF) {
            int d = (short) src;
            if (d == 0) throw de();
            int n = (reg[Cpu.EDX] << 16) | (reg[Cpu.EAX] & 0xFFFF);
            if (n == Integer.MIN_VALUE && d == -1) throw de();
            int q = n / d;
            if (q != (short) q) throw de();
            x.setRegv(0xFFFF, Cpu.EAX, q);
            x.setRegv(0xFFFF, Cpu.EDX, n % d);
        } else {
            if (src == 0) throw de();
            long n = ((long) reg[Cpu.EDX] << 32) | ((long) reg[Cpu.EAX] & 0xFFFFFFFFL);
            if (n == Long.MIN_VALUE && src == -1) throw de();
            long q = n / src;
            if (q != (int) q) throw de();
            reg[Cpu.EAX] = (int) q;
            reg[Cpu.EDX] = (int) (n % src);
        }
    }
}
