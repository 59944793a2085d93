/*
 * x87test cases: every line is built in a buffer, hashed into its group's FNV-1a sum, and printed
 * when it is an edge case (or with "verbose"). The random batches are hashed only.
 *
 * Each case: FNINIT, FLD m80 of its operands (ST(0) = first), FLDCW, EFLAGS set, a call to a
 * naked stub holding the instruction (memory operand at (AX) = mbuf, so the last instruction
 * pointer is the stub's address and the operand pointer mbuf's), then EFLAGS, FNSTSW, a FWAIT
 * (where an unmasked exception traps: #MF in the guest, SIGFPE natively), FNSAVE. Printed: the
 * status word after the instruction, EFLAGS (compares), the FNSAVE control/status/tag dwords,
 * opcode, pointers as classes (0 zero, 1 the stub / current CS, 2 mbuf / current DS, 3 the
 * operand buffer, else the offset), the non-empty registers, the memory operand after.
 * Host floating point is never used: only inline asm touches the FPU.
 */
#include "x87test.h"

int verbose;

/* ---- output: one line buffer, hashed, printed for edge cases ---- */
static char line[1024];
static int llen;
static int printing = 1;
static const char *gname;
static u32 gsum, gcases, allsum = 2166136261u;

static void lc(char c) { if (llen < (int)sizeof line - 1) line[llen++] = c; }
static void ls(const char *s) { while (*s) lc(*s++); }
static void lhex(u64 v, int digits) { for (int i = digits - 1; i >= 0; i--) lc("0123456789abcdef"[(v >> (i * 4)) & 15]); }
static void lhexmin(u64 v) { int d = 16; while (d > 1 && !(v >> ((d - 1) * 4))) d--; lhex(v, d); }
static void lword(const char *k, u64 v) { lc(' '); ls(k); lc('='); lhexmin(v); }
static void lbytes(const char *k, const u8 *b, int n)
{
    lc(' '); ls(k); lc('=');
    for (int i = n - 1; i >= 0; i--) lhex(b[i], 2);   /* little-endian value, most significant first */
}
static void outs(const char *s) { while (*s) out_putc(*s++); }
static void outdec(u32 v) { char b[12]; int n = 0; do b[n++] = (char)('0' + v % 10), v /= 10; while (v); while (n) out_putc(b[--n]); }
static void outhex(u32 v) { for (int i = 7; i >= 0; i--) out_putc("0123456789abcdef"[(v >> (i * 4)) & 15]); }
static u32 fnv(u32 h, u8 b) { return (h ^ b) * 16777619u; }

static void lend(void)
{
    for (int i = 0; i < llen; i++) gsum = fnv(gsum, (u8)line[i]);
    gsum = fnv(gsum, '\n');
    gcases++;
    if (printing || verbose) {
        for (int i = 0; i < llen; i++) out_putc(line[i]);
        out_putc('\n');
    }
    llen = 0;
}

static void group_begin(const char *name)
{
    gname = name; gsum = 2166136261u; gcases = 0; printing = 1;
    outs("== "); outs(name); out_putc('\n');
}

static void group_end(void)
{
    outs("== "); outs(gname); outs(" cases="); outdec(gcases); outs(" sum="); outhex(gsum); out_putc('\n');
    for (int i = 0; i < 4; i++) allsum = fnv(allsum, (u8)(gsum >> (8 * i)));
}

/* ---- deterministic random numbers (xorshift64*) ---- */
static u64 rs = 0x9E3779B97F4A7C15ull;
static u64 rnd64(void) { rs ^= rs >> 12; rs ^= rs << 25; rs ^= rs >> 27; return rs * 2685821657736338717ull; }
static u32 rnd(u32 n) { return (u32)(rnd64() >> 32) % n; }

/* ---- operands ---- */
typedef struct { u64 sig; u16 se; } f80;
#define F(se, sig) {sig##ull, se}
static const f80 SPECIAL[] = {
    F(0x0000, 0x0000000000000000),  /* +0 */
    F(0x8000, 0x0000000000000000),  /* -0 */
    F(0x3fff, 0x8000000000000000),  /* 1 */
    F(0xbfff, 0xc000000000000000),  /* -1.5 */
    F(0x4000, 0xc000000000000000),  /* 3 */
    F(0x3ffd, 0xaaaaaaaaaaaaaaab),  /* 1/3 */
    F(0x4000, 0xc90fdaa22168c235),  /* pi */
    F(0x3fff, 0x8000000000000001),  /* 1 + 2^-63 */
    F(0x3fff, 0xffffffffffffffff),  /* 2 - 2^-63 */
    F(0x3fff, 0x8000008000000000),  /* 1 + 2^-24: a tie at single precision */
    F(0x3fff, 0x8000000000000400),  /* 1 + 2^-53: a tie at double precision */
    F(0x403e, 0x8000000000000000),  /* 2^63 */
    F(0x0000, 0x0000000000000001),  /* smallest denormal */
    F(0x8000, 0x7fffffffffffffff),  /* largest negative denormal */
    F(0x0000, 0x8000000000000001),  /* pseudo-denormal */
    F(0x3fff, 0x4000000000000000),  /* unnormal */
    F(0x7fff, 0x0000000000000000),  /* pseudo-infinity */
    F(0x7fff, 0x4000000000000001),  /* pseudo-NaN */
    F(0x7fff, 0x8000000000000000),  /* +inf */
    F(0xffff, 0x8000000000000000),  /* -inf */
    F(0x7fff, 0xc000000000000000),  /* QNaN (the real indefinite's sign flipped) */
    F(0xffff, 0xc000000000001234),  /* -QNaN with payload */
    F(0x7fff, 0x8000000000000001),  /* SNaN */
    F(0xffff, 0xa000000000000000),  /* -SNaN */
    F(0x7ffe, 0xffffffffffffffff),  /* largest */
    F(0x0001, 0x8000000000000000),  /* smallest normal */
    F(0x3c01, 0x8000000000000000),  /* double's smallest normal */
    F(0x3f81, 0x8000000000000000),  /* single's smallest normal */
    F(0x43fe, 0xfffffffffffff800),  /* double's largest */
    F(0xc07e, 0xffffff0000000000),  /* -single's largest */
};
#define NSPECIAL (int)(sizeof SPECIAL / sizeof SPECIAL[0])

