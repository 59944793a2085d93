package dev.kerf.emulator.cpu.fpu;

import static dev.kerf.emulator.cpu.fpu.FpuContext.OE;
import static dev.kerf.emulator.cpu.fpu.FpuContext.PE;
import static dev.kerf.emulator.cpu.fpu.FpuContext.RC_DOWN;
import static dev.kerf.emulator.cpu.fpu.FpuContext.RC_NEAREST;
import static dev.kerf.emulator.cpu.fpu.FpuContext.RC_UP;
import static dev.kerf.emulator.cpu.fpu.FpuContext.RC_ZERO;
import static dev.kerf.emulator.cpu.fpu.FpuContext.UE;

/**
 * Rounds an exact intermediate result once, to a precision and exponent range, the way the x87
 * does: tininess is detected after rounding (to the precision, exponent unbounded), a masked
 * underflow denormalizes and reports UE only when inexact, a masked overflow gives infinity or the
 * largest finite value of the precision by rounding mode, an unmasked overflow or underflow hands
 * back the unbounded result for the caller to bias (register destination) or drop (memory).
 *
 * <p>The intermediate is {@code (hi:lo) * 2^(eTop - 127)} plus a sticky bit for anything below
 * {@code lo}; {@code hi}'s top bit is set (normalized) unless the whole value is zero.
 */
final class Rounding {
    static final int OK = 0, INF = 1, TRAP_OVERFLOW = 2, TRAP_UNDERFLOW = 3;

    /** A rounded result: {@code sig}'s bit 63 has weight 2^e; a denormal has e = eMin, bit 63 clear. */
    record Rounded(boolean neg, int e, long sig, int status) {}

    /** The formats a result can be rounded into: significand bits, exponent range. */
    record Format(int bits, int eMin, int eMax) {
        static final Format EXT = new Format(64, 1 - F80.BIAS, F80.BIAS);
        static final Format DOUBLE = new Format(53, -1022, 1023);
        static final Format SINGLE = new Format(24, -126, 127);
    }

    private Rounding() {}

    static Rounded round(FpuContext c, boolean neg, int eTop, long hi, long lo, boolean sticky, int p, Format f) {
        int rc = c.rc();
        long k = roundAt(c, neg, rc, hi, lo, sticky, 128 - p);
        int e = eTop;
        long sig;
        if (c.carry) {
            e++;
            sig = F80.J;
        } else {
            sig = k << (64 - p);
        }
        boolean inexact = c.inexact, up = c.up;
        c.c1 = false;
        if (e > f.eMax()) {
            if (!c.masked(OE)) {
                c.raise(OE);
                if (inexact) inexactResult(c, up);
                return new Rounded(neg, e, sig, TRAP_OVERFLOW);
            }
            c.raise(OE | PE);
            boolean toInf = rc == RC_NEAREST || (rc == RC_UP && !neg) || (rc == RC_DOWN && neg);
            c.c1 = toInf;
            return toInf ? new Rounded(neg, f.eMax() + 1, F80.J, INF)
                    : new Rounded(neg, f.eMax(), -1L << (64 - p), OK);
        }
        if (e < f.eMin()) {
            if (!c.masked(UE)) {
                c.raise(UE);
                if (inexact) inexactResult(c, up);
                return new Rounded(neg, e, sig, TRAP_UNDERFLOW);
            }
            long shift = (long) f.eMin() - eTop;
            long r = 64 + shift + (64 - p); // the precision counts from the denormal's own bit 63
            long kd = roundAt(c, neg, rc, hi, lo, sticky, (int) Math.min(r, 200));
            long stored = kd << (r - 64 - shift);
            if (c.inexact) {
                c.raise(UE);
                inexactResult(c, c.up);
            }
            return new Rounded(neg, f.eMin(), stored, OK);
        }
        if (inexact) inexactResult(c, up);
        return new Rounded(neg, e, sig, OK);
    }

    private static void inexactResult(FpuContext c, boolean up) {
        c.raise(PE);
        c.c1 = up;
    }

    /**
     * Drops the low {@code r} bits (r >= 64) of {@code hi:lo}+sticky, rounding by {@code rc}; returns
     * the kept bits incremented when rounding goes up, and leaves inexact / up / carry (the
     * increment overflowed the kept width) in the context's scratch fields.
     */
    static long roundAt(FpuContext c, boolean neg, int rc, long hi, long lo, boolean sticky, int r) {
        long k;
        boolean half, lower;
        if (r == 64) {
            k = hi;
            half = lo < 0;
            lower = (lo << 1) != 0 || sticky;
        } else if (r < 128) {
            int s = r - 64;
            k = hi >>> s;
            half = (hi >>> (s - 1) & 1) != 0;
            lower = (s > 1 && (hi & ((1L << (s - 1)) - 1)) != 0) || lo != 0 || sticky;
        } else if (r == 128) {
            k = 0;
            half = hi < 0;
            lower = (hi << 1) != 0 || lo != 0 || sticky;
        } else {
            k = 0;
            half = false;
            lower = hi != 0 || lo != 0 || sticky;
        }
        boolean inexact = half || lower;
        boolean up;
        switch (rc) {
            case RC_NEAREST: up = half && (lower || (k & 1) != 0); break;
            case RC_DOWN: up = inexact && neg; break;
            case RC_UP: up = inexact && !neg; break;
            case RC_ZERO: default: up = false; break;
        }
        c.inexact = inexact;
        c.up = up;
        c.carry = false;
        if (up) {
            k++;
            c.carry = r == 64 ? k == 0 : r < 128 && (k >>> (128 - r)) != 0;
        }
        return k;
    }

    /** The 80-bit encoding of a rounded register result, applying the ±24576 bias of a trap. */
    static F80 toF80(Rounded r) {
        switch (r.status()) {
            case INF: return F80.of(r.neg(), F80.MAX_EXP, F80.J);
            case TRAP_OVERFLOW: return F80.of(r.neg(), r.e() + F80.BIAS - 24576, r.sig());
            case TRAP_UNDERFLOW: return F80.of(r.neg(), r.e() + F80.BIAS + 24576, r.sig());
            default:
                if (r.sig() == 0) return F80.of(r.neg(), 0, 0);
                return F80.of(r.neg(), r.sig() < 0 ? r.e() + F80.BIAS : 0, r.sig());
        }
    }
}
