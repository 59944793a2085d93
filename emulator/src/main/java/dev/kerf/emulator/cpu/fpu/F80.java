package dev.kerf.emulator.cpu.fpu;

/**
 * One 80-bit extended-precision value as the x87 holds it: {@code se} is the sign (bit 15) and
 * the 15-bit biased exponent, {@code sig} the 64-bit significand with its explicit integer bit
 * (bit 63). Every bit pattern is representable, including the encodings the 387 and later reject
 * (unnormals, pseudo-NaNs, pseudo-infinities), so a register round-trips through FLD/FSTP m80
 * unchanged.
 */
public record F80(int se, long sig) {
    public static final long J = 1L << 63;
    public static final long QUIET = 1L << 62;
    public static final int MAX_EXP = 0x7FFF;
    public static final int BIAS = 16383;

    public static final F80 POS_ZERO = new F80(0, 0);
    public static final F80 NEG_ZERO = new F80(0x8000, 0);
    /** The QNaN floating-point indefinite the masked invalid-operation response produces. */
    public static final F80 INDEFINITE = new F80(0xFFFF, 0xC000000000000000L);

    /** The classes FXAM distinguishes, plus the finer ones operand checks need. */
    public enum Kind { ZERO, DENORMAL, PSEUDO_DENORMAL, NORMAL, INFINITY, QNAN, SNAN, UNSUPPORTED }

    public F80 {
        se &= 0xFFFF;
    }

    public static F80 of(boolean negative, int exp, long sig) {
        return new F80((negative ? 0x8000 : 0) | (exp & 0x7FFF), sig);
    }

    public boolean negative() {
        return (se & 0x8000) != 0;
    }

    public int exp() {
        return se & 0x7FFF;
    }

    public F80 withSign(boolean negative) {
        return new F80(negative ? se | 0x8000 : se & 0x7FFF, sig);
    }

    public F80 negate() {
        return new F80(se ^ 0x8000, sig);
    }

    public Kind kind() {
        int e = exp();
        boolean j = sig < 0;
        if (e == 0) {
            if (sig == 0) return Kind.ZERO;
            return j ? Kind.PSEUDO_DENORMAL : Kind.DENORMAL;
        }
        if (!j) return Kind.UNSUPPORTED; // unnormal, pseudo-infinity, pseudo-NaN
        if (e == MAX_EXP) {
            if ((sig << 1) == 0) return Kind.INFINITY;
            return (sig & QUIET) != 0 ? Kind.QNAN : Kind.SNAN;
        }
        return Kind.NORMAL;
    }

    public boolean isNaN() {
        Kind k = kind();
        return k == Kind.QNAN || k == Kind.SNAN;
    }

    public boolean isZero() {
        return exp() == 0 && sig == 0;
    }

    public boolean isInfinity() {
        return kind() == Kind.INFINITY;
    }

    /** Denormal or pseudo-denormal: the operands that raise DE. */
    public boolean isDenormalOperand() {
        return exp() == 0 && sig != 0;
    }

    /** The ten-byte memory image (FSTP m80 / FLD m80), little-endian. */
    public void store(byte[] b, int off) {
        for (int i = 0; i < 8; i++) b[off + i] = (byte) (sig >>> (8 * i));
        b[off + 8] = (byte) se;
        b[off + 9] = (byte) (se >>> 8);
    }

    public static F80 load(byte[] b, int off) {
        long s = 0;
        for (int i = 7; i >= 0; i--) s = s << 8 | (b[off + i] & 0xFF);
        return new F80((b[off + 8] & 0xFF) | (b[off + 9] & 0xFF) << 8, s);
    }

    @Override
    public String toString() {
        return String.format("%04x:%016x", se, sig);
    }
}