/* A random operand: mostly normal numbers near 1 (so results round), sometimes any class. */
static f80 rnd_f80(void)
{
    f80 v;
    u32 k = rnd(16);
    if (k == 0) return SPECIAL[rnd(NSPECIAL)];
    v.sig = rnd64() | 0x8000000000000000ull;
    u16 s = rnd(2) ? 0x8000 : 0;
    if (k == 1) v.se = s | rnd(0x8000);                          /* anywhere, incl. unsupported */
    else if (k == 2) v.se = s | (0x3fff + rnd(0x3fff) * (rnd(2) ? 1 : -1) / (1 + rnd(64)));
    else if (k == 3) { v.se = s; v.sig >>= 1 + rnd(63); }         /* denormal */
    else if (k == 4) { v.se = s | (1 + rnd(70)); }                 /* near underflow */
    else if (k == 5) { v.se = s | (0x7ffe - rnd(70)); }            /* near overflow */
    else if (k == 6) { v.se = s | (0x3f81 - 30 + rnd(60)); }       /* single/double edges */
    else if (k == 7) { v.se = s | (0x3c01 - 60 + rnd(120)); }
    else if (k == 8) { v.se = s | (0x3fff + rnd(8)); v.sig &= ~0ull << (64 - 24 - rnd(4)); v.sig |= 1ull << (39 - rnd(3)); }  /* near single ties */
    else v.se = s | (0x3ff0 + rnd(32));
    return v;
}

/* ---- the machinery ---- */
static u8 mbuf[128] __attribute__((aligned(16)));
static u8 ldbuf[16] __attribute__((aligned(16)));
static u8 img[108] __attribute__((aligned(16)));
static u16 swout;
static volatile int trapped;
static volatile ulong t_at, t_fip, t_fdp;
static volatile u32 t_sw, t_cw, t_fop;
typedef void (*stub)(void);

#ifdef __x86_64__
#define A "(%rax)"
#define AX "%rax"
#define DX "%rdx"
#define CX "%rcx"
#else
#define A "(%eax)"
#define AX "%eax"
#define DX "%edx"
#define CX "%ecx"
#endif
#define STUB(name, text) \
    __attribute__((naked, noinline)) static void name(void) { asm volatile(text "\n\tret"); }

STUB(s_fwait, "fwait")

void x87_trap(ulong at, u32 sw, u32 cw, u32 fop, ulong fip, ulong fdp)
{
    trapped++;
    t_at = at; t_sw = sw; t_cw = cw; t_fop = fop; t_fip = fip; t_fdp = fdp;
}

/*
 * A pointer as a class the guest and the host share: 0, 1 the stub (0x1kk: kk bytes into it),
 * 2 mbuf (0x2kk), 3 the operand buffer, a small value as itself plus 0x10000, else 0xfffff.
 * mask: 0xffffffff for 32-bit images, 0xffff for the 16-bit layouts.
 */
static u32 ptrm(u32 v, stub fn, u32 mask)
{
    u32 f = (u32)(ulong)fn & mask, m = (u32)(ulong)mbuf & mask, l = (u32)(ulong)ldbuf & mask;
    if (v == 0) return 0;
    if (v == f) return 1;
    if (v == m) return 2;
    if (v == l) return 3;
    if (v - f < 64) return 0x100 + (v - f);
    if (v - m < 128) return 0x200 + (v - m);
    if (v < 0x1000) return 0x10000 + v;
    return 0xfffff;
}
static u32 ptrc(u32 v, stub fn) { return ptrm(v, fn, 0xffffffff); }

/*
 * A selector as a class: 1 the current CS, 2 the current DS or 0 (natively DS is 0 in 64-bit
 * mode, so the two cannot be told apart there), else the selector plus 0x10000.
 */
static u32 selc(u32 v)
{
    if (v == (cur_cs() & 0xffff)) return 1;
    if (v == (cur_ds() & 0xffff) || v == 0) return 2;
    return 0x10000 | v;
}

static void put80(u8 *p, f80 v) { memcpy(p, &v.sig, 8); memcpy(p + 8, &v.se, 2); }
static u32 rd16(const u8 *p) { return p[0] | (u32)p[1] << 8; }
static u32 rd32(const u8 *p) { return rd16(p) | rd16(p + 2) << 16; }

/*
 * Runs one case: n operands pushed (ops[0] ends in ST(0)), control word cw, EFLAGS fin, the
 * stub with AX = mbuf. Leaves the FNSAVE image in img and the status word in swout.
 */
static long run_once(stub fn, u16 cw, int n, const f80 *ops, long fin)
{
    long fl;
    trapped = 0;
    /* the registers FNINIT leaves behind are zeros, whatever ran before (FNSAVE shows them) */
    asm volatile("fninit\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfninit");
    for (int i = n - 1; i >= 0; i--) {
        put80(ldbuf, ops[i]);
        asm volatile("fldt %0" : : "m"(*(u8(*)[10])ldbuf));
    }
    asm volatile("fldcw %0" : : "m"(cw));
    asm volatile("push %[fi]\n\tpopf\n\tcall *%[fn]\n\tpushf\n\tpop %[fo]"
                 : [fo] "=&r"(fl) : [fn] "r"(fn), [fi] "r"(fin), "a"(mbuf) : "memory", "cc", "cx", "dx");
    asm volatile("fnstsw %0" : "=m"(swout));
    asm volatile("call *%0" : : "r"(s_fwait) : "memory", "cc");
    asm volatile("fnsave %0" : "=m"(*(u8(*)[108])img));
    return fl;
}

/*
 * Runs a case until two runs in a row agree (host only: plat_retry). On AMD hosts, a context
 * switch while no exception is pending loses the last instruction/operand pointers and opcode
 * (Linux restores them with a dummy load: X86_BUG_FXSAVE_LEAK), about once in 20,000 cases.
 */
static long run(stub fn, u16 cw, int n, const f80 *ops, long fin)
{
    static u8 mem0[sizeof mbuf], img1[sizeof img], mem1[sizeof mbuf];
    memcpy(mem0, mbuf, sizeof mbuf);
    long fl = run_once(fn, cw, n, ops, fin);
    for (int tries = 0; plat_retry && tries < 10; tries++) {
        long fl1 = fl;
        u16 sw1 = swout;
        int tr1 = trapped;
        ulong a1 = t_at, ip1 = t_fip, dp1 = t_fdp;
        u32 s1 = t_sw, c1 = t_cw, o1 = t_fop;
        memcpy(img1, img, sizeof img);
        memcpy(mem1, mbuf, sizeof mbuf);
        memcpy(mbuf, mem0, sizeof mbuf);
        fl = run_once(fn, cw, n, ops, fin);
        if (fl == fl1 && swout == sw1 && trapped == tr1 && !memcmp(img, img1, sizeof img) && !memcmp(mbuf, mem1, sizeof mbuf)
            && (!tr1 || (t_at == a1 && t_fip == ip1 && t_fdp == dp1 && t_sw == s1 && t_cw == c1 && t_fop == o1)))
            break;
    }
    return fl;
}

