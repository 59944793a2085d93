package dev.kerf.emulator.cpu;

/**
 * Lazy arithmetic flags (after v86's {@code arith.rs} and Bochs' {@code lazy_flags.h}).
 *
 * <p>An arithmetic instruction does not compute CF/PF/AF/ZF/SF/OF; it records its kind, its two
 * operands and its result (all masked to the operand size) in {@link Cpu} and marks the six flags
 * lazy in {@code Cpu.lazyMask}. A flag is computed only when something reads it (Jcc, ADC,
 * PUSHF, interrupt delivery...). Flags that an instruction sets eagerly, or leaves untouched,
 * live in {@code Cpu.flagBits}, which also holds every non-arithmetic EFLAGS bit. Invariant: a
 * bit of {@code lazyMask} means "ignore this bit of flagBits, compute it from the lazy state".
 *
 * <p>Kinds: ADD/SUB (carry-in 0), ADC/SBB (carry-in 1: the carry-in is folded into the kind, so
 * {@code ADC} with CF=0 records ADD), LOGIC (CF=OF=AF=0; also used for "PF/ZF/SF from a result"
 * after shifts, MUL and BCD, whose other flags are stored eagerly).
 */
final class Flags {
    static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200,
            DF = 0x400, OF = 0x800, IOPL = 0x3000, NT = 0x4000, RF = 0x10000, VM = 0x20000,
            AC = 0x40000, VIF = 0x80000, VIP = 0x100000, ID = 0x200000;
    static final int ARITH = CF | PF | AF | ZF | SF | OF;
    static final int SZP = SF | ZF | PF;
    /** EFLAGS bits that exist on our CPU; bit 1 always reads 1. */
    static final int WRITABLE = 0x003F7FD5;

    static final int K_ADD = 0, K_ADC = 1, K_SUB = 2, K_SBB = 3, K_LOGIC = 4;

    private Flags() {}

    /** Records an add/sub-family result: all six flags become lazy. Operands masked to size. */
    static void set(Cpu c, int kind, int a, int b, int r, int mask) {
        c.fKind = kind;
        c.fOp1 = a;
        c.fOp2 = b;
        c.fRes = r;
        c.fMask = mask;
        c.lazyMask = ARITH;
    }

    /** Logic result: CF=OF=AF=0, PF/ZF/SF from {@code r}. */
    static void logic(Cpu c, int r, int mask) {
        c.fKind = K_LOGIC;
        c.fRes = r;
        c.fMask = mask;
        c.lazyMask = ARITH;
    }

    /**
     * PF/ZF/SF from {@code r} (lazy); CF, OF and AF set eagerly to the bits given in
     * {@code cfOfAf} (other bits of it ignored).
     */
    static void szpWith(Cpu c, int r, int mask, int cfOfAf) {
        c.flagBits = (c.flagBits & ~(CF | OF | AF)) | (cfOfAf & (CF | OF | AF));
        c.fKind = K_LOGIC;
        c.fRes = r;
        c.fMask = mask;
        c.lazyMask = SZP;
    }

    /** Folds every lazy flag into {@code flagBits}; afterwards flags may be edited bitwise. */
    static void materialize(Cpu c) {
        int lazy = c.lazyMask;
        if (lazy == 0) return;
        int v = 0;
        if ((lazy & CF) != 0) v |= lazyCf(c);
        if ((lazy & PF) != 0) v |= lazyPf(c);
        if ((lazy & AF) != 0) v |= lazyAf(c);
        if ((lazy & ZF) != 0) v |= c.fRes == 0 ? ZF : 0;
        if ((lazy & SF) != 0) v |= lazySf(c);
        if ((lazy & OF) != 0) v |= lazyOf(c);
        c.flagBits = (c.flagBits & ~lazy) | v;
        c.lazyMask = 0;
    }

    static int cf(Cpu c) {
        return (c.lazyMask & CF) == 0 ? c.flagBits & CF : lazyCf(c);
    }

    static boolean zf(Cpu c) {
        return (c.lazyMask & ZF) == 0 ? (c.flagBits & ZF) != 0 : c.fRes == 0;
    }

