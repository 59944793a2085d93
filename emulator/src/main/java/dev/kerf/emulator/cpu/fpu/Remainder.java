package dev.kerf.emulator.cpu.fpu;

import static dev.kerf.emulator.cpu.fpu.FpuContext.DE;
import static dev.kerf.emulator.cpu.fpu.FpuContext.IE;

import dev.kerf.emulator.cpu.fpu.F80.Kind;
import java.math.BigInteger;

/**
 * The exact x87 reductions: FPREM (quotient truncated) and FPREM1 (quotient rounded to nearest
 * even), including the partial remainder when the exponents differ by 64 or more (reduced by
 * 2^(D-N) with N = 32 + D mod 32, C2 set to ask for another round), and FXTRACT.
 */
public final class Remainder {
    /** The result of a remainder step: value (null: unmasked exception), C2 (incomplete), quotient bits. */
    public record Result(F80 value, boolean incomplete, long quotient) {}

    private Remainder() {}

    public static Result remainder(FpuContext c, F80 a, F80 b, boolean ieee) {
        Kind ka = a.kind(), kb = b.kind();
        if (ka == Kind.UNSUPPORTED || kb == Kind.UNSUPPORTED) return new Result(Float80.invalid(c), false, 0);
        if (a.isNaN() || b.isNaN()) return new Result(Float80.add(c, a, b), false, 0); // NaN propagation
        if (a.isInfinity() || b.isZero()) return new Result(Float80.invalid(c), false, 0);
        if (a.isDenormalOperand() || b.isDenormalOperand()) {
            c.raise(DE);
            if (!c.masked(DE)) return new Result(null, false, 0);
        }
        if (a.isZero()) return new Result(a, false, 0);
        if (b.isInfinity()) return new Result(pack(c, a.negative(), unsigned(Float80.unpackSig(a)), Float80.unpackExp(a) - 63), false, 0);
        int ea = Float80.unpackExp(a), eb = Float80.unpackExp(b);
        BigInteger ma = unsigned(Float80.unpackSig(a)), mb = unsigned(Float80.unpackSig(b));
        int d = ea - eb;
        if (d >= 64) {
            int n = (d & 31) | 32;
            BigInteger r = ma.shiftLeft(n).mod(mb);
            return new Result(pack(c, a.negative(), r, ea - n - 63), true, 0);
        }
        if (d < -1) return new Result(pack(c, a.negative(), ma, ea - 63), false, 0); // quotient 0, normalized
        BigInteger num = d >= 0 ? ma.shiftLeft(d) : ma, den = d >= 0 ? mb : mb.shiftLeft(1);
        int lsb = d >= 0 ? eb - 63 : ea - 63;
        BigInteger[] qr = num.divideAndRemainder(den);
        long q = qr[0].longValue();
        BigInteger r = qr[1];
        boolean neg = a.negative();
        if (ieee) {
            int cmp = r.shiftLeft(1).compareTo(den);
            if (cmp > 0 || (cmp == 0 && (q & 1) != 0)) {
                q++;
                r = den.subtract(r);
                neg = !neg;
            }
        }
        if (r.signum() == 0) neg = a.negative();
        return new Result(pack(c, neg, r, lsb), false, q);
    }

    private static F80 pack(FpuContext c, boolean neg, BigInteger r, int lsbExp) {
        return Float80.packInt(c, neg, lsbExp, r.shiftRight(64).longValue(), r.longValue(), false, 64);
    }

    private static BigInteger unsigned(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }

    /**
     * FXTRACT: {exponent, significand} — the unbiased exponent as a value, and the significand
     * with exponent 0 (so significand is ST(0), exponent ST(1) after the push). Zero raises ZE and
     * gives -infinity for the exponent; null entries mean an unmasked exception stores nothing.
     */
    public static F80[] extract(FpuContext c, F80 a) {
        Kind k = a.kind();
        if (k == Kind.UNSUPPORTED) {
            F80 r = Float80.invalid(c);
            return new F80[] {r, r};
        }
        if (k == Kind.SNAN || k == Kind.QNAN) {
            if (k == Kind.SNAN) c.raise(IE);
            if (k == Kind.SNAN && !c.masked(IE)) return new F80[] {null, null};
            F80 q = Float80.quiet(a);
            return new F80[] {q, q};
        }
        if (a.isZero()) {
            c.raise(FpuContext.ZE);
            if (!c.masked(FpuContext.ZE)) return new F80[] {null, null};
            return new F80[] {F80.of(true, F80.MAX_EXP, F80.J), a};
        }
        if (a.isInfinity()) return new F80[] {F80.of(false, F80.MAX_EXP, F80.J), a};
        if (a.isDenormalOperand()) {
            c.raise(DE);
            if (!c.masked(DE)) return new F80[] {null, null};
        }
        return new F80[] {FloatConvert.fromInt(Float80.unpackExp(a)),
            F80.of(a.negative(), F80.BIAS, Float80.unpackSig(a))};
    }
}
