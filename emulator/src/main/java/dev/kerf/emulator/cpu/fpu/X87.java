package dev.kerf.emulator.cpu.fpu;

import static dev.kerf.emulator.cpu.fpu.FpuContext.IE;

/**
 * The x87 instruction semantics on an {@link FpuState}, one method per instruction family (the
 * arithmetic group selected by ModRM.reg of D8/DC, compares, loads, stores, unary operations).
 * Memory operands come in already read (loads) or go out as the value to write (stores: {@code
 * null} when an exception leaves memory unwritten); the CPU's decoder does the addressing.
 */
public final class X87 {
    /** The D8/DC group's ModRM.reg numbering. */
    public static final int ADD = 0, MUL = 1, COM = 2, COMP = 3, SUB = 4, SUBR = 5, DIV = 6, DIVR = 7;

    private X87() {}

    private static F80 apply(FpuContext c, int kind, F80 x, F80 y) {
        switch (kind) {
            case ADD: return Float80.add(c, x, y);
            case MUL: return Float80.mul(c, x, y);
            case SUB: return Float80.sub(c, x, y);
            case SUBR: return Float80.sub(c, y, x);
            case DIV: return Float80.div(c, x, y);
            case DIVR: return Float80.div(c, y, x);
            default: throw new IllegalArgumentException("not an arithmetic kind: " + kind);
        }
    }

    /** Stack underflow on an empty operand; true when the instruction must stop (nothing stored). */
    private static boolean underflow(FpuState s, int dst, boolean pop) {
        s.stackFault(false);
        if (s.unmasked(IE)) return true;
        s.set(dst, F80.INDEFINITE);
        if (pop) s.pop();
        return true;
    }

    /** FADD/FMUL/FSUB/FSUBR/FDIV/FDIVR ST(dst), ST(src) (and the popping forms): ST(dst) = ST(dst) op ST(src). */
    public static void arith(FpuState s, int kind, int dst, int src, boolean pop) {
        if (s.isEmpty(dst) || s.isEmpty(src)) {
            underflow(s, dst, pop);
            return;
        }
        FpuContext c = s.context();
        F80 r = apply(c, kind, s.st(dst), s.st(src));
        s.finish(c);
        if (r != null) s.set(dst, r);
        if (pop && r != null) s.pop(); // an unmasked IE/ZE/DE leaves the stack as it was
    }

    /** The memory forms (D8/DC m32/m64, DA/DE integer): ST(0) = ST(0) op operand. */
    public static void arithMem(FpuState s, int kind, F80 operand, FpuContext c) {
        if (s.isEmpty(0)) {
            underflow(s, 0, false);
            return;
        }
        F80 r = operand == null ? null : apply(c, kind, s.st(0), operand);
        s.finish(c);
        if (r != null) s.set(0, r);
    }

    /** FCOM/FCOMP/FUCOM/FUCOMP/FTST with {@code other}; sets C3,C2,C0 and clears C1. */
    public static void compare(FpuState s, F80 other, boolean otherEmpty, boolean unordered, int pops) {
        compare(s, other, otherEmpty, unordered, pops, 0);
    }

    /** As {@link #compare(FpuState, F80, boolean, boolean, int)} with {@code extra} flags (a memory operand's DE) raised too. */
    public static void compare(FpuState s, F80 other, boolean otherEmpty, boolean unordered, int pops, int extra) {
        if (s.isEmpty(0) || otherEmpty) {
            s.stackFault(false);
            s.setConditions(0b111, false); // unordered even when IE is unmasked
            if (!s.unmasked(IE)) for (int i = 0; i < pops; i++) s.pop();
            return;
        }
        FpuContext c = s.context();
        int r = Float80.compare(c, s.st(0), other, !unordered);
        c.flags |= extra;
        s.finish(c);
        s.setConditions(CODES[r], false);
        if ((c.flags & ~s.cw & 0x3F) != 0) return; // an unmasked exception: no pop
        for (int i = 0; i < pops; i++) s.pop();
    }

    private static final int[] CODES = {0b000, 0b001, 0b100, 0b111};
    /** ZF, PF, CF for FCOMI by outcome. */
    private static final int[] EFLAGS = {0x00, 0x01, 0x40, 0x45};