/* The part of the line after the operands: what the instruction did. */
static void lresult(stub fn, long fl, int memout)
{
    u32 tw = rd16(img + 8);
    u32 top = swout >> 11 & 7;
    lword("sw", swout);
    if (fl >= 0) lword("f", (u32)fl & 0x8d5);
    lword("cw", rd32(img));
    lword("tw", rd32(img + 8));
    if (rd16(img + 4) != swout) lword("sw2", rd32(img + 4));
    if (!trapped) {
        /* after SIGFPE the host's pointers are what the kernel's signal return restored (an AMD
           FXRSTOR skips them when ES is clear): the trap line below carries them instead */
        lword("op", rd16(img + 18) & 0x7ff);
        lword("ip", ptrc(rd32(img + 12), fn));
        lword("dp", ptrc(rd32(img + 20), fn));
    }
    for (u32 i = 0; i < 8; i++) {
        if ((tw >> (2 * ((top + i) & 7)) & 3) == 3) continue;
        char k[4] = {'s', 't', (char)('0' + i), 0};
        lbytes(k, img + 28 + 10 * i, 10);
    }
    if (memout) lbytes("m", mbuf, memout);
    if (trapped) {
        /* at: 0xf the FWAIT after the case, else where in the stub (0x1kk: kk bytes in) */
        ls(" MF"); lword("at", t_at == (ulong)s_fwait ? 0xf : (u64)t_at >> 32 ? 0xfffff : ptrc((u32)t_at, fn)); lword("sw", t_sw); lword("cw", t_cw);
        lword("op", t_fop & 0x7ff); lword("ip", (u64)t_fip >> 32 ? 0xfffff : ptrc((u32)t_fip, fn));
        lword("dp", (u64)t_fdp >> 32 ? 0xfffff : ptrc((u32)t_fdp, fn));
        if (trapped > 1) lword("n", trapped);
    }
}

static void lops(const char *name, u16 cw, int n, const f80 *ops, int memin)
{
    ls(name);
    lword("c", cw);
    for (int i = 0; i < n; i++) {
        u8 b[10];
        put80(b, ops[i]);
        lbytes(i ? "b" : "a", b, 10);
    }
    if (memin) lbytes("mi", mbuf, memin);
}

/* One complete case; mbuf holds memin bytes of input; memout bytes are printed after. */
static void one(const char *name, stub fn, u16 cw, int n, const f80 *ops, int memin, int memout, long fin)
{
    lops(name, cw, n, ops, memin);
    long fl = run(fn, cw, n, ops, fin < 0 ? 2 : fin);
    lresult(fn, fin < 0 ? -1 : fl, memout);
    lend();
}

/* ---- instruction stubs ---- */
struct op { const char *name; stub fn; int n; int memin; int memout; int flags; };
#define OP(nm, text, n, mi, mo, fl) STUB(s_##nm, text)
#define OPS \
    X(fadd_st1,   "fadd %st(1),%st",  2, 0, 0, 0) \
    X(fadd_to1,   "fadd %st,%st(1)",  2, 0, 0, 0) \
    X(faddp,      "faddp",            2, 0, 0, 0) \
    X(fsub_st1,   "fsub %st(1),%st",  2, 0, 0, 0) \
    X(fsub_to1,   "fsub %st,%st(1)",  2, 0, 0, 0) \
    X(fsubr_st1,  "fsubr %st(1),%st", 2, 0, 0, 0) \
    X(fsubr_to1,  "fsubr %st,%st(1)", 2, 0, 0, 0) \
    X(fsubp,      "fsubp",            2, 0, 0, 0) \
    X(fsubrp,     "fsubrp",           2, 0, 0, 0) \
    X(fmul_st1,   "fmul %st(1),%st",  2, 0, 0, 0) \
    X(fmulp,      "fmulp",            2, 0, 0, 0) \
    X(fdiv_st1,   "fdiv %st(1),%st",  2, 0, 0, 0) \
    X(fdiv_to1,   "fdiv %st,%st(1)",  2, 0, 0, 0) \
    X(fdivr_st1,  "fdivr %st(1),%st", 2, 0, 0, 0) \
    X(fdivp,      "fdivp",            2, 0, 0, 0) \
    X(fdivrp,     "fdivrp",           2, 0, 0, 0) \
    X(fsqrt,      "fsqrt",            1, 0, 0, 0) \
    X(frndint,    "frndint",          1, 0, 0, 0) \
    X(fscale,     "fscale",           2, 0, 0, 0) \
    X(fprem,      "fprem",            2, 0, 0, 0) \
    X(fprem1,     "fprem1",           2, 0, 0, 0) \
    X(fxtract,    "fxtract",          1, 0, 0, 0)
#define X(nm, text, n, mi, mo, fl) OP(nm, text, n, mi, mo, fl)
OPS
#undef X
#define X(nm, text, n, mi, mo, fl) {#nm, s_##nm, n, mi, mo, fl},
static const struct op ARITH[] = { OPS };
#undef X
#undef OPS
#define NARITH (int)(sizeof ARITH / sizeof ARITH[0])

/* memory-operand arithmetic: the operand comes from mbuf in its own format */
#define OPS \
    X(fadds,   "fadds " A,   1, 4, 0, 0) \
    X(faddl,   "faddl " A,   1, 8, 0, 0) \
    X(fsubs,   "fsubs " A,   1, 4, 0, 0) \
    X(fsubrl,  "fsubrl " A,  1, 8, 0, 0) \
    X(fmuls,   "fmuls " A,   1, 4, 0, 0) \
    X(fmull,   "fmull " A,   1, 8, 0, 0) \
    X(fdivs,   "fdivs " A,   1, 4, 0, 0) \
    X(fdivrl,  "fdivrl " A,  1, 8, 0, 0) \
    X(fiadds,  "fiadds " A,  1, 2, 0, 0) \
    X(fiaddl,  "fiaddl " A,  1, 4, 0, 0) \
    X(fisubrs, "fisubrs " A, 1, 2, 0, 0) \
    X(fimull,  "fimull " A,  1, 4, 0, 0) \
    X(fidivl,  "fidivl " A,  1, 4, 0, 0) \
    X(fidivrs, "fidivrs " A, 1, 2, 0, 0) \
    X(fcoms,   "fcoms " A,   1, 4, 0, 0) \
    X(fcompl,  "fcompl " A,  1, 8, 0, 0) \
    X(ficoms,  "ficoms " A,  1, 2, 0, 0) \
    X(ficompl, "ficompl " A, 1, 4, 0, 0)
#define X(nm, text, n, mi, mo, fl) OP(nm, text, n, mi, mo, fl)
OPS
#undef X
#define X(nm, text, n, mi, mo, fl) {#nm, s_##nm, n, mi, mo, fl},
static const struct op MEMARITH[] = { OPS };
#undef X
#undef OPS

/* compares and classification; flags=1: print EFLAGS */
#define OPS \
    X(fcom,     "fcom %st(1)",     2, 0, 0, 0) \
    X(fcomp,    "fcomp %st(1)",    2, 0, 0, 0) \
    X(fcompp,   "fcompp",          2, 0, 0, 0) \
    X(fucom,    "fucom %st(1)",    2, 0, 0, 0) \
    X(fucomp,   "fucomp %st(1)",   2, 0, 0, 0) \
    X(fucompp,  "fucompp",         2, 0, 0, 0) \
    X(ftst,     "ftst",            1, 0, 0, 0) \
    X(fxam,     "fxam",            1, 0, 0, 0) \
    X(fcomi,    "fcomi %st(1),%st",   2, 0, 0, 1) \
    X(fcomip,   "fcomip %st(1),%st",  2, 0, 0, 1) \
    X(fucomi,   "fucomi %st(1),%st",  2, 0, 0, 1) \
    X(fucomip,  "fucomip %st(1),%st", 2, 0, 0, 1)
