package dev.kerf.emulator.cpu.fpu;

import static dev.kerf.emulator.cpu.fpu.FpuContext.DE;
import static dev.kerf.emulator.cpu.fpu.FpuContext.IE;

import dev.kerf.emulator.cpu.fpu.F80.Kind;

/**
 * F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS and FSINCOS on an {@link FpuState}: the special
 * operands (zeros, infinities, NaNs, out-of-range arguments with C2) as the SDM's tables give them,
 * the finite cases through {@link Transcendental}.
 */
public final class X87Transcendental {
    private static final Transcendental MATH = new Transcendental(); // immutable constants only
    private static final F80 ONE = new F80(0x3FFF, F80.J);
    private static final F80 MINUS_ONE = new F80(0xBFFF, F80.J);

    private X87Transcendental() {}

    private static F80 inf(boolean neg) {
        return F80.of(neg, F80.MAX_EXP, F80.J);
    }

    /** NaN/unsupported handling shared by all: the result, or null to go on (c.flags may hold IE). */
    private static F80 special(FpuContext c, F80 a, F80 b) {
        Kind ka = a.kind(), kb = b == null ? Kind.NORMAL : b.kind();
        if (ka == Kind.UNSUPPORTED || kb == Kind.UNSUPPORTED) return F80.INDEFINITE;
        if (a.isNaN() || (b != null && b.isNaN())) {
            return b == null ? Float80.sqrt(c, a) : Float80.add(c, a, b);
        }
        return null;
    }

    private static boolean denormal(FpuContext c, F80 a, F80 b) {
        if (a.isDenormalOperand() || (b != null && b.isDenormalOperand())) c.raise(DE);
        return (c.flags & ~c.cw & 0x3F) == 0;
    }

    private static boolean invalidOperand(FpuContext c, F80 a, F80 b) {
        Kind ka = a.kind(), kb = b == null ? Kind.NORMAL : b.kind();
        if (ka == Kind.UNSUPPORTED || kb == Kind.UNSUPPORTED) {
            c.raise(IE);
            return true;
        }
        return false;
    }

    /** Stores {@code r} (null or after an unmasked exception: nothing) into ST(dst), popping if asked. */
    private static void finish(FpuState s, FpuContext c, F80 r, int dst, boolean pop) {
        s.finish(c);
        if (r == null || (c.flags & ~c.cw & (IE | DE | FpuContext.ZE)) != 0) return;
        s.set(dst, r);
        if (pop) s.pop();
    }

    private static boolean empty(FpuState s, int n, boolean pop) {
        for (int i = 0; i < n; i++) {
            if (s.isEmpty(i)) {
                s.stackFault(false);
                if (!s.unmasked(IE)) {
                    s.set(n - 1, F80.INDEFINITE);
                    if (pop) s.pop();
                }
                return true;
            }
        }
        return false;
    }

    public static void f2xm1(FpuState s) {
        if (empty(s, 1, false)) return;
        FpuContext c = s.context();
        F80 a = s.st(0);
        F80 r = special(c, a, null);
        if (r == null) {
            if (invalidOperand(c, a, null)) r = F80.INDEFINITE;
            else if (a.isZero()) r = a;
            else if (a.isInfinity()) r = a.negative() ? MINUS_ONE : a;
            else if (denormal(c, a, null) && Float80.unpackExp(a) < 15) r = MATH.exp2m1(BigFloat.of(a)).toF80(c);
            else r = Float80.invalid(c);
        } else if (r == F80.INDEFINITE) {
            r = Float80.invalid(c);
        }
        finish(s, c, r, 0, false);
    }

    /** FYL2X (plus1 false) and FYL2XP1: ST(1) = ST(1) * log2(ST(0) [+ 1]), then pop. */
    public static void fyl2x(FpuState s, boolean plus1) {
        if (empty(s, 2, true)) return;
        FpuContext c = s.context();
        F80 x = s.st(0), y = s.st(1);
        F80 r = special(c, x, y);
        if (r == F80.INDEFINITE) r = Float80.invalid(c);
        else if (r == null) r = plus1 ? log2p1(c, x, y) : log2(c, x, y);
        finish(s, c, r, 1, true);
    }

    private static F80 log2(FpuContext c, F80 x, F80 y) {
        boolean ny = y.negative();
        if (x.negative() && !x.isZero()) return Float80.invalid(c);
        if (x.isZero()) {
            if (y.isZero()) return Float80.invalid(c);
            if (y.isInfinity()) return inf(!ny);
            c.raise(FpuContext.ZE); // divide-by-zero outranks a denormal ST(1)
            if (!c.masked(FpuContext.ZE)) return null;
            return inf(!ny);
        }
        if (x.isInfinity() && y.isZero()) return Float80.invalid(c);
        if (!denormal(c, x, y)) return null;
        if (x.isInfinity()) return inf(ny);
        BigFloat l = MATH.log2(BigFloat.of(x));
        if (y.isInfinity()) return l.signum() == 0 ? Float80.invalid(c) : inf(ny != (l.signum() < 0));
        if (y.isZero() || l.signum() == 0) return F80.of(ny != (l.signum() < 0), 0, 0);
        return inexact(c, l.mul(BigFloat.of(y)).toF80(c));
    }

