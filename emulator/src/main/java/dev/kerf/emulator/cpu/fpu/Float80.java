package dev.kerf.emulator.cpu.fpu;

import static dev.kerf.emulator.cpu.fpu.FpuContext.DE;
import static dev.kerf.emulator.cpu.fpu.FpuContext.IE;
import static dev.kerf.emulator.cpu.fpu.FpuContext.RC_DOWN;
import static dev.kerf.emulator.cpu.fpu.FpuContext.ZE;

import dev.kerf.emulator.cpu.fpu.F80.Kind;
import dev.kerf.emulator.cpu.fpu.Rounding.Format;
import java.math.BigInteger;

/**
 * x87 extended-precision arithmetic in integers (never host floating point): add, subtract,
 * multiply, divide, square root, FRNDINT, FSCALE and the compares, each exactly as the x87 does
 * it — operand checks in the x87's priority order (unsupported encoding and SNaN, QNaN, other
 * invalid operations and divide-by-zero, denormal operand, then overflow/underflow/precision),
 * one rounding to the precision-control width with the extended exponent range.
 *
 * <p>Each operation returns the value to store, or {@code null} when an unmasked IE, ZE or DE
 * means the destination keeps its old value; flags and C1 are left in the {@link FpuContext}.
 */
public final class Float80 {
    /** Compare outcomes, in the order of the C3/C2/C0 encodings 000, 001, 100, 111. */
    public static final int GREATER = 0, LESS = 1, EQUAL = 2, UNORDERED = 3;

    private static final F80 GO_ON = new F80(0x1234, 0x5678); // compared by identity only

    private Float80() {}

    // ---- operand checks ----

    static F80 invalid(FpuContext c) {
        c.raise(IE);
        return c.masked(IE) ? F80.INDEFINITE : null;
    }

    static F80 quiet(F80 a) {
        return new F80(a.se(), a.sig() | F80.QUIET);
    }

    /** The NaN a two-operand instruction returns, or GO_ON when neither operand is a NaN. */
    private static F80 checkOperands(FpuContext c, F80 a, F80 b) {
        Kind ka = a.kind(), kb = b.kind();
        if (ka == Kind.UNSUPPORTED || kb == Kind.UNSUPPORTED) return invalid(c);
        boolean na = ka == Kind.QNAN || ka == Kind.SNAN, nb = kb == Kind.QNAN || kb == Kind.SNAN;
        if (!na && !nb) return GO_ON;
        if (ka == Kind.SNAN || kb == Kind.SNAN) {
            c.raise(IE);
            if (!c.masked(IE)) return null;
        }
        if (na && nb) {
            if (ka != kb) return quiet(ka == Kind.QNAN ? a : b);
            int cmp = Long.compareUnsigned(a.sig(), b.sig());
            if (cmp != 0) return quiet(cmp > 0 ? a : b);
            return quiet(a.se() <= b.se() ? a : b);
        }
        return quiet(na ? a : b);
    }

    private static F80 checkOperand(FpuContext c, F80 a) {
        Kind k = a.kind();
        if (k == Kind.UNSUPPORTED) return invalid(c);
        if (k == Kind.SNAN) {
            c.raise(IE);
            return c.masked(IE) ? quiet(a) : null;
        }
        if (k == Kind.QNAN) return a;
        return GO_ON;
    }

    /** Raises DE for denormal operands; false when DE is unmasked (no result is stored). */
    private static boolean denormals(FpuContext c, F80 a, F80 b) {
        if (a.isDenormalOperand() || (b != null && b.isDenormalOperand()) || c.denormalMemoryOperand) {
            c.raise(DE);
            return c.masked(DE);
        }
        return true;
    }

    /** Unbiased exponent of the integer bit after normalizing (denormals get exponents below eMin). */
    static int unpackExp(F80 a) {
        int e = a.exp() == 0 ? 1 - F80.BIAS : a.exp() - F80.BIAS;
        return e - Long.numberOfLeadingZeros(a.sig());
    }

    static long unpackSig(F80 a) {
        return a.sig() << Long.numberOfLeadingZeros(a.sig());
    }

