/* SHL/SHR/SAR/ROL/ROR/RCL/RCR by CL and by immediates, SHLD/SHRD, with undefined flags masked. */
#include "ops.h"

#define SH3(M, op, insn)                                                                    \
    M(op##8, insn "b", u8, "q")                                                             \
    M(op##16, insn "w", u16, "r")                                                           \
    M(op##32, insn "l", u32, "r")
#define SHI3(op, insn, imm)                                                                 \
    SHIFTIMM(op##8, insn "b", imm, u8, "q")                                                 \
    SHIFTIMM(op##16, insn "w", imm, u16, "r")                                               \
    SHIFTIMM(op##32, insn "l", imm, u32, "r")

SH3(SHIFTOP, shl, "shl")
SH3(SHIFTOP, shr, "shr")
SH3(SHIFTOP, sar, "sar")
SH3(SHIFTOP, rol, "rol")
SH3(SHIFTOP, ror, "ror")
SH3(SHIFTOP, rcl, "rcl")
SH3(SHIFTOP, rcr, "rcr")
SHI3(shl1_, "shl", 1)
SHI3(sar1_, "sar", 1)
SHI3(rcr1_, "rcr", 1)
SHI3(rol1_, "rol", 1)
SHI3(shr5_, "shr", 5)
SHI3(ror3_, "ror", 3)
SHI3(rcl7_, "rcl", 7)

enum kind { SHIFT, ROT, RCX };

struct sop {
    const char *name;
    opfn fn;
    int bits;
    enum kind kind;
    int imm; /* fixed count, or -1 for CL */
};

#define S3(n, f, k, imm) {n "8", f##8, 8, k, imm}, {n "16", f##16, 16, k, imm}, {n "32", f##32, 32, k, imm}

static const struct sop sops[] = {
    S3("shl", shl, SHIFT, -1),   S3("shr", shr, SHIFT, -1),   S3("sar", sar, SHIFT, -1),
    S3("rol", rol, ROT, -1),     S3("ror", ror, ROT, -1),     S3("rcl", rcl, RCX, -1),
    S3("rcr", rcr, RCX, -1),     S3("shl1_", shl1_, SHIFT, 1), S3("sar1_", sar1_, SHIFT, 1),
    S3("rcr1_", rcr1_, RCX, 1),  S3("rol1_", rol1_, ROT, 1),  S3("shr5_", shr5_, SHIFT, 5),
    S3("ror3_", ror3_, ROT, 3),  S3("rcl7_", rcl7_, RCX, 7),
};

/* Flags the manual defines for this shift/rotate and count. */
static u32 shift_mask(const struct sop *o, u32 count)
{
    u32 c = count & 31;
    if (c == 0)
        return ARITH; /* flags unchanged */
    u32 m = ARITH;
    if (c != 1)
        m &= ~OF;
    if (o->kind == SHIFT) {
        m &= ~AF;
        if ((int)c >= o->bits)
            m &= ~CF;
    }
    return m;
}

static void shift_case(const struct sop *o, u32 a, u32 count, u32 fin)
{
    u32 f;
    if (o->imm >= 0)
        count = (u32)o->imm;
    a = trunc(a, o->bits);
    u32 r = trunc(o->fn(a, count, fin, &f), o->bits);
    rec(o->name, 5, (u32[]){a, count, fin, r, f & shift_mask(o, count)});
}

static const u32 counts[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33};

static void run_shift(const struct sop *o)
{
    static const u32 vals[] = {1, 0x81, 0x8001, 0x80000000, 0xa5a5c3c3};
    rec_edge(1);
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        if (o->imm >= 0) {
            shift_case(o, vals[i], 0, 0x2);
            shift_case(o, vals[i], 0, 0x2 | ARITH);
            continue;
        }
        for (unsigned j = 0; j < sizeof counts / sizeof counts[0]; j++)
            shift_case(o, vals[i], counts[j], j & 1 ? 0x2 | ARITH : 0x2);
    }
    rec_edge(0);
    for (int n = 0; n < 200; n++)
        shift_case(o, rnd(), rnd() & 63, n & 1 ? 0x2 | (rnd() & ARITH) : 0x2);
}

/* SHLD/SHRD: x = x:y shifted by CL or an immediate. */
#define DSHIFT(name, insn, T)                                                               \
    static u32 name(u32 a, u32 b, u32 cnt, u32 fin, u32 *fo)                                \
    {                                                                                       \
        T x = (T)a, y = (T)b;                                                               \
        u8 c = (u8)cnt;                                                                     \
        u32 f;                                                                              \
        asm volatile("push %[fi]\n\tpopf\n\t" insn " %%cl, %[y], %[x]\n\tpushf\n\tpop %[f]" \
                     : [x] "+r"(x), [f] "=&r"(f)                                            \
                     : [y] "r"(y), "c"(c), [fi] "r"(fin)                                    \
                     : "cc");                                                               \
        *fo = f;                                                                            \
        return x;                                                                           \
    }
DSHIFT(shld16, "shldw", u16)
DSHIFT(shld32, "shldl", u32)
DSHIFT(shrd16, "shrdw", u16)
DSHIFT(shrd32, "shrdl", u32)

static u32 shld32i(u32 a, u32 b, u32 cnt, u32 fin, u32 *fo)
{
    u32 f;
    asm volatile("push %[fi]\n\tpopf\n\tshldl $7, %[y], %[x]\n\tpushf\n\tpop %[f]"
                 : [x] "+r"(a), [f] "=&r"(f) : [y] "r"(b), [fi] "r"(fin) : "cc");
    *fo = f;
    return a;
}

static u32 shrd16i(u32 a, u32 b, u32 cnt, u32 fin, u32 *fo)
{
    u16 x = (u16)a, y = (u16)b;
    u32 f;
    asm volatile("push %[fi]\n\tpopf\n\tshrdw $3, %[y], %[x]\n\tpushf\n\tpop %[f]"
                 : [x] "+r"(x), [f] "=&r"(f) : [y] "r"(y), [fi] "r"(fin) : "cc");
    *fo = f;
    return x;
}

typedef u32 (*dfn)(u32, u32, u32, u32, u32 *);
struct dop {
    const char *name;
    dfn fn;
    int bits;
    int imm;
};
static const struct dop dops[] = {
    {"shld16", shld16, 16, -1}, {"shld32", shld32, 32, -1}, {"shrd16", shrd16, 16, -1},
    {"shrd32", shrd32, 32, -1}, {"shld32i", shld32i, 32, 7}, {"shrd16i", shrd16i, 16, 3},
};

static void dshift_case(const struct dop *o, u32 a, u32 b, u32 count, u32 fin)
{
    u32 f;
    if (o->imm >= 0)
        count = (u32)o->imm;
    u32 c = count & 31;
    if (c > 15 && o->bits == 16)
        return; /* result undefined for counts beyond 16-bit operands */
    a = trunc(a, o->bits);
    b = trunc(b, o->bits);
    u32 r = trunc(o->fn(a, b, count, fin, &f), o->bits);
    u32 m = c == 0 ? ARITH : (ARITH & ~AF & ~(c == 1 ? 0 : OF));
    rec(o->name, 6, (u32[]){a, b, count, fin, r, f & m});
}

static void run_dshift(const struct dop *o)
{
    static const u32 dcounts[] = {0, 1, 4, 15, 16, 31, 32, 33};
    rec_edge(1);
    for (unsigned i = 0; i < 4; i++)
        for (unsigned j = 0; j < sizeof dcounts / sizeof dcounts[0]; j++)
            dshift_case(o, edge32[i * 3 + 1], edge32[10 - i * 2], dcounts[j], j & 1 ? 0x2 | ARITH : 0x2);
    rec_edge(0);
    for (int n = 0; n < 200; n++)
        dshift_case(o, rnd(), rnd(), rnd() & 63, 0x2);
}

void test_shift(void)
{
    group_begin("shift");
    for (unsigned i = 0; i < sizeof sops / sizeof sops[0]; i++)
        run_shift(&sops[i]);
    for (unsigned i = 0; i < sizeof dops / sizeof dops[0]; i++)
        run_dshift(&dops[i]);
    group_end();
}