    private static F80 log2p1(FpuContext c, F80 x, F80 y) {
        boolean ny = y.negative();
        if (x.isZero() && y.isInfinity()) return Float80.invalid(c);
        if (!denormal(c, x, y)) return null;
        if (x.isZero()) return F80.of(x.negative() != ny, 0, 0);
        if (x.isInfinity()) return x.negative() || y.isZero() ? Float80.invalid(c) : inf(ny); // as log2(1 + x)
        BigFloat bx = BigFloat.of(x);
        if (bx.compareTo(BigFloat.ONE.negate()) <= 0) return Float80.invalid(c);
        BigFloat l = MATH.log2p1(bx);
        if (y.isInfinity()) return inf(ny != (l.signum() < 0));
        if (y.isZero()) return F80.of(ny != (l.signum() < 0), 0, 0);
        return inexact(c, l.mul(BigFloat.of(y)).toF80(c));
    }

    /**
     * FYL2X and FYL2XP1 report PE for every nonzero finite result, exact ones included (log2 8 = 3):
     * the host's FPU does (examples/x87test, issue 14); C1 stays as the rounding left it.
     */
    private static F80 inexact(FpuContext c, F80 r) {
        c.raise(FpuContext.PE);
        return r;
    }

    /** FPATAN: ST(1) = atan2(ST(1), ST(0)), then pop. */
    public static void fpatan(FpuState s) {
        if (empty(s, 2, true)) return;
        FpuContext c = s.context();
        F80 x = s.st(0), y = s.st(1);
        F80 r = special(c, x, y);
        if (r == F80.INDEFINITE) {
            r = Float80.invalid(c);
        } else if (r == null && denormal(c, x, y)) {
            BigFloat pi = MATH.pi();
            BigFloat v;
            if (y.isInfinity()) {
                v = x.isInfinity() ? (x.negative() ? pi.mul(BigFloat.of(3)).shift(-2) : pi.shift(-2)) : pi.shift(-1);
            } else if (x.isInfinity() || y.isZero()) {
                v = x.negative() ? pi : BigFloat.ZERO;
            } else {
                v = MATH.atan2(BigFloat.of(y).abs(), BigFloat.of(x));
            }
            r = (y.negative() ? v.negate() : v).toF80(c);
            if (v.signum() == 0) r = r.withSign(y.negative());
        }
        finish(s, c, r, 1, true);
    }

    /** FSIN (0), FCOS (1), FSINCOS (2), FPTAN (3). C2 = 1 and nothing changes when |ST(0)| >= 2^63. */
    public static void trig(FpuState s, int which) {
        if (empty(s, 1, false)) return;
        boolean pushes = which >= 2;
        if (pushes && !s.isEmpty(7)) {
            s.stackFaultOfTwoResults(true);
            return;
        }
        FpuContext c = s.context();
        F80 a = s.st(0);
        F80 r = special(c, a, null);
        F80 first, second = null;
        if (r == F80.INDEFINITE || (r == null && a.isInfinity())) {
            first = Float80.invalid(c);
            second = first;
        } else if (r != null) {
            first = r;
            second = r;
        } else if (!a.isZero() && Float80.unpackExp(a) >= 63) {
            s.finish(c);
            s.setConditions(0b010, false);
            return;
        } else if (a.isZero()) {
            first = which == 1 ? ONE : a;
            second = ONE;
        } else {
            if (!denormal(c, a, null)) {
                s.finish(c);
                return;
            }
            if (Float80.unpackExp(a) < -40) {
                // |x| < 2^-40: sin x = x - x^3/6 + ..., cos x = 1 - x^2/2 + ..., tan x = x + x^3/3
                // + ...: the correction is far below the rounding point (and, for very small x,
                // below the series' 320 bits too), so round x or 1 with the correction's sign
                // (PE, C1, UE as the host reports them: issue 14)
                BigFloat x = BigFloat.of(a);
                int sign = a.negative() ? -1 : 1;
                switch (which) {
                    case 0: first = x.toF80(c, -sign); break;
                    case 1: first = BigFloat.ONE.toF80(c, -1); break;
                    case 2: {
                        first = x.toF80(c, -sign);
                        boolean c1 = c.c1;
                        second = BigFloat.ONE.toF80(c, -1);
                        c.c1 = c1;
                        break;
                    }
                    default: first = x.toF80(c, sign); second = ONE; break;
                }
                s.finish(c);
                s.setConditions(0, (s.statusWord() & FpuState.C1) != 0);
                if ((c.flags & ~c.cw & (IE | DE)) != 0) return;
                s.set(0, first);
                if (pushes) s.push(second);
                return;
            }
            BigFloat[] sc = MATH.sinCos(BigFloat.of(a));
            switch (which) {
                case 0: first = sc[0].toF80(c); break;
                case 1: first = sc[1].toF80(c); break;
                case 2: { // C1 reports the sine's rounding (ST(1)), as the host does, not the cosine's
                    first = sc[0].toF80(c);
                    boolean c1 = c.c1;
                    second = sc[1].toF80(c);
                    c.c1 = c1;
                    break;
                }
                default: first = sc[0].div(sc[1]).toF80(c); second = ONE; break;
            }
        }
        s.finish(c);
        s.setConditions(0, (s.statusWord() & FpuState.C1) != 0);
        if (first == null || (c.flags & ~c.cw & (IE | DE)) != 0) return;
        s.set(0, first);
        if (pushes) s.push(second);
    }
}