    static F80 pack(FpuContext c, boolean neg, int eTop, long hi, long lo, boolean sticky, int p) {
        return Rounding.toF80(Rounding.round(c, neg, eTop, hi, lo, sticky, p, Format.EXT));
    }

    /** Packs the exact value {@code (hi:lo) * 2^lsbExp}, normalizing first; zero keeps sign {@code neg}. */
    static F80 packInt(FpuContext c, boolean neg, int lsbExp, long hi, long lo, boolean sticky, int p) {
        int n = hi != 0 ? Long.numberOfLeadingZeros(hi) : 64 + Long.numberOfLeadingZeros(lo);
        if (n == 128) return F80.of(neg, 0, 0);
        long[] s = shiftLeft(hi, lo, n);
        return pack(c, neg, lsbExp + 127 - n, s[0], s[1], sticky, p);
    }

    static long[] shiftLeft(long hi, long lo, int n) {
        if (n == 0) return new long[] {hi, lo};
        if (n >= 64) return new long[] {lo << (n - 64), 0};
        return new long[] {hi << n | lo >>> (64 - n), lo << n};
    }

    // ---- arithmetic ----

    public static F80 add(FpuContext c, F80 a, F80 b) {
        return addSigned(c, a, b, false);
    }

    public static F80 sub(FpuContext c, F80 a, F80 b) {
        return addSigned(c, a, b, true);
    }

    private static F80 addSigned(FpuContext c, F80 a, F80 b, boolean subtract) {
        F80 nan = checkOperands(c, a, b);
        if (nan != GO_ON) return nan;
        if (subtract) b = b.negate();
        boolean ia = a.isInfinity(), ib = b.isInfinity();
        if (ia && ib && a.negative() != b.negative()) return invalid(c);
        if (!denormals(c, a, b)) return null;
        if (ia) return a;
        if (ib) return b;
        int p = c.precision();
        if (a.isZero() && b.isZero()) {
            boolean neg = a.negative() == b.negative() ? a.negative() : c.rc() == RC_DOWN;
            return F80.of(neg, 0, 0);
        }
        if (a.isZero()) return pack(c, b.negative(), unpackExp(b), unpackSig(b), 0, false, p);
        if (b.isZero()) return pack(c, a.negative(), unpackExp(a), unpackSig(a), 0, false, p);
        int ea = unpackExp(a), eb = unpackExp(b);
        long ma = unpackSig(a), mb = unpackSig(b);
        if (eb > ea || (eb == ea && Long.compareUnsigned(mb, ma) > 0)) {
            F80 t = a; a = b; b = t;
            int te = ea; ea = eb; eb = te;
            long tm = ma; ma = mb; mb = tm;
        }
        int diff = ea - eb;
        long bh, bl;
        boolean sticky;
        if (diff == 0) {
            bh = mb; bl = 0; sticky = false;
        } else if (diff < 64) {
            bh = mb >>> diff; bl = mb << (64 - diff); sticky = false;
        } else if (diff < 128) {
            bh = 0; bl = diff == 64 ? mb : mb >>> (diff - 64);
            sticky = diff > 64 && (mb << (128 - diff)) != 0;
        } else {
            bh = 0; bl = 0; sticky = true;
        }
        if (a.negative() == b.negative()) {
            long lo = bl, hi = ma + bh;
            boolean carry = Long.compareUnsigned(hi, ma) < 0;
            if (carry) {
                sticky |= (lo & 1) != 0;
                lo = lo >>> 1 | hi << 63;
                hi = hi >>> 1 | F80.J;
                ea++;
            }
            return pack(c, a.negative(), ea, hi, lo, sticky, p);
        }
        long lo = -bl, hi = ma - bh - (bl != 0 ? 1 : 0);
        if (sticky) {
            hi -= lo == 0 ? 1 : 0;
            lo -= 1;
        }
        if (hi == 0 && lo == 0 && !sticky) return F80.of(c.rc() == RC_DOWN, 0, 0);
        int n = hi != 0 ? Long.numberOfLeadingZeros(hi) : 64 + Long.numberOfLeadingZeros(lo);
        long[] s = shiftLeft(hi, lo, n);
        if (sticky && n > 0) s[1] |= 1;
        return pack(c, a.negative(), ea - n, s[0], s[1], sticky, p);
    }

