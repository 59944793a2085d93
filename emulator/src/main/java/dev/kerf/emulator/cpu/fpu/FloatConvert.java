package dev.kerf.emulator.cpu.fpu;

import static dev.kerf.emulator.cpu.fpu.FpuContext.DE;
import static dev.kerf.emulator.cpu.fpu.FpuContext.IE;
import static dev.kerf.emulator.cpu.fpu.FpuContext.PE;

import dev.kerf.emulator.cpu.fpu.F80.Kind;
import dev.kerf.emulator.cpu.fpu.Rounding.Format;
import dev.kerf.emulator.cpu.fpu.Rounding.Rounded;

/**
 * Conversions between the 80-bit format and the memory formats the x87 loads and stores:
 * integers (FILD, FIST/FISTP, FISTTP), single and double precision (FLD/FST m32/m64, with their
 * own rounding, overflow and underflow), and packed BCD (FBLD/FBSTP). A {@code null} result means
 * an unmasked exception leaves the destination unwritten.
 */
public final class FloatConvert {
    public static final int SINGLE_INDEFINITE = 0xFFC00000;
    public static final long DOUBLE_INDEFINITE = 0xFFF8000000000000L;

    private FloatConvert() {}

    /** FILD: any 16/32/64-bit integer, exactly; zero is +0. */
    public static F80 fromInt(long v) {
        if (v == 0) return F80.POS_ZERO;
        long mag = v < 0 ? -v : v;
        int n = Long.numberOfLeadingZeros(mag);
        return F80.of(v < 0, F80.BIAS + 63 - n, mag << n);
    }

    /**
     * FIST/FISTP ({@code truncate} false: by the rounding control) and FISTTP (true) into a
     * {@code bits}-wide integer; out of range, NaN, infinity or unsupported gives IE and the
     * integer indefinite (the most negative value).
     */
    public static Long toInt(FpuContext c, F80 a, int bits, boolean truncate) {
        long indefinite = Long.MIN_VALUE >> (64 - bits);
        Kind k = a.kind();
        if (k == Kind.UNSUPPORTED || k == Kind.QNAN || k == Kind.SNAN || k == Kind.INFINITY) {
            return outOfRange(c, indefinite);
        }
        if (a.isZero()) return 0L;
        int e = Float80.unpackExp(a);
        if (e >= 64) return outOfRange(c, indefinite);
        int rc = truncate ? FpuContext.RC_ZERO : c.rc();
        long mag;
        boolean carry;
        if (e == 63) {
            mag = Float80.unpackSig(a);
            carry = false;
            c.inexact = false;
        } else {
            mag = Rounding.roundAt(c, a.negative(), rc, Float80.unpackSig(a), 0, false, 127 - e);
            carry = c.carry && e == 62; // magnitude reached 2^63
        }
        long limit = 1L << (bits - 1); // allowed magnitude: limit for negatives, limit-1 for positives
        boolean fits = carry ? a.negative() && bits == 64
                : bits == 64 ? (mag >= 0 || (a.negative() && mag == Long.MIN_VALUE))
                : Long.compareUnsigned(mag, a.negative() ? limit : limit - 1) <= 0;
        if (!fits) return outOfRange(c, indefinite);
        if (c.inexact) {
            c.raise(PE);
            c.c1 = c.up;
        }
        return a.negative() ? -mag : mag;
    }

    private static Long outOfRange(FpuContext c, long indefinite) {
        c.raise(IE);
        return c.masked(IE) ? indefinite : null;
    }

    /** FLD m32: SNaN raises IE and loads quieted (an unmasked IE stops the load), a denormal raises DE. */
    public static F80 fromSingle(FpuContext c, int v) {
        return fromIeee(c, v < 0, v >>> 23 & 0xFF, (long) (v & 0x7FFFFF) << 40, 0xFF, 127, false);
    }

    public static F80 fromDouble(FpuContext c, long v) {
        return fromIeee(c, v < 0, (int) (v >>> 52 & 0x7FF), (v & 0xFFFFFFFFFFFFFL) << 11, 0x7FF, 1023, false);
    }

    /**
     * The m32 operand of an arithmetic instruction: exact, an SNaN stays signaling and a denormal
     * only marks the context, so the arithmetic's checks report them in priority order.
     */
    public static F80 singleOperand(FpuContext c, int v) {
        return fromIeee(c, v < 0, v >>> 23 & 0xFF, (long) (v & 0x7FFFFF) << 40, 0xFF, 127, true);
    }

    public static F80 doubleOperand(FpuContext c, long v) {
        return fromIeee(c, v < 0, (int) (v >>> 52 & 0x7FF), (v & 0xFFFFFFFFFFFFFL) << 11, 0x7FF, 1023, true);
    }

