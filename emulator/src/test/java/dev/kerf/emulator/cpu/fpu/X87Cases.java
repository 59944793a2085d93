package dev.kerf.emulator.cpu.fpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The seeded case generator shared by the native oracle test: operands drawn to cover every class
 * of 80-bit value (zeros, denormals, pseudo-denormals, unnormals, pseudo-infinities and pseudo-NaNs,
 * SNaNs and QNaNs, infinities, boundaries of the exponent range and of the 24/53/64-bit rounding
 * points), memory operands of every load format, every rounding and precision mode, and mostly
 * masked but sometimes unmasked exceptions.
 */
final class X87Cases {
    /** One case: op number (x87check.c's switch), control word, operands pushed, ST0, ST1, memory. */
    record Case(int op, int cw, int n, F80 a, F80 b, byte[] mem) {
        String line() {
            return op + " " + Integer.toHexString(cw) + " " + n + " " + hex(image(a)) + " " + hex(image(b)) + " " + hex(mem);
        }
    }

    static final int[] EXACT_OPS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
        23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 39, 40,
        49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77};

    static final int[] TRANSCENDENTAL_OPS = {41, 42, 43, 44, 45, 46, 47, 48};

    private final Random rnd;

    X87Cases(long seed) {
        rnd = new Random(seed);
    }

    List<Case> generate(int count, int[] ops) {
        List<Case> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int op = ops[rnd.nextInt(ops.length)];
            int masks = rnd.nextInt(5) == 0 ? rnd.nextInt(64) : 0x3F;
            int cw = 0x40 | masks | rnd.nextInt(4) << 8 | rnd.nextInt(4) << 10;
            int r = rnd.nextInt(100);
            int n = r < 2 ? 0 : r < 5 ? 1 : 2;
            F80 a = operand(), b = op == 8 ? scaleOperand() : rnd.nextInt(3) == 0 ? near(a) : operand();
            out.add(new Case(op, cw, n, a, b, memory(op)));
        }
        return out;
    }

    /** Cases for the approximate instructions: mostly in-domain finite operands, some specials. */
    List<Case> transcendental(int count) {
        List<Case> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int op = TRANSCENDENTAL_OPS[rnd.nextInt(TRANSCENDENTAL_OPS.length)];
            int cw = 0x7F | rnd.nextInt(4) << 10;
            F80 a, b = operand();
            if (rnd.nextInt(10) == 0) {
                a = operand();
            } else {
                int maxExp;
                switch (op) {
                    case 41: maxExp = -1; break;
                    case 43: maxExp = -3; break;
                    case 44: case 46: case 47: case 48: maxExp = rnd.nextInt(4) == 0 ? 62 : 8; break;
                    default: maxExp = 40; break;
                }
                int e = F80.BIAS + maxExp - rnd.nextInt(rnd.nextBoolean() ? 70 : 8);
                boolean neg = op == 42 ? false : rnd.nextBoolean();
                a = F80.of(neg, e, sig(true));
                if (rnd.nextInt(3) == 0) b = F80.of(rnd.nextBoolean(), F80.BIAS + rnd.nextInt(40) - 20, sig(true));
            }
            boolean finite = a.exp() != 0x7FFF && !a.isZero();
            if ((op == 41 || op == 43) && finite && a.exp() >= F80.BIAS - 2) {
                a = new F80((a.se() & 0x8000) | (F80.BIAS - 3), a.sig() | F80.J); // the SDM's domain
            }
            out.add(new Case(op, cw, 2, a, b, new byte[10]));
        }
        return out;
    }

    private F80 near(F80 a) {
        int e = a.exp() + rnd.nextInt(131) - 65;
        return new F80((rnd.nextBoolean() ? 0x8000 : 0) | Math.max(0, Math.min(0x7FFF, e)), sig(true));
    }

    private F80 scaleOperand() {
        if (rnd.nextInt(4) == 0) return operand();
        long v = rnd.nextInt(3) == 0 ? rnd.nextInt(70000) - 35000 : rnd.nextInt(140) - 70;
        F80 f = FloatConvert.fromInt(v);
        if (rnd.nextBoolean() && !f.isZero()) f = new F80(f.se(), f.sig() | rnd.nextLong() >>> (f.exp() - F80.BIAS + 1) >>> 1);
        return f;
    }

    private long sig(boolean j) {
        long s;
        switch (rnd.nextInt(8)) {
            case 0: s = -1L; break;
            case 1: s = 1L << rnd.nextInt(64); break;
            case 2: s = rnd.nextLong() & -(1L << (11 + rnd.nextInt(3))) | (rnd.nextBoolean() ? 1L << (10 + rnd.nextInt(3)) : 0); break;
            case 3: s = rnd.nextLong() & -(1L << (40 + rnd.nextInt(3))) | (rnd.nextBoolean() ? 1L << (39 + rnd.nextInt(3)) : 0); break;
            case 4: s = rnd.nextLong() | ((1L << rnd.nextInt(64)) - 1); break;
            case 5: s = rnd.nextLong() & -(1L << rnd.nextInt(64)); break;
            default: s = rnd.nextLong(); break;
        }
        return j ? s | F80.J : s & ~F80.J;
    }

    private F80 operand() {
        int sign = rnd.nextBoolean() ? 0x8000 : 0;
        int k = rnd.nextInt(100);
        if (k < 4) return new F80(sign, 0);
        if (k < 9) return new F80(sign, sig(false) | 1);
        if (k < 11) return new F80(sign, sig(true));
        if (k < 13) return new F80(sign | (1 + rnd.nextInt(0x7FFE)), sig(false));
        if (k < 16) return new F80(sign | 0x7FFF, F80.J);
        if (k < 17) return new F80(sign | 0x7FFF, rnd.nextBoolean() ? 0 : sig(false) | 1);
        if (k < 20) return new F80(sign | 0x7FFF, F80.J | F80.QUIET | (rnd.nextBoolean() ? 0 : rnd.nextLong() >>> 2));
        if (k < 23) return new F80(sign | 0x7FFF, F80.J | (rnd.nextLong() >>> 2 | 1));
        if (k < 30) return new F80(sign | (rnd.nextBoolean() ? 1 + rnd.nextInt(80) : 0x7FFE - rnd.nextInt(80)), sig(true));
        if (k < 40) {
            int e = F80.BIAS + (rnd.nextBoolean() ? rnd.nextInt(3) - 1 : rnd.nextInt(66));
            return new F80(sign | e, sig(true));
        }
        if (k < 45) { // around float32/float64 limits
            int[] edges = {F80.BIAS + 127, F80.BIAS - 126, F80.BIAS - 149, F80.BIAS + 1023, F80.BIAS - 1022, F80.BIAS - 1074};
            return new F80(sign | (edges[rnd.nextInt(edges.length)] + rnd.nextInt(5) - 2), sig(true));
        }
        if (k < 50) { // integers and halves near the integer format limits
            int[] bits = {15, 31, 63, 1, 2, 59};
            int e = F80.BIAS + bits[rnd.nextInt(bits.length)] + rnd.nextInt(3) - 1;
            return new F80(sign | e, sig(true));
        }
        return new F80(sign | (F80.BIAS - 40 + rnd.nextInt(80)), sig(true));
    }

    private byte[] memory(int op) {
        byte[] m = new byte[10];
        rnd.nextBytes(m);
        switch (op) {
            case 24: case 31: case 34: { // float32
                int k = rnd.nextInt(6);
                int v = rnd.nextInt();
                if (k == 0) v &= 0x807FFFFF; // zero or denormal
                else if (k == 1) v |= 0x7F800000; // inf or NaN
                else if (k == 2) v = (v & 0x80000000) | 0x7F800000 | (rnd.nextBoolean() ? 0 : 1 << rnd.nextInt(22));
                putLong(m, v, 4);
                break;
            }
            case 25: case 32: {
                int k = rnd.nextInt(6);
                long v = rnd.nextLong();
                if (k == 0) v &= 0x800FFFFFFFFFFFFFL;
                else if (k == 1) v |= 0x7FF0000000000000L;
                else if (k == 2) v = (v & Long.MIN_VALUE) | 0x7FF0000000000000L | (rnd.nextBoolean() ? 0 : 1L << rnd.nextInt(51));
                putLong(m, v, 8);
                break;
            }
            case 29: { // BCD: valid digits, sign byte 00 or 80
                for (int i = 0; i < 9; i++) m[i] = (byte) (rnd.nextInt(10) | rnd.nextInt(10) << 4);
                if (rnd.nextInt(4) == 0) for (int i = rnd.nextInt(9); i < 9; i++) m[i] = 0;
                m[9] = (byte) (rnd.nextBoolean() ? 0x80 : 0);
                break;
            }
            case 65: case 66: case 67: case 68: case 69: case 70: case 71: case 72: // EFLAGS image for FCMOV
                java.util.Arrays.fill(m, (byte) 0);
                m[0] = (byte) (0x02 | (rnd.nextBoolean() ? 0x01 : 0) | (rnd.nextBoolean() ? 0x04 : 0) | (rnd.nextBoolean() ? 0x40 : 0));
                break;
            default:
                break;
        }
        return m;
    }

    private static void putLong(byte[] m, long v, int n) {
        for (int i = 0; i < n; i++) m[i] = (byte) (v >>> (8 * i));
    }

    static byte[] image(F80 v) {
        byte[] b = new byte[10];
        v.store(b, 0);
        return b;
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("%02x", x & 0xFF));
        return s.toString();
    }
}
