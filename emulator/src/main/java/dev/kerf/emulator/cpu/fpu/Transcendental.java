package dev.kerf.emulator.cpu.fpu;

import java.math.BigInteger;

/**
 * The elementary functions behind F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS and FSINCOS,
 * evaluated in {@link BigFloat} (320-bit significands: series on reduced arguments) and rounded
 * once. The results are correctly rounded or nearly so; the hardware is not (its argument
 * reduction uses a 66-bit pi and its polynomials are accurate to about one ulp), so these differ
 * from a real CPU by the amounts docs/cpu.md states. The constants are computed, not tabulated.
 */
final class Transcendental {
    private final BigFloat ln2;
    private final BigFloat pi;
    /** The 66-bit pi the x87 reduces FSIN/FCOS/FSINCOS/FPTAN arguments with (pi * 2^64, truncated). */
    private static final BigFloat REDUCTION_PI = new BigFloat(new BigInteger("3243F6A8885A308D3", 16), -64);

    Transcendental() {
        ln2 = lnSeries(BigFloat.of(2));
        BigFloat atan5 = atanSeries(BigFloat.ONE.div(BigFloat.of(5)));
        BigFloat atan239 = atanSeries(BigFloat.ONE.div(BigFloat.of(239)));
        pi = atan5.shift(4).sub(atan239.shift(2));
    }

    BigFloat pi() {
        return pi;
    }

    private static boolean negligible(BigFloat term, BigFloat sum) {
        return term.signum() == 0 || (sum.signum() != 0 && term.exponent() < sum.exponent() - BigFloat.BITS);
    }

    // every series stops after 4000 terms: only far outside an instruction's domain (where the SDM
    // leaves the result undefined) would it need more

    /** atan(z) by its Taylor series; meant for |z| well below 1. */
    private static BigFloat atanSeries(BigFloat z) {
        BigFloat z2 = z.mul(z), term = z, sum = z;
        for (int k = 3; k < 4000; k += 2) {
            term = term.mul(z2).negate();
            BigFloat t = term.div(BigFloat.of(k));
            if (negligible(t, sum)) return sum;
            sum = sum.add(t);
        }
        return sum;
    }

    /** ln(y), y > 0 near 1 or not: 2 atanh((y-1)/(y+1)). */
    private static BigFloat lnSeries(BigFloat y) {
        BigFloat z = y.sub(BigFloat.ONE).div(y.add(BigFloat.ONE));
        BigFloat z2 = z.mul(z), term = z, sum = z;
        for (int k = 3; k < 4000; k += 2) {
            term = term.mul(z2);
            BigFloat t = term.div(BigFloat.of(k));
            if (negligible(t, sum)) return sum.shift(1);
            sum = sum.add(t);
        }
        return sum.shift(1);
    }

    /** log2(y) for y > 0. */
    BigFloat log2(BigFloat y) {
        int k = y.exponent();
        BigFloat m = y.shift(-k); // [1, 2)
        if (m.compareTo(BigFloat.of(3).shift(-1)) > 0) { // keep m in [0.75, 1.5)
            m = m.shift(-1);
            k++;
        }
        return BigFloat.of(k).add(lnSeries(m).div(ln2));
    }

    /** log2(1 + x) for small x, keeping relative precision. */
    BigFloat log2p1(BigFloat x) {
        if (x.exponent() >= -2) return log2(BigFloat.ONE.add(x)); // away from 0 the sum is exact enough
        BigFloat z = x.div(BigFloat.of(2).add(x));
        BigFloat z2 = z.mul(z), term = z, sum = z;
        for (int k = 3; k < 4000; k += 2) {
            term = term.mul(z2);
            BigFloat t = term.div(BigFloat.of(k));
            if (negligible(t, sum)) return sum.shift(1).div(ln2);
            sum = sum.add(t);
        }
        return sum.shift(1).div(ln2);
    }

    /** 2^x - 1 for |x| < 2^15 (beyond [-1, 1] through 2^n * 2^f with n = floor(x)). */
    BigFloat exp2m1(BigFloat x) {
        if (x.exponent() < 0) return exp2m1Series(x);
        BigInteger n = x.e >= 0 ? x.m.shiftLeft(x.e) : x.m.shiftRight(-x.e); // floor
        BigFloat f = x.sub(new BigFloat(n, 0));
        return exp2m1Series(f).add(BigFloat.ONE).shift(n.intValueExact()).sub(BigFloat.ONE);
    }

    private BigFloat exp2m1Series(BigFloat x) {
        BigFloat t = x.mul(ln2), term = t, sum = t;
        for (int k = 2; k < 4000; k++) {
            term = term.mul(t).div(BigFloat.of(k));
            if (negligible(term, sum)) return sum;
            sum = sum.add(term);
        }
        return sum;
    }

    /** atan(z) for any z, by halving the argument three times and the reciprocal above 1. */
    BigFloat atan(BigFloat z) {
        if (z.signum() == 0) return z;
        if (z.abs().compareTo(BigFloat.ONE) > 0) {
            BigFloat r = pi.shift(-1).sub(atan(BigFloat.ONE.div(z.abs())));
            return z.signum() < 0 ? r.negate() : r;
        }
        for (int i = 0; i < 3; i++) z = z.div(BigFloat.ONE.add(BigFloat.ONE.add(z.mul(z)).sqrt()));
        return atanSeries(z).shift(3);
    }

    /** atan2(y, x) for finite, not both zero, as FPATAN defines it. */
    BigFloat atan2(BigFloat y, BigFloat x) {
        if (x.signum() == 0) return y.signum() < 0 ? pi.shift(-1).negate() : pi.shift(-1);
        BigFloat a = atan(y.div(x));
        if (x.signum() > 0) return a;
        return y.signum() < 0 ? a.sub(pi) : a.add(pi);
    }

    /**
     * {sin x, cos x}, reducing by pi/2 as the hardware does, with its 66-bit pi (so far from zero
     * the result is the sine of the hardware's reduced argument, not of x).
     */
    BigFloat[] sinCos(BigFloat x) {
        BigFloat halfPi = REDUCTION_PI.shift(-1);
        BigFloat q = x.div(halfPi);
        BigInteger n = q.e >= 0 ? q.m.shiftLeft(q.e) : q.m.add(BigInteger.ONE.shiftLeft(-q.e - 1)).shiftRight(-q.e);
        BigFloat r = x.sub(new BigFloat(n, 0).mul(halfPi));
        BigFloat r2 = r.mul(r);
        BigFloat s = r, st = r, c = BigFloat.ONE, ct = BigFloat.ONE;
        for (int k = 1; k < 4000; k++) {
            st = st.mul(r2).div(BigFloat.of((2L * k) * (2L * k + 1))).negate();
            ct = ct.mul(r2).div(BigFloat.of((2L * k - 1) * (2L * k))).negate();
            if (negligible(st, s) && negligible(ct, c)) break;
            s = s.add(st);
            c = c.add(ct);
        }
        switch (n.intValue() & 3) {
            case 0: return new BigFloat[] {s, c};
            case 1: return new BigFloat[] {c, s.negate()};
            case 2: return new BigFloat[] {s.negate(), c.negate()};
            default: return new BigFloat[] {c.negate(), s};
        }
    }
}