#define X(nm, text, n, mi, mo, fl) OP(nm, text, n, mi, mo, fl)
OPS
#undef X
#define X(nm, text, n, mi, mo, fl) {#nm, s_##nm, n, mi, mo, fl},
static const struct op COMPARE[] = { OPS };
#undef X
#undef OPS

#define OPS \
    X(fcmovb,   "fcmovb %st(1),%st",   2, 0, 0, 1) \
    X(fcmove,   "fcmove %st(1),%st",   2, 0, 0, 1) \
    X(fcmovbe,  "fcmovbe %st(1),%st",  2, 0, 0, 1) \
    X(fcmovu,   "fcmovu %st(1),%st",   2, 0, 0, 1) \
    X(fcmovnb,  "fcmovnb %st(1),%st",  2, 0, 0, 1) \
    X(fcmovne,  "fcmovne %st(1),%st",  2, 0, 0, 1) \
    X(fcmovnbe, "fcmovnbe %st(1),%st", 2, 0, 0, 1) \
    X(fcmovnu,  "fcmovnu %st(1),%st",  2, 0, 0, 1)
#define X(nm, text, n, mi, mo, fl) OP(nm, text, n, mi, mo, fl)
OPS
#undef X
#define X(nm, text, n, mi, mo, fl) {#nm, s_##nm, n, mi, mo, fl},
static const struct op FCMOV[] = { OPS };
#undef X
#undef OPS

/* stores from ST(0) (memout bytes) and register moves */
#define OPS \
    X(fsts,     "fsts " A,     1, 0, 4, 0) \
    X(fstl,     "fstl " A,     1, 0, 8, 0) \
    X(fstps,    "fstps " A,    1, 0, 4, 0) \
    X(fstpl,    "fstpl " A,    1, 0, 8, 0) \
    X(fstpt,    "fstpt " A,    1, 0, 10, 0) \
    X(fists,    "fists " A,    1, 0, 2, 0) \
    X(fistl,    "fistl " A,    1, 0, 4, 0) \
    X(fistps,   "fistps " A,   1, 0, 2, 0) \
    X(fistpl,   "fistpl " A,   1, 0, 4, 0) \
    X(fistpll,  "fistpll " A,  1, 0, 8, 0) \
    X(fbstp,    "fbstp " A,    1, 0, 10, 0) \
    X(fst_st1,  "fst %st(1)",  2, 0, 0, 0) \
    X(fstp_st1, "fstp %st(1)", 2, 0, 0, 0) \
    X(fxch,     "fxch",        2, 0, 0, 0) \
    X(fld_st1,  "fld %st(1)",  2, 0, 0, 0) \
    X(fchs,     "fchs",        1, 0, 0, 0) \
    X(fabs,     "fabs",        1, 0, 0, 0) \
    X(ffree,    "ffree %st(0)", 2, 0, 0, 0) \
    X(fincstp,  "fincstp",     2, 0, 0, 0) \
    X(fdecstp,  "fdecstp",     1, 0, 0, 0)
#define X(nm, text, n, mi, mo, fl) OP(nm, text, n, mi, mo, fl)
OPS
#undef X
#define X(nm, text, n, mi, mo, fl) {#nm, s_##nm, n, mi, mo, fl},
static const struct op STORE[] = { OPS };
#undef X
#undef OPS

/* loads from mbuf (memin bytes), constants */
#define OPS \
    X(flds,   "flds " A,   0, 4, 0, 0) \
    X(fldl,   "fldl " A,   0, 8, 0, 0) \
    X(fldt,   "fldt " A,   0, 10, 0, 0) \
    X(filds,  "filds " A,  0, 2, 0, 0) \
    X(fildl,  "fildl " A,  0, 4, 0, 0) \
    X(fildll, "fildll " A, 0, 8, 0, 0) \
    X(fbld,   "fbld " A,   0, 10, 0, 0)
#define X(nm, text, n, mi, mo, fl) OP(nm, text, n, mi, mo, fl)
OPS
#undef X
#define X(nm, text, n, mi, mo, fl) {#nm, s_##nm, n, mi, mo, fl},
static const struct op LOAD[] = { OPS };
#undef X
#undef OPS

#define OPS \
    X(fld1,   "fld1",   0, 0, 0, 0) \
    X(fldl2t, "fldl2t", 0, 0, 0, 0) \
    X(fldl2e, "fldl2e", 0, 0, 0, 0) \
    X(fldpi,  "fldpi",  0, 0, 0, 0) \
    X(fldlg2, "fldlg2", 0, 0, 0, 0) \
    X(fldln2, "fldln2", 0, 0, 0, 0) \
    X(fldz,   "fldz",   0, 0, 0, 0)
#define X(nm, text, n, mi, mo, fl) OP(nm, text, n, mi, mo, fl)
OPS
#undef X
#define X(nm, text, n, mi, mo, fl) {#nm, s_##nm, n, mi, mo, fl},
static const struct op CONST[] = { OPS };
#undef X
#undef OPS

#define OPS \
    X(f2xm1,   "f2xm1",   1, 0, 0, 0) \
    X(fyl2x,   "fyl2x",   2, 0, 0, 0) \
    X(fyl2xp1, "fyl2xp1", 2, 0, 0, 0) \
    X(fptan,   "fptan",   1, 0, 0, 0) \
    X(fpatan,  "fpatan",  2, 0, 0, 0) \
    X(fsin,    "fsin",    1, 0, 0, 0) \
    X(fcos,    "fcos",    1, 0, 0, 0) \
    X(fsincos, "fsincos", 1, 0, 0, 0)
#define X(nm, text, n, mi, mo, fl) OP(nm, text, n, mi, mo, fl)
OPS
#undef X
#define X(nm, text, n, mi, mo, fl) {#nm, s_##nm, n, mi, mo, fl},
static const struct op TRANS[] = { OPS };
#undef X
#undef OPS

#define N(a) (int)(sizeof a / sizeof a[0])

/* ---- memory operand values, by size ---- */
static const u64 M16[] = {0, 1, 0x7fff, 0x8000, 0xffff, 0x1234, 0xfffe};
static const u64 M32I[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x12345678, 0x00ffffff, 0x01000001};
static const u64 M64I[] = {0, 1, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, 0x0123456789abcdefull,
                           0x0020000000000001ull};
static const u64 M32F[] = {0, 0x80000000, 1, 0x807fffff, 0x00800000, 0x3f800000, 0x3fc00001, 0x7f7fffff,
                           0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffbfffff, 0x4b000001, 0x40490fdb};