    public static F80 mul(FpuContext c, F80 a, F80 b) {
        F80 nan = checkOperands(c, a, b);
        if (nan != GO_ON) return nan;
        boolean neg = a.negative() != b.negative();
        boolean ia = a.isInfinity(), ib = b.isInfinity();
        if ((ia && b.isZero()) || (ib && a.isZero())) return invalid(c);
        if (!denormals(c, a, b)) return null;
        if (ia || ib) return F80.of(neg, F80.MAX_EXP, F80.J);
        if (a.isZero() || b.isZero()) return F80.of(neg, 0, 0);
        long ma = unpackSig(a), mb = unpackSig(b);
        long lo = ma * mb;
        long hi = Math.multiplyHigh(ma, mb) + (ma >> 63 & mb) + (mb >> 63 & ma);
        int e = unpackExp(a) + unpackExp(b);
        if (hi < 0) {
            e++;
        } else {
            hi = hi << 1 | lo >>> 63;
            lo <<= 1;
        }
        return pack(c, neg, e, hi, lo, false, c.precision());
    }

    public static F80 div(FpuContext c, F80 a, F80 b) {
        F80 nan = checkOperands(c, a, b);
        if (nan != GO_ON) return nan;
        boolean neg = a.negative() != b.negative();
        boolean ia = a.isInfinity(), ib = b.isInfinity();
        if ((ia && ib) || (a.isZero() && b.isZero())) return invalid(c);
        if (b.isZero() && !ia) {
            c.raise(ZE);
            return c.masked(ZE) ? F80.of(neg, F80.MAX_EXP, F80.J) : null;
        }
        if (!denormals(c, a, b)) return null;
        if (ia) return F80.of(neg, F80.MAX_EXP, F80.J);
        if (ib || a.isZero()) return F80.of(neg, 0, 0);
        long ma = unpackSig(a), mb = unpackSig(b);
        long rem = ma, qh = 0, ql = 0;
        boolean top = false;
        final int n = 68;
        for (int i = 0; i < n; i++) {
            boolean ge = top || Long.compareUnsigned(rem, mb) >= 0;
            if (ge) rem -= mb;
            qh = qh << 1 | ql >>> 63;
            ql = ql << 1 | (ge ? 1 : 0);
            top = rem < 0;
            rem <<= 1;
        }
        boolean sticky = rem != 0 || top;
        return packInt(c, neg, unpackExp(a) - unpackExp(b) - (n - 1), qh, ql, sticky, c.precision());
    }

    public static F80 sqrt(FpuContext c, F80 a) {
        F80 nan = checkOperand(c, a);
        if (nan != GO_ON) return nan;
        if (a.isZero()) return a;
        if (a.negative()) return invalid(c);
        if (!denormals(c, a, null)) return null;
        if (a.isInfinity()) return a;
        int t = unpackExp(a) - 63;
        BigInteger m = new BigInteger(Long.toUnsignedString(unpackSig(a)));
        if ((t & 1) != 0) {
            m = m.shiftLeft(1);
            t--;
        }
        m = m.shiftLeft(128);
        BigInteger root = m.sqrt();
        boolean sticky = !root.multiply(root).equals(m);
        long lo = root.longValue(), hi = root.shiftRight(64).longValue();
        return packInt(c, false, (t - 128) >> 1, hi, lo, sticky, c.precision());
    }

    /** FRNDINT: rounds to an integer by the rounding control (precision control does not apply). */
    public static F80 roundToInt(FpuContext c, F80 a) {
        F80 nan = checkOperand(c, a);
        if (nan != GO_ON) return nan;
        if (!denormals(c, a, null)) return null;
        if (a.isZero() || a.isInfinity()) return a;
        int e = unpackExp(a);
        if (e >= 63) return a;
        long k = Rounding.roundAt(c, a.negative(), c.rc(), unpackSig(a), 0, false, 127 - e);
        boolean inexact = c.inexact, up = c.up;
        F80 r = c.carry && e == 62 ? F80.of(a.negative(), F80.BIAS + 63, F80.J) : packInt(c, a.negative(), 0, 0, k, false, 64);
        if (inexact) {
            c.raise(FpuContext.PE);
            c.c1 = up;
        }
        return r;
    }