    /** {@code frac} is the fraction left-aligned below bit 63. */
    private static F80 fromIeee(FpuContext c, boolean neg, int exp, long frac, int maxExp, int bias, boolean operand) {
        if (exp == maxExp) {
            if (frac == 0) return F80.of(neg, F80.MAX_EXP, F80.J);
            if (operand) return F80.of(neg, F80.MAX_EXP, F80.J | frac);
            if ((frac & F80.QUIET) == 0) {
                c.raise(IE);
                if (!c.masked(IE)) return null;
            }
            return F80.of(neg, F80.MAX_EXP, F80.J | F80.QUIET | frac);
        }
        if (exp == 0) {
            if (frac == 0) return F80.of(neg, 0, 0);
            if (operand) {
                c.denormalMemoryOperand = true;
            } else {
                c.raise(DE); // the exact value is pushed even when DE is unmasked
            }
            int n = Long.numberOfLeadingZeros(frac);
            return F80.of(neg, F80.BIAS + 1 - bias - n, frac << n);
        }
        return F80.of(neg, exp - bias + F80.BIAS, F80.J | frac);
    }

    public static Integer toSingle(FpuContext c, F80 a) {
        Long r = toIeee(c, a, Format.SINGLE, 8);
        return r == null ? null : (int) (long) r;
    }

    public static Long toDouble(FpuContext c, F80 a) {
        return toIeee(c, a, Format.DOUBLE, 11);
    }

    private static Long toIeee(FpuContext c, F80 a, Format f, int expBits) {
        int fracBits = f.bits() - 1, bias = f.eMax();
        long signBit = a.negative() ? 1L << (fracBits + expBits) : 0;
        long maxExp = (1L << expBits) - 1;
        switch (a.kind()) {
            case UNSUPPORTED:
                c.raise(IE);
                if (!c.masked(IE)) return null;
                return f == Format.SINGLE ? (long) SINGLE_INDEFINITE : DOUBLE_INDEFINITE;
            case SNAN:
                c.raise(IE);
                if (!c.masked(IE)) return null;
                // fall through: stored quieted
            case QNAN:
                return signBit | maxExp << fracBits | ((a.sig() | F80.QUIET) << 1) >>> (64 - fracBits);
            case INFINITY:
                return signBit | maxExp << fracBits;
            case ZERO:
                return signBit;
            default:
                break;
        }
        Rounded r = Rounding.round(c, a.negative(), Float80.unpackExp(a), Float80.unpackSig(a), 0, false,
                f.bits(), f);
        switch (r.status()) {
            case Rounding.TRAP_OVERFLOW:
            case Rounding.TRAP_UNDERFLOW:
                c.flags &= ~PE; // nothing is stored, so nothing is inexact or rounded up
                c.c1 = false;
                return null;
            case Rounding.INF:
                return signBit | maxExp << fracBits;
            default:
                if (r.sig() >= 0) return signBit | r.sig() >>> (64 - f.bits());
                return signBit | (long) (r.e() + bias) << fracBits | (r.sig() << 1) >>> (65 - f.bits());
        }
    }

    /** FBLD: 18 packed BCD digits and a sign byte; -0 loads as -0. */
    public static F80 fromBcd(byte[] b, int off) {
        long v = 0;
        for (int i = 8; i >= 0; i--) {
            int d = b[off + i] & 0xFF;
            v = v * 100 + (d >> 4) * 10 + (d & 15);
        }
        F80 r = fromInt(v);
        return (b[off + 9] & 0x80) != 0 ? r.withSign(true) : r;
    }

    /** FBSTP: rounds by the rounding control; false when an unmasked IE leaves memory unwritten. */
    public static boolean toBcd(FpuContext c, F80 a, byte[] out, int off) {
        Kind k = a.kind();
        Long v = null;
        boolean ok = k != Kind.UNSUPPORTED && k != Kind.QNAN && k != Kind.SNAN && k != Kind.INFINITY;
        if (ok) {
            int saved = c.flags;
            v = toInt(c, a, 64, false);
            if (v != null && v != Long.MIN_VALUE && Math.abs(v) <= 999_999_999_999_999_999L) {
                long m = Math.abs(v);
                for (int i = 0; i < 9; i++) {
                    out[off + i] = (byte) ((m % 10) | (m / 10 % 10) << 4);
                    m /= 100;
                }
                out[off + 9] = (byte) (a.negative() ? 0x80 : 0);
                return true;
            }
            c.flags = saved; // out of the 18-digit range: IE alone, no PE
            c.c1 = false;
        }
        c.raise(IE);
        if (!c.masked(IE)) return false;
        for (int i = 0; i < 7; i++) out[off + i] = 0;
        out[off + 7] = (byte) 0xC0;
        out[off + 8] = (byte) 0xFF;
        out[off + 9] = (byte) 0xFF;
        return true;
    }
}