static const u64 M64F[] = {0, 0x8000000000000000ull, 1, 0x000fffffffffffffull, 0x0010000000000000ull,
                           0x3ff0000000000000ull, 0x3ff0000000000001ull, 0x7fefffffffffffffull,
                           0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
                           0x7ff0000000000001ull, 0xfff7ffffffffffffull, 0x4330000000000001ull};
static const u8 BCD[][10] = {
    {0},
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80},
    {0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x00},
    {0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x80},
    {0x90, 0x78, 0x56, 0x34, 0x12, 0x90, 0x78, 0x56, 0x34, 0x00},
    {0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f},          /* junk in the sign byte */
    {0xfa, 0x12, 0, 0, 0, 0, 0, 0, 0, 0x00},        /* invalid digits */
    {0x00, 0x00, 0, 0, 0, 0, 0, 0, 0xab, 0xff},
};

static int mvals(int size, const u64 **v)
{
    switch (size) {
    case 2: *v = M16; return N(M16);
    case 4: *v = 0; return N(M32I) + N(M32F);
    case 8: *v = 0; return N(M64I) + N(M64F);
    default: *v = 0; return N(BCD);
    }
}

/* Fills mbuf with value i of the given size (4 and 8: the integer list, then the float list). */
static void setmem(int size, int i, int fp)
{
    u64 v = 0;
    memset(mbuf, 0, sizeof mbuf);
    if (size == 2) v = M16[i % N(M16)];
    else if (size == 4) v = fp ? M32F[i % N(M32F)] : M32I[i % N(M32I)];
    else if (size == 8) v = fp ? M64F[i % N(M64F)] : M64I[i % N(M64I)];
    else if (size == 10 && fp) { put80(mbuf, SPECIAL[i % NSPECIAL]); return; }
    else { memcpy(mbuf, BCD[i % N(BCD)], 10); return; }
    memcpy(mbuf, &v, 8);
}

static int fpformat(const char *name)
{
    /* fadds, fldl, fcoms... are real formats; fi* and fbld are integers/BCD */
    return name[1] != 'i' && name[1] != 'b';
}

static u16 mode_cw(int k) { static const u16 pc[3] = {0, 2, 3}; return (u16)(0x7f | pc[k % 3] << 8 | (k / 3) << 10); }

static const u16 UNMASK[] = {0x037e, 0x037d, 0x037b, 0x0377, 0x036f, 0x035f, 0x0340, 0x0f40};

/* ---- groups ---- */
static void g_load(void)
{
    group_begin("load");
    for (int o = 0; o < N(LOAD); o++) {
        const struct op *p = &LOAD[o];
        int fp = fpformat(p->name);
        int count = p->memin == 10 ? (fp ? NSPECIAL : N(BCD)) : p->memin == 2 ? N(M16)
                  : p->memin == 4 ? (fp ? N(M32F) : N(M32I)) : (fp ? N(M64F) : N(M64I));
        for (int i = 0; i < count; i++)
            for (int c = 0; c < 2; c++) {
                setmem(p->memin, i, fp);
                one(p->name, p->fn, c ? 0x0360 : 0x037f, 0, 0, p->memin, 0, -1);
            }
        /* onto a full stack: stack overflow, masked and unmasked */
        f80 full[8];
        for (int i = 0; i < 8; i++) full[i] = SPECIAL[2 + i];
        for (int c = 0; c < 2; c++) {
            setmem(p->memin, 5, fp);
            one(p->name, p->fn, c ? 0x0360 : 0x037f, 8, full, p->memin, 0, -1);
        }
    }
    for (int o = 0; o < N(CONST); o++)
        for (int k = 0; k < 12; k += 3) {
            one(CONST[o].name, CONST[o].fn, mode_cw(k), 0, 0, 0, 0, -1);
            one(CONST[o].name, CONST[o].fn, mode_cw(k), 8, SPECIAL, 0, 0, -1);
        }
    group_end();
}

static void g_store(void)
{
    group_begin("store");
    for (int o = 0; o < N(STORE); o++) {
        const struct op *p = &STORE[o];
        for (int k = 0; k < 12; k += 3)
            for (int i = 0; i < NSPECIAL; i++) {
                printing = k == 0 && i % 2 == 0;        /* the rest hashed */
                f80 ops[2] = {SPECIAL[i], SPECIAL[(i + 7) % NSPECIAL]};
                memset(mbuf, 0xcc, sizeof mbuf);
                one(p->name, p->fn, mode_cw(k), p->n, ops, 0, p->memout, -1);
            }
        printing = 1;
        for (int c = 0; c < 2; c++) {            /* empty stack: underflow */
            memset(mbuf, 0xcc, sizeof mbuf);
            one(p->name, p->fn, c ? 0x0360 : 0x037f, 0, 0, 0, p->memout, -1);
        }
    }
    group_end();
}

static void g_arith(void)
{
    group_begin("arith");
    static const int pairs[][2] = {{5, 6}, {9, 2}, {10, 7}, {8, 3}, {6, 5}, {25, 5}, {24, 8}, {12, 2}};
    for (int o = 0; o < NARITH; o++) {
        const struct op *p = &ARITH[o];
        for (int k = 0; k < 12; k++)
            for (int i = 0; i < N(pairs); i++) {
                printing = i < 2;                     /* the rest hashed */
                f80 ops[2] = {SPECIAL[pairs[i][0]], SPECIAL[pairs[i][1]]};
                one(p->name, p->fn, mode_cw(k), p->n, ops, 0, 0, -1);
            }
        printing = 1;
        for (int n = 0; n < p->n; n++)            /* stack underflow */
            for (int c = 0; c < 2; c++) one(p->name, p->fn, c ? 0x0360 : 0x037f, n, SPECIAL + 4, 0, 0, -1);
    }
    printing = 0;                                 /* every class against every class: hashed */
    for (int o = 0; o < NARITH; o++)
        for (int i = 0; i < NSPECIAL; i++)
            for (int j = 0; j < (ARITH[o].n == 2 ? NSPECIAL : 1); j++) {
                f80 ops[2] = {SPECIAL[i], SPECIAL[j]};
                one(ARITH[o].name, ARITH[o].fn, 0x037f, ARITH[o].n, ops, 0, 0, -1);
            }
    group_end();
}

static void g_memarith(void)
{
    group_begin("memarith");
    for (int o = 0; o < N(MEMARITH); o++) {
        const struct op *p = &MEMARITH[o];
        int fp = fpformat(p->name);
        const u64 *dummy;
        int count = p->memin == 2 ? N(M16) : p->memin == 4 ? (fp ? N(M32F) : N(M32I)) : (fp ? N(M64F) : N(M64I));
        (void)mvals;
        (void)dummy;
        for (int i = 0; i < NSPECIAL; i++)
            for (int m = 0; m < count; m++) {
                printing = i == 5 || i == 22;
                setmem(p->memin, m, fp);
                one(p->name, p->fn, 0x037f, 1, &SPECIAL[i], p->memin, 0, -1);
            }
        printing = 1;
        for (int k = 0; k < 12; k++) {
            setmem(p->memin, 6, fp);
            one(p->name, p->fn, mode_cw(k), 1, &SPECIAL[5], p->memin, 0, -1);
        }
        setmem(p->memin, 6, fp);
        one(p->name, p->fn, 0x037f, 0, 0, p->memin, 0, -1);
    }
    group_end();
}