    /**
     * FCOMI/FUCOMI(P) ST(0), ST(i): returns the new ZF/PF/CF bits (0x45 mask; OF, SF, AF cleared).
     * C1 is cleared. A stack fault reports unordered even with IE unmasked (then without the pop),
     * as the host does (examples/x87test).
     */
    public static int compareToEflags(FpuState s, int i, boolean unordered, boolean pop) {
        if (s.isEmpty(0) || s.isEmpty(i)) {
            s.stackFault(false);
            if (pop && !s.unmasked(IE)) s.pop();
            return 0x45;
        }
        FpuContext c = s.context();
        int r = Float80.compare(c, s.st(0), s.st(i), !unordered);
        s.finish(c);
        if (pop && (c.flags & ~s.cw & 0x3F) == 0) s.pop();
        return EFLAGS[r];
    }

    public static void fxam(FpuState s) {
        boolean sign = s.st(0).negative();
        s.setConditions(s.examine(), sign);
    }

    /** FSQRT, FRNDINT: ST(0) = f(ST(0)). */
    public static void unary(FpuState s, boolean sqrt) {
        if (s.isEmpty(0)) {
            underflow(s, 0, false);
            return;
        }
        FpuContext c = s.context();
        F80 r = sqrt ? Float80.sqrt(c, s.st(0)) : Float80.roundToInt(c, s.st(0));
        s.finish(c);
        if (r != null) s.set(0, r);
    }

    /** FCHS (negate) and FABS: no exceptions beyond stack underflow; C1 cleared. */
    public static void signOp(FpuState s, boolean abs) {
        if (s.isEmpty(0)) {
            underflow(s, 0, false);
            return;
        }
        F80 v = s.st(0);
        s.set(0, abs ? v.withSign(false) : v.negate());
        s.finish(s.context());
    }

    public static void fscale(FpuState s) {
        if (s.isEmpty(0) || s.isEmpty(1)) {
            underflow(s, 0, false);
            return;
        }
        FpuContext c = s.context();
        F80 r = Float80.scale(c, s.st(0), s.st(1));
        s.finish(c);
        if (r != null) s.set(0, r);
    }

    /** FLD/FILD/FBLD: pushes {@code v} (null: an unmasked exception in the conversion, nothing pushed). */
    public static void load(FpuState s, F80 v, FpuContext c) {
        if (!s.isEmpty(7)) {
            s.stackFault(true);
            if (!s.unmasked(IE)) s.push(F80.INDEFINITE);
            return;
        }
        s.finish(c);
        if (v != null) s.push(v);
    }

    /**
     * Reads ST(0) for a store to memory: null (and the stack fault recorded) when it is empty;
     * with IE masked an empty source stores the format's indefinite, signalled by returning
     * {@link F80#INDEFINITE} after the fault.
     */
    public static F80 storeSource(FpuState s) {
        if (!s.isEmpty(0)) return s.st(0);
        s.stackFault(false);
        return s.unmasked(IE) ? null : F80.INDEFINITE;
    }

    /** Ends a store: merges flags, pops when asked and the store happened or was masked. */
    public static void endStore(FpuState s, FpuContext c, boolean stored, boolean pop) {
        s.finish(c);
        if (pop && stored) s.pop();
    }

    /** FPREM/FPREM1: ST(0) = remainder of ST(0) / ST(1); C0,C3,C1 = quotient bits 2,1,0; C2 = incomplete. */
    public static void fprem(FpuState s, boolean ieee) {
        if (s.isEmpty(0) || s.isEmpty(1)) {
            underflow(s, 0, false);
            return;
        }
        FpuContext c = s.context();
        Remainder.Result r = Remainder.remainder(c, s.st(0), s.st(1), ieee);
        s.finish(c);
        if (r.value() == null) return;
        s.set(0, r.value());
        long q = r.quotient();
        s.setConditions((int) ((q >> 1 & 1) << 2 | (r.incomplete() ? 2 : 0) | (q >> 2 & 1)), (q & 1) != 0);
    }

