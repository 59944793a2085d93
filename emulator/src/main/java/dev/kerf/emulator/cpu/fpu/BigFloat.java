package dev.kerf.emulator.cpu.fpu;

import java.math.BigInteger;

/**
 * A binary floating-point number {@code m * 2^e} with an arbitrary-precision integer significand
 * kept to {@link #BITS} bits (truncated), for the transcendental instructions: they are computed
 * far beyond 64 bits in integers and rounded once into the 80-bit format. Immutable.
 */
final class BigFloat {
    static final int BITS = 320;
    static final BigFloat ZERO = new BigFloat(BigInteger.ZERO, 0);
    static final BigFloat ONE = new BigFloat(BigInteger.ONE, 0);

    final BigInteger m;
    final int e;

    BigFloat(BigInteger m, int e) {
        int excess = m.bitLength() - BITS;
        if (excess > 0) {
            m = m.signum() < 0 ? m.negate().shiftRight(excess).negate() : m.shiftRight(excess);
            e += excess;
        }
        this.m = m;
        this.e = e;
    }

    static BigFloat of(long v) {
        return new BigFloat(BigInteger.valueOf(v), 0);
    }

    /** The exact value of a finite 80-bit operand. */
    static BigFloat of(F80 a) {
        if (a.isZero()) return ZERO;
        BigInteger m = new BigInteger(Long.toUnsignedString(Float80.unpackSig(a)));
        return new BigFloat(a.negative() ? m.negate() : m, Float80.unpackExp(a) - 63);
    }

    int signum() {
        return m.signum();
    }

    /** floor(log2 |this|); meaningless for zero. */
    int exponent() {
        return e + m.bitLength() - 1;
    }

    BigFloat negate() {
        return new BigFloat(m.negate(), e);
    }

    BigFloat abs() {
        return m.signum() < 0 ? negate() : this;
    }

    BigFloat shift(int n) {
        return new BigFloat(m, e + n);
    }

    BigFloat mul(BigFloat o) {
        return new BigFloat(m.multiply(o.m), e + o.e);
    }

    BigFloat add(BigFloat o) {
        if (m.signum() == 0) return o;
        if (o.m.signum() == 0) return this;
        if (exponent() - o.exponent() > BITS + 8) return this;
        if (o.exponent() - exponent() > BITS + 8) return o;
        int le = Math.min(e, o.e);
        return new BigFloat(m.shiftLeft(e - le).add(o.m.shiftLeft(o.e - le)), le);
    }

    BigFloat sub(BigFloat o) {
        return add(o.negate());
    }

    BigFloat div(BigFloat o) {
        int s = BITS + o.m.bitLength() - m.bitLength() + 2;
        return new BigFloat(m.shiftLeft(s).divide(o.m), e - o.e - s);
    }

    BigFloat sqrt() {
        int s = 2 * BITS - m.bitLength();
        if (((e - s) & 1) != 0) s++;
        return new BigFloat(m.shiftLeft(s).sqrt(), (e - s) / 2);
    }

    int compareTo(BigFloat o) {
        return sub(o).signum();
    }

    /** Rounds into the 80-bit format under the context's rounding control (64-bit precision). */
    F80 toF80(FpuContext c) {
        return toF80(c, 0);
    }

    /**
     * As {@link #toF80(FpuContext)} for a true value a little beyond this one: {@code tail} is the
     * sign of the (nonzero, smaller than every bit kept) difference, or 0 when this is exact.
     */
    F80 toF80(FpuContext c, int tail) {
        if (m.signum() == 0) return F80.POS_ZERO;
        BigInteger mag = m.abs();
        int lsb = e;
        boolean sticky = false;
        if (tail != 0) { // more bits than kept: just above the magnitude (sticky), or just below it
            int more = Math.max(2, 130 - mag.bitLength());
            mag = mag.shiftLeft(more);
            lsb -= more;
            if (tail * m.signum() < 0) mag = mag.subtract(BigInteger.ONE);
            sticky = true;
        }
        int n = mag.bitLength();
        if (n > 128) {
            sticky |= mag.getLowestSetBit() < n - 128;
            mag = mag.shiftRight(n - 128);
            lsb += n - 128;
        }
        return Float80.packInt(c, m.signum() < 0, lsb, mag.shiftRight(64).longValue(), mag.longValue(), sticky, 64);
    }
}