static void g_compare(void)
{
    group_begin("compare");
    for (int o = 0; o < N(COMPARE); o++) {
        const struct op *p = &COMPARE[o];
        for (int i = 0; i < NSPECIAL; i++)
            for (int j = 0; j < (p->n == 2 ? NSPECIAL : 1); j++) {
                printing = p->n == 1 || j == i;
                f80 ops[2] = {SPECIAL[i], SPECIAL[j]};
                one(p->name, p->fn, 0x037f, p->n, ops, 0, 0, p->flags ? 0x8d7 : -1);
            }
        printing = 1;
        for (int n = 0; n < p->n + 1; n++)
            for (int c = 0; c < 2; c++) one(p->name, p->fn, c ? 0x0360 : 0x037f, n, SPECIAL + 2, 0, 0, p->flags ? 0x2 : -1);
    }
    for (int o = 0; o < N(FCMOV); o++)
        for (int f = 0; f < 8; f++) {
            long fin = 2 | (f & 1) | (f & 2) << 5 | (f & 4);          /* CF, ZF, PF */
            one(FCMOV[o].name, FCMOV[o].fn, 0x037f, 2, SPECIAL + 2, 0, 0, fin);
            one(FCMOV[o].name, FCMOV[o].fn, 0x037f, 1, SPECIAL + 2, 0, 0, fin);   /* ST(1) empty */
        }
    group_end();
}

/* Seeded random operands through every arithmetic, memory, store and compare form. */
static void g_random(void)
{
    group_begin("random");
    printing = 0;
    for (int r = 0; r < 6000; r++) {
        const struct op *p;
        u32 pick = rnd(100);
        if (pick < 50) p = &ARITH[rnd(NARITH)];
        else if (pick < 70) p = &MEMARITH[rnd(N(MEMARITH))];
        else if (pick < 90) p = &STORE[rnd(11)];
        else p = &COMPARE[rnd(N(COMPARE))];
        u16 cw = mode_cw(rnd(12));
        if (rnd(5) == 0) cw &= (u16)~rnd(64);
        f80 ops[2] = {rnd_f80(), rnd_f80()};
        if (rnd(3) == 0) { ops[1] = ops[0]; ops[1].sig ^= rnd64() >> rnd(64); }   /* close operands */
        memset(mbuf, 0xcc, sizeof mbuf);
        if (p->memin) {
            u64 v = rnd64();
            if (rnd(2) && p->memin == 4 && fpformat(p->name)) v = M32F[rnd(N(M32F))] ^ (rnd64() & 0xff);
            if (rnd(2) && p->memin == 8 && fpformat(p->name)) v = M64F[rnd(N(M64F))] ^ (rnd64() & 0xff);
            memcpy(mbuf, &v, 8);
        }
        one(p->name, p->fn, cw, p->n, ops, p->memin, p->memout, p->flags ? 0x2 : -1);
    }
    group_end();
}

/* Exceptions one at a time unmasked and all unmasked: the #MF a FWAIT takes, and the state after. */
static void g_unmasked(void)
{
    /* op, ST(0) and ST(1) from SPECIAL, memory operand size and index into its value list */
    static const struct { const struct op *op; int a, b; int mem; int fp; } T[] = {
        {&ARITH[11], 2, 0, 0, 0},   /* 1/0: ZE */
        {&ARITH[16], 3, 0, 0, 0},   /* sqrt(-1.5): IE */
        {&ARITH[0], 22, 2, 0, 0},   /* SNaN + 1: IE */
        {&ARITH[0], 20, 2, 0, 0},   /* QNaN + 1: nothing */
        {&ARITH[9], 24, 24, 0, 0},  /* largest * largest: OE PE */
        {&ARITH[11], 25, 24, 0, 0}, /* smallest normal / largest: UE PE */
        {&ARITH[0], 12, 2, 0, 0},   /* denormal + 1: DE PE */
        {&ARITH[0], 14, 2, 0, 0},   /* pseudo-denormal + 1: DE? */
        {&ARITH[0], 15, 2, 0, 0},   /* unnormal: IE */
        {&ARITH[11], 2, 4, 0, 0},   /* 1/3: PE */
        {&ARITH[18], 2, 11, 0, 0},  /* fscale by 2^63 */
        {&ARITH[19], 18, 2, 0, 0},  /* fprem of inf: IE */
        {&ARITH[21], 0, 0, 0, 0},   /* fxtract of 0: ZE */
        {&ARITH[17], 5, 0, 0, 0},   /* frndint 1/3: PE */
        {&STORE[2], 24, 0, 0, 0},   /* fstps largest: OE PE */
        {&STORE[3], 25, 0, 0, 0},   /* fstpl smallest normal: UE */
        {&STORE[8], 11, 0, 0, 0},   /* fistpl 2^63: IE */
        {&STORE[10], 18, 0, 0, 0},  /* fbstp inf: IE */
        {&COMPARE[0], 20, 2, 0, 0}, /* fcom QNaN: IE */
        {&COMPARE[3], 22, 2, 0, 0}, /* fucom SNaN: IE */
        {&COMPARE[8], 12, 2, 0, 0}, /* fcomi denormal: DE */
        {&MEMARITH[0], 2, 0, 4, 11}, /* fadds with m32 SNaN */
        {&MEMARITH[1], 2, 3, 8, 1}, /* faddl with m64 denormal */
        {&LOAD[0], 0, 0, 4, 11},    /* flds m32 SNaN */
        {&LOAD[1], 0, 0, 8, 3},     /* fldl m64 denormal */
        {&MEMARITH[12], 2, 0, 4, 0},/* fidivl by 0 */
    };
    group_begin("unmasked");
    for (int t = 0; t < N(T); t++)
        for (int c = 0; c < N(UNMASK); c++) {
            const struct op *p = T[t].op;
            f80 ops[2] = {SPECIAL[T[t].a], SPECIAL[T[t].b]};
            memset(mbuf, 0xcc, sizeof mbuf);
            if (T[t].mem) setmem(T[t].mem, T[t].fp, fpformat(p->name));
            one(p->name, p->fn, UNMASK[c], p->n, ops, p->memin, p->memout, p->flags ? 0x2 : -1);
        }
    group_end();
}