    /** FSCALE: ST0 * 2^trunc(ST1), exact unless it overflows or underflows. */
    public static F80 scale(FpuContext c, F80 a, F80 b) {
        F80 nan = checkOperands(c, a, b);
        if (nan != GO_ON) return nan;
        if (b.isInfinity()) {
            if (b.negative() ? a.isInfinity() : a.isZero()) return invalid(c);
            if (!denormals(c, a, null)) return null;
            if (a.isZero() || a.isInfinity()) return a;
            return b.negative() ? F80.of(a.negative(), 0, 0) : F80.of(a.negative(), F80.MAX_EXP, F80.J);
        }
        if (!denormals(c, a, b)) return null;
        if (a.isZero() || a.isInfinity()) return a;
        long n = truncToLong(b);
        int e = unpackExp(a) + (int) Math.max(-100_000, Math.min(100_000, n));
        F80 r = pack(c, a.negative(), e, unpackSig(a), 0, false, 64);
        if (r != null && (c.flags & ~c.cw & (FpuContext.OE | FpuContext.UE)) != 0
                && (e < -F80.BIAS - 24576 - 64 || e > F80.BIAS + 24576)) {
            // beyond even the biased range of an unmasked trap: infinity or zero, whatever the rounding
            boolean over = e > 0;
            c.flags |= (over ? FpuContext.OE : FpuContext.UE) | FpuContext.PE;
            c.c1 = over;
            r = over ? F80.of(a.negative(), F80.MAX_EXP, F80.J) : F80.of(a.negative(), 0, 0);
        }
        return r;
    }

    /** The value of a finite operand truncated toward zero, saturated to the long range. */
    static long truncToLong(F80 b) {
        if (b.isZero()) return 0;
        int e = unpackExp(b);
        if (e < 0) return 0;
        long mag = e >= 63 ? Long.MAX_VALUE : unpackSig(b) >>> (63 - e);
        return b.negative() ? -mag : mag;
    }

    // ---- compares ----

    /**
     * FCOM/FUCOM/FCOMI/FUCOMI/FTST: {@link #GREATER}, {@link #LESS}, {@link #EQUAL} or
     * {@link #UNORDERED} (also after an unmasked IE or DE: the condition codes are set regardless).
     * {@code quietNaNsInvalid} is true for FCOM (any NaN raises IE), false for FUCOM.
     */
    public static int compare(FpuContext c, F80 a, F80 b, boolean quietNaNsInvalid) {
        Kind ka = a.kind(), kb = b.kind();
        boolean bad = ka == Kind.UNSUPPORTED || kb == Kind.UNSUPPORTED || ka == Kind.SNAN || kb == Kind.SNAN;
        boolean nan = a.isNaN() || b.isNaN();
        if (bad || (nan && quietNaNsInvalid)) {
            c.raise(IE);
            return UNORDERED;
        }
        if (nan) return UNORDERED;
        denormals(c, a, b);
        int s = signum(a, b);
        return s > 0 ? GREATER : s < 0 ? LESS : EQUAL;
    }

    private static int signum(F80 a, F80 b) {
        if (a.isZero() && b.isZero()) return 0;
        if (a.isZero()) return b.negative() ? 1 : -1;
        if (b.isZero()) return a.negative() ? -1 : 1;
        if (a.negative() != b.negative()) return a.negative() ? -1 : 1;
        int mag;
        if (a.isInfinity() || b.isInfinity()) {
            mag = a.isInfinity() == b.isInfinity() ? 0 : a.isInfinity() ? 1 : -1;
        } else {
            int ea = unpackExp(a), eb = unpackExp(b);
            mag = ea != eb ? Integer.compare(ea, eb) : Long.compareUnsigned(unpackSig(a), unpackSig(b));
        }
        return a.negative() ? -mag : mag;
    }

    /** FXAM's C3,C2,C0 (as bits 2,1,0) for a non-empty register. */
    public static int examine(F80 a) {
        switch (a.kind()) {
            case UNSUPPORTED: return 0b000;
            case QNAN: case SNAN: return 0b001;
            case NORMAL: return 0b010;
            case INFINITY: return 0b011;
            case ZERO: return 0b100;
            default: return 0b110; // denormal, pseudo-denormal
        }
    }
}