    /** FXTRACT: ST(0) becomes the exponent, then the significand is pushed. */
    public static void fxtract(FpuState s) {
        if (s.isEmpty(0)) {
            s.stackFaultOfTwoResults(false);
            return;
        }
        if (!s.isEmpty(7)) {
            s.stackFaultOfTwoResults(true);
            return;
        }
        FpuContext c = s.context();
        F80[] r = Remainder.extract(c, s.st(0));
        s.finish(c);
        if (r[0] == null) return;
        s.set(0, r[0]);
        s.push(r[1]);
    }

    /** FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ, in D9 E8-EE order. */
    public static final int LD1 = 0, LDL2T = 1, LDL2E = 2, LDPI = 3, LDLG2 = 4, LDLN2 = 5, LDZ = 6;

    /** The constants rounded to nearest, and which way they moved from the exact value (+1 up, -1 down). */
    private static final F80[] CONSTANTS = {
        new F80(0x3FFF, 0x8000000000000000L), new F80(0x4000, 0xD49A784BCD1B8AFEL),
        new F80(0x3FFF, 0xB8AA3B295C17F0BCL), new F80(0x4000, 0xC90FDAA22168C235L),
        new F80(0x3FFD, 0x9A209A84FBCFF799L), new F80(0x3FFE, 0xB17217F7D1CF79ACL), F80.POS_ZERO};
    private static final int[] ROUNDED = {0, -1, 1, 1, 1, 1, 0};

    /** The constant loads: rounded by the rounding control from the exact value (C1 cleared). */
    public static void loadConstant(FpuState s, int which) {
        F80 v = CONSTANTS[which];
        int rc = s.cw >> 10 & 3, dir = ROUNDED[which];
        boolean towardZero = rc == FpuContext.RC_ZERO || rc == FpuContext.RC_DOWN;
        if (dir > 0 && towardZero) v = new F80(v.se(), v.sig() - 1);
        if (dir < 0 && rc == FpuContext.RC_UP) v = new F80(v.se(), v.sig() + 1);
        load(s, v, s.context());
    }

    /** FLD ST(i): pushes a copy (the empty-register check comes after the overflow check). */
    public static void loadRegister(FpuState s, int i) {
        if (!s.isEmpty(7)) {
            load(s, F80.INDEFINITE, s.context());
            return;
        }
        if (s.isEmpty(i)) {
            s.stackFault(false);
            if (!s.unmasked(IE)) s.push(F80.INDEFINITE);
            return;
        }
        load(s, s.st(i), s.context());
    }

    /** FST/FSTP ST(i): copies ST(0), raw, and pops when asked. */
    public static void storeRegister(FpuState s, int i, boolean pop) {
        F80 v = storeSource(s);
        if (v == null) return;
        s.set(i, v);
        if (pop) s.pop();
        if (v != F80.INDEFINITE) s.finish(s.context());
    }

    /** FXCH ST(i): an empty side is first filled with the indefinite (masked stack underflow). */
    public static void exchange(FpuState s, int i) {
        if (s.isEmpty(0) || s.isEmpty(i)) {
            s.stackFault(false);
            if (s.unmasked(IE)) return;
            if (s.isEmpty(0)) s.set(0, F80.INDEFINITE);
            if (s.isEmpty(i)) s.set(i, F80.INDEFINITE);
        } else {
            s.finish(s.context());
        }
        F80 t = s.st(0);
        s.set(0, s.st(i));
        s.set(i, t);
    }

    /** FCMOVcc ST(0), ST(i) with the condition already evaluated from EFLAGS. */
    public static void conditionalMove(FpuState s, int i, boolean condition) {
        if (s.isEmpty(0) || s.isEmpty(i)) {
            s.stackFault(false);
            if (!s.unmasked(IE)) s.set(0, F80.INDEFINITE);
            return;
        }
        if (condition) s.set(0, s.st(i));
        s.finish(s.context());
    }

    /** FINCSTP (+1) and FDECSTP (-1): only TOP moves; tags stay with their registers. C1 cleared. */
    public static void moveTop(FpuState s, int delta) {
        s.setStatusWord((s.statusWord() & ~0x3800) | ((s.top() + delta) & 7) << 11);
        s.finish(s.context());
    }
}