/* ---- environment and state images ---- */
/* An FNSTENV/FNSAVE image at p: words raw, pointers and selectors as classes, registers raw. */
static void limg(const u8 *p, stub fn, int is16, int regs)
{
    if (is16) {
        lword("icw", rd16(p)); lword("isw", rd16(p + 2)); lword("itw", rd16(p + 4));
        lword("iip", ptrm(rd16(p + 6), fn, 0xffff)); lword("ics", selc(rd16(p + 8)));
        lword("idp", ptrm(rd16(p + 10), fn, 0xffff)); lword("ids", selc(rd16(p + 12)));
        p += 14;
    } else {
        lword("icw", rd32(p)); lword("isw", rd32(p + 4)); lword("itw", rd32(p + 8));
        lword("iip", ptrc(rd32(p + 12), fn)); lword("ics", selc(rd16(p + 16))); lword("iop", rd16(p + 18));
        lword("idp", ptrc(rd32(p + 20), fn)); lword("ids", selc(rd16(p + 24))); lword("ihi", rd16(p + 26));
        p += 28;
    }
    for (int i = 0; i < regs; i++) {
        char k[4] = {'r', (char)('0' + i), 0, 0};
        lbytes(k, p + 10 * i, 10);
    }
}

/* Writes an environment image (32-bit or 16-bit layout) at p with zero pointers. */
static u8 *wenv(u8 *p, int is16, u16 cw, u16 sw, u16 tw)
{
    memset(p, 0, is16 ? 14 : 28);
    if (is16) { memcpy(p, &cw, 2); memcpy(p + 2, &sw, 2); memcpy(p + 4, &tw, 2); return p + 14; }
    memcpy(p, &cw, 2); memcpy(p + 4, &sw, 2); memcpy(p + 8, &tw, 2);
    p[12] = 0x34; p[13] = 0x02; p[18] = 0x23; p[19] = 0x05; p[20] = 0x78; p[21] = 0x06;
    return p + 28;
}

STUB(c_fldcw, "fldcw " A)
STUB(c_fdiv_fldcw, "fdiv %st(1),%st\n\tfldcw " A)
STUB(c_fnstcw, "fnstcw " A)
STUB(c_fnstsw_m, "fdiv %st(1),%st\n\tfnstsw " A)
/* mov %eax,%edx is two bytes in both modes (the addresses are below 4 GiB: no PIE) */
STUB(c_fnstsw_ax, "mov %eax,%edx\n\tfdiv %st(1),%st\n\tfnstsw %ax\n\tmov %ax,(" DX ")")
STUB(c_fnclex, "fdiv %st(1),%st\n\tfnclex")
STUB(c_fninit, "fdiv %st(1),%st\n\tfninit")
STUB(c_fnstenv, "fdiv %st(1),%st\n\tfnstenv " A)
STUB(c_fnstenv16, "fdiv %st(1),%st\n\tdata16 fnstenv " A)
STUB(c_fnsave, "fdiv %st(1),%st\n\tfnsave " A)
STUB(c_fnsave16, "fdiv %st(1),%st\n\tdata16 fnsave " A)
STUB(c_fnsave_m, "fdivs 8" A "\n\tfnsave 16" A)
STUB(c_fldenv, "fldenv " A)
STUB(c_fldenv16, "data16 fldenv " A)
STUB(c_frstor, "frstor " A)
STUB(c_frstor16, "data16 frstor " A)
STUB(c_frstor_save, "frstor " A "\n\tfnsave " A)
/* a pending unmasked exception meets the next instruction: waiting ones take #MF, no-wait ones run */
STUB(c_pend_fld1, "fdiv %st(1),%st\n\tfld1")
STUB(c_pend_fxch, "fdiv %st(1),%st\n\tfxch")
STUB(c_pend_fadd, "fdiv %st(1),%st\n\tfadds " A)
STUB(c_pend_fnstenv, "fdiv %st(1),%st\n\tfnstenv " A)
STUB(c_pend_fnsave, "fdiv %st(1),%st\n\tfnsave " A "\n\tfld1")
STUB(c_pend_fninit, "fdiv %st(1),%st\n\tfninit\n\tfld1")
STUB(c_pend_fwait, "fdiv %st(1),%st\n\tfwait\n\tfld1")
/* ModRM forms: disp8, SIB with scale, disp32 */
STUB(c_sib8, "mov $3,%edx\n\tfldl -8(" AX "," DX ",8)")
STUB(c_sib2, "mov $5,%ecx\n\tfaddl 6(" AX "," CX ",2)")
STUB(c_disp32, "fmuls 0x60" A)
STUB(c_fiadd_sib, "mov $2,%edx\n\tfiaddl (" AX "," DX ",4)")