    static boolean sf(Cpu c) {
        return (c.lazyMask & SF) == 0 ? (c.flagBits & SF) != 0 : lazySf(c) != 0;
    }

    static boolean of(Cpu c) {
        return (c.lazyMask & OF) == 0 ? (c.flagBits & OF) != 0 : lazyOf(c) != 0;
    }

    static boolean pf(Cpu c) {
        return (c.lazyMask & PF) == 0 ? (c.flagBits & PF) != 0 : lazyPf(c) != 0;
    }

    static boolean af(Cpu c) {
        return (c.lazyMask & AF) == 0 ? (c.flagBits & AF) != 0 : lazyAf(c) != 0;
    }

    /** Condition code {@code cc} (0..15, the low nibble of Jcc/SETcc/CMOVcc). */
    static boolean cond(Cpu c, int cc) {
        boolean r;
        switch (cc >> 1) {
            case 0: r = of(c); break;
            case 1: r = carry(c); break;
            case 2: r = zf(c); break;
            case 3: r = belowOrEqual(c); break;
            case 4: r = sf(c); break;
            case 5: r = pf(c); break;
            case 6: r = lessSigned(c); break;
            default: r = lessOrEqual(c); break;
        }
        return r ^ ((cc & 1) != 0);
    }

    /**
     * The name of the method computing the even condition {@code cc & ~1} (the odd one is its
     * negation): what compiled blocks call instead of {@link #cond}, which is too big to inline.
     */
    static String condMethod(int cc) {
        switch (cc >> 1) {
            case 0: return "of";
            case 1: return "carry";
            case 2: return "zf";
            case 3: return "belowOrEqual";
            case 4: return "sf";
            case 5: return "pf";
            case 6: return "lessSigned";
            default: return "lessOrEqual";
        }
    }

    static boolean carry(Cpu c) {
        return cf(c) != 0;
    }

    /** CF or ZF. */
    static boolean belowOrEqual(Cpu c) {
        return cf(c) != 0 || zf(c);
    }

    /** ZF or SF != OF. */
    static boolean lessOrEqual(Cpu c) {
        return zf(c) || lessSigned(c);
    }

    /** SF != OF; for a lazy CMP/SUB it is simply a signed compare of the operands. */
    static boolean lessSigned(Cpu c) {
        if (c.lazyMask == ARITH && c.fKind == K_SUB) {
            int sh = Integer.numberOfLeadingZeros(c.fMask);
            return (c.fOp1 << sh) < (c.fOp2 << sh);
        }
        return sf(c) != of(c);
    }

    private static int lazyCf(Cpu c) {
        switch (c.fKind) {
            case K_ADD: return Integer.compareUnsigned(c.fRes, c.fOp1) < 0 ? CF : 0;
            case K_ADC: return Integer.compareUnsigned(c.fRes, c.fOp1) <= 0 ? CF : 0;
            case K_SUB: return Integer.compareUnsigned(c.fOp1, c.fOp2) < 0 ? CF : 0;
            case K_SBB: return Integer.compareUnsigned(c.fOp1, c.fOp2) <= 0 ? CF : 0;
            default: return 0;
        }
    }

    private static int lazyPf(Cpu c) {
        return (Integer.bitCount(c.fRes & 0xFF) & 1) == 0 ? PF : 0;
    }

    private static int lazyAf(Cpu c) {
        return c.fKind == K_LOGIC ? 0 : (c.fOp1 ^ c.fOp2 ^ c.fRes) & AF;
    }

    private static int lazySf(Cpu c) {
        return (c.fRes & ((c.fMask >>> 1) + 1)) != 0 ? SF : 0;
    }

    private static int lazyOf(Cpu c) {
        int sign = (c.fMask >>> 1) + 1;
        int a = c.fOp1, b = c.fOp2, r = c.fRes;
        switch (c.fKind) {
            case K_ADD:
            case K_ADC: return ((a ^ r) & (b ^ r) & sign) != 0 ? OF : 0;
            case K_SUB:
            case K_SBB: return ((a ^ b) & (a ^ r) & sign) != 0 ? OF : 0;
            default: return 0;
        }
    }
}