static void g_control(void)
{
    group_begin("control");
    f80 ops[3] = {SPECIAL[2], SPECIAL[4], SPECIAL[5]};   /* 1, 3: the fdiv gives 1/3 with PE */
    static const u16 cws[] = {0x0000, 0xffff, 0x1f7f, 0x0c3f, 0x037f, 0x0f7e, 0x137b};
    for (int i = 0; i < N(cws); i++) {
        memset(mbuf, 0, sizeof mbuf);
        memcpy(mbuf, &cws[i], 2);
        one("fldcw", c_fldcw, 0x037f, 2, ops, 2, 0, -1);
        memcpy(mbuf, &cws[i], 2);
        one("fdiv_fldcw", c_fdiv_fldcw, 0x037f, 2, ops, 2, 0, -1);
        memset(mbuf, 0xcc, sizeof mbuf);
        one("fnstcw", c_fnstcw, cws[i], 2, ops, 0, 2, -1);
    }
    for (int c = 0; c < 3; c++) {
        u16 cw = c == 0 ? 0x037f : c == 1 ? 0x035f : 0x0340;
        memset(mbuf, 0xcc, sizeof mbuf);
        one("fnstsw_m", c_fnstsw_m, cw, 2, ops, 0, 2, -1);
        memset(mbuf, 0xcc, sizeof mbuf);
        one("fnstsw_ax", c_fnstsw_ax, cw, 2, ops, 0, 2, -1);
        one("fnclex", c_fnclex, cw, 2, ops, 0, 0, -1);
        one("fninit", c_fninit, cw, 2, ops, 0, 0, -1);
        for (int n = 1; n <= 3; n++) {
            memset(mbuf, 0xcc, sizeof mbuf);
            lops("fnstenv", cw, n, ops, 0); run(c_fnstenv, cw, n, ops, 2); lresult(c_fnstenv, -1, 0);
            limg(mbuf, c_fnstenv, 0, 0); lend();
            memset(mbuf, 0xcc, sizeof mbuf);
            lops("fnstenv16", cw, n, ops, 0); run(c_fnstenv16, cw, n, ops, 2); lresult(c_fnstenv16, -1, 0);
            limg(mbuf, c_fnstenv16, 1, 0); lend();
            memset(mbuf, 0xcc, sizeof mbuf);
            lops("fnsave", cw, n, ops, 0); run(c_fnsave, cw, n, ops, 2); lresult(c_fnsave, -1, 0);
            limg(mbuf, c_fnsave, 0, 8); lend();
            memset(mbuf, 0xcc, sizeof mbuf);
            lops("fnsave16", cw, n, ops, 0); run(c_fnsave16, cw, n, ops, 2); lresult(c_fnsave16, -1, 0);
            limg(mbuf, c_fnsave16, 1, 8); lend();
        }
        memset(mbuf, 0xcc, sizeof mbuf);
        memcpy(mbuf + 8, &M32F[14], 4);
        lops("fnsave_m", cw, 2, ops, 0); run(c_fnsave_m, cw, 2, ops, 2); lresult(c_fnsave_m, -1, 0);
        limg(mbuf + 16, c_fnsave_m, 0, 8); lend();
    }
    static const struct { const char *name; stub fn; } pend[] = {
        {"pend_fld1", c_pend_fld1}, {"pend_fxch", c_pend_fxch}, {"pend_fadds", c_pend_fadd},
        {"pend_fnstenv", c_pend_fnstenv}, {"pend_fnsave", c_pend_fnsave}, {"pend_fninit", c_pend_fninit},
        {"pend_fwait", c_pend_fwait},
    };
    for (int i = 0; i < N(pend); i++)
        for (int c = 0; c < 2; c++) {
            memset(mbuf, 0, sizeof mbuf);
            memcpy(mbuf, &M32F[5], 4);
            lops(pend[i].name, c ? 0x035f : 0x037f, 2, ops, 0);
            run(pend[i].fn, c ? 0x035f : 0x037f, 2, ops, 2);
            lresult(pend[i].fn, -1, 0);
            if (pend[i].fn == c_pend_fnstenv || pend[i].fn == c_pend_fnsave) limg(mbuf, pend[i].fn, 0, 0);
            lend();
        }
    /* FLDENV/FRSTOR of crafted images: tags against contents, TOP, pending exceptions, C0-C3 */
    static const u16 envs[][3] = {
        {0x037f, 0x0000, 0xffff}, {0x037f, 0x4700, 0x0000}, {0x037f, 0x38ff, 0x5555}, {0x0360, 0x0081, 0xaaaa},
        {0x037e, 0x0001, 0xfffc}, {0x0f7f, 0x8085, 0x3fff}, {0x0040, 0x7fff, 0x1234}, {0x037f, 0x3800, 0x0fff}, {0xe0bf, 0x0000, 0x0000},
    };
    f80 four[4] = {SPECIAL[12], SPECIAL[0], SPECIAL[18], SPECIAL[2]};
    for (int e = 0; e < N(envs); e++)
        for (int is16 = 0; is16 < 2; is16++) {
            wenv(mbuf, is16, envs[e][0], envs[e][1], envs[e][2]);
            one(is16 ? "fldenv16" : "fldenv", is16 ? c_fldenv16 : c_fldenv, 0x037f, 4, four, is16 ? 14 : 28, 0, -1);
            u8 *r = wenv(mbuf, is16, envs[e][0], envs[e][1], envs[e][2]);
            for (int i = 0; i < 8; i++) put80(r + 10 * i, SPECIAL[(e * 5 + i * 3) % NSPECIAL]);
            one(is16 ? "frstor16" : "frstor", is16 ? c_frstor16 : c_frstor, 0x037f, 0, 0, is16 ? 94 : 108, 0, -1);
        }
    for (int e = 0; e < N(envs); e++) {
        u8 *r = wenv(mbuf, 0, envs[e][0], envs[e][1] & 0x7f7f, envs[e][2]);
        for (int i = 0; i < 8; i++) put80(r + 10 * i, SPECIAL[(e * 7 + i * 5) % NSPECIAL]);
        lops("frstor_save", 0x037f, 0, 0, 0); run(c_frstor_save, 0x037f, 0, 0, 2); lresult(c_frstor_save, -1, 0);
        limg(mbuf, c_frstor_save, 0, 8); lend();
    }
    /* addressing forms */
    memset(mbuf, 0, sizeof mbuf);
    memcpy(mbuf + 16, &M64F[6], 8);
    one("fldl_sib8", c_sib8, 0x037f, 1, ops, 0, 0, -1);
    memcpy(mbuf + 16, &M64F[3], 8);
    one("faddl_sib2", c_sib2, 0x037f, 1, ops + 1, 0, 0, -1);
    memcpy(mbuf + 0x60, &M32F[14], 4);
    one("fmuls_disp32", c_disp32, 0x037f, 1, ops + 2, 0, 0, -1);
    memcpy(mbuf + 8, &M32I[2], 4);
    one("fiaddl_sib4", c_fiadd_sib, 0x0f7f, 1, ops + 2, 0, 0, -1);
    group_end();
}

/* Transcendental operands inside each instruction's domain (the SDM leaves others undefined). */
static f80 trans_arg(int o, int which)
{
    f80 v;
    v.sig = rnd64() | 0x8000000000000000ull;
    u16 s = rnd(2) ? 0x8000 : 0;
    switch (o) {
    case 0: v.se = s | (0x3ffe - rnd(70)); break;                            /* f2xm1: |x| < 1 */
    case 1: v.se = which ? (u16)(s | (0x3fff + rnd(41) - 20)) : (u16)(0x3fff + rnd(200) - 100); break; /* fyl2x: x > 0 */
    case 2: v.se = which ? (u16)(s | (0x3fff + rnd(41) - 20)) : (u16)(s | (0x3ffc - rnd(70))); break;  /* fyl2xp1 */
    case 4: v.se = s | (0x3fff + rnd(81) - 40); break;                      /* fpatan */
    default: v.se = s | (0x3fff + rnd(100) - 40); if (v.se > 0x403d) v.se = s | 0x403d; break; /* |x| < 2^63 */
    }
    return v;
}

static void g_trans(void)
{
    group_begin("trans");
    for (int o = 0; o < N(TRANS); o++) {
        const struct op *p = &TRANS[o];
        for (int r = 0; r < 150; r++) {
            f80 ops[2] = {trans_arg(o, 0), trans_arg(o, 1)};
            u16 cw = r < 100 ? 0x037f : (u16)(0x037f | rnd(4) << 10);
            one(p->name, p->fn, cw, p->n, ops, 0, 0, -1);
        }
        for (int i = 0; i < NSPECIAL; i++) {
            f80 ops[2] = {SPECIAL[i], SPECIAL[2]};
            if (o == 0 && (SPECIAL[i].se & 0x7fff) >= 0x3fff && (SPECIAL[i].se & 0x7fff) < 0x7fff) continue;
            if (o == 2 && (SPECIAL[i].se & 0x7fff) >= 0x3ffd && (SPECIAL[i].se & 0x7fff) < 0x7fff) continue;
            one(p->name, p->fn, 0x037f, p->n, ops, 0, 0, -1);
        }
    }
    group_end();
}

void x87_main(void)
{
    outs("x87test: start\n");
    g_load();
    g_store();
    g_arith();
    g_memarith();
    g_compare();
    g_unmasked();
    g_control();
    g_random();
    outs("x87test: exact checksum=");
    outhex(allsum);
    out_putc('\n');
    g_trans();
    outs("x87test: done\n");
}
