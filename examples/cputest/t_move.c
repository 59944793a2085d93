/*
 * SETcc/CMOVcc over every combination of the condition flags, MOVZX/MOVSX, CBW/CWDE/CWD/CDQ,
 * XCHG/CMPXCHG/XADD/CMPXCHG8B, LEA addressing forms, XLAT, LAHF/SAHF, PUSHF/POPF.
 */
#include "ops.h"

#define SETCC(cc, bit)                                                                      \
    asm volatile("push %[fi]\n\tpopf\n\tset" #cc " %[r]" : [r] "=q"(r8) : [fi] "r"(fin) : "cc"); \
    res |= (u32)r8 << bit;
#define CMOVCC(cc, bit)                                                                     \
    x = 0;                                                                                  \
    asm volatile("push %[fi]\n\tpopf\n\tcmov" #cc "l %[y], %[x]" : [x] "+r"(x) : [y] "rm"(one), [fi] "r"(fin) : "cc"); \
    res |= x << bit;                                                                        \
    x16 = 0;                                                                                \
    asm volatile("push %[fi]\n\tpopf\n\tcmov" #cc "w %[y], %[x]" : [x] "+r"(x16) : [y] "r"(one16), [fi] "r"(fin) : "cc"); \
    res |= (u32)x16 << (bit + 16);

static u32 setcc_all(u32 fin)
{
    u32 res = 0;
    u8 r8;
    SETCC(o, 0) SETCC(no, 1) SETCC(b, 2) SETCC(ae, 3) SETCC(e, 4) SETCC(ne, 5) SETCC(be, 6) SETCC(a, 7)
    SETCC(s, 8) SETCC(ns, 9) SETCC(p, 10) SETCC(np, 11) SETCC(l, 12) SETCC(ge, 13) SETCC(le, 14) SETCC(g, 15)
    return res;
}

static u32 cmov_all(u32 fin)
{
    u32 res = 0, x, one = 1;
    u16 x16, one16 = 1;
    CMOVCC(o, 0) CMOVCC(no, 1) CMOVCC(b, 2) CMOVCC(ae, 3) CMOVCC(e, 4) CMOVCC(ne, 5) CMOVCC(be, 6) CMOVCC(a, 7)
    CMOVCC(s, 8) CMOVCC(ns, 9) CMOVCC(p, 10) CMOVCC(np, 11) CMOVCC(l, 12) CMOVCC(ge, 13) CMOVCC(le, 14) CMOVCC(g, 15)
    return res;
}

/* Jcc taken/not taken for every condition (short forms from gcc's -O1 code are in every loop). */
#define JCC(cc, bit)                                                                        \
    asm volatile("push %[fi]\n\tpopf\n\tmov $0, %[t]\n\tj" #cc " 1f\n\tmov $1, %[t]\n1:"    \
                 : [t] "=&r"(t) : [fi] "r"(fin) : "cc");                                    \
    res |= t << bit;

static u32 jcc_all(u32 fin)
{
    u32 res = 0, t;
    JCC(o, 0) JCC(no, 1) JCC(b, 2) JCC(ae, 3) JCC(e, 4) JCC(ne, 5) JCC(be, 6) JCC(a, 7)
    JCC(s, 8) JCC(ns, 9) JCC(p, 10) JCC(np, 11) JCC(l, 12) JCC(ge, 13) JCC(le, 14) JCC(g, 15)
    return res;
}

static void test_conditions(void)
{
    static const u32 bits[5] = {CF, PF, ZF, SF, OF};
    rec_edge(1);
    for (u32 m = 0; m < 32; m++) {
        u32 fin = 0x2;
        for (int b = 0; b < 5; b++)
            if (m & (1u << b))
                fin |= bits[b];
        rec("cc", 4, (u32[]){fin, setcc_all(fin), cmov_all(fin), jcc_all(fin)});
    }
}

static void test_extend(void)
{
    rec_edge(1);
    for (int i = 0; i < NEDGE; i++) {
        u32 v = edge32[i], a, b, c, d, e, g;
        u8 v8 = (u8)v;
        u16 v16 = (u16)v;
        u16 w1, w2;
        asm("movzbl %1, %0" : "=r"(a) : "q"(v8));
        asm("movsbl %1, %0" : "=r"(b) : "q"(v8));
        asm("movzwl %1, %0" : "=r"(c) : "rm"(v16));
        asm("movswl %1, %0" : "=r"(d) : "rm"(v16));
        asm("movzbw %1, %0" : "=r"(w1) : "qm"(v8));
        asm("movsbw %1, %0" : "=r"(w2) : "qm"(v8));
        e = v;
        asm("cwtl" : "+a"(e));          /* CWDE */
        g = v;
        asm("cbtw" : "+a"(g));          /* CBW: AH:AL from AL, upper half kept */
        u32 lo = v, hi = 0x1111;
        asm("cltd" : "+a"(lo), "+d"(hi)); /* CDQ */
        u32 lo16 = v, hi16 = 0x22222222;
        asm("cwtd" : "+a"(lo16), "+d"(hi16)); /* CWD */
        rec("ext", 11, (u32[]){v, a, b, c, d, w1, w2, e, g, hi, hi16});
    }
}

static void test_exchange(void)
{
    rec_edge(1);
    for (int i = 0; i < NEDGE; i++) {
        u32 a = edge32[i], b = edge32[(i + 3) % NEDGE], f;
        /* XCHG reg,reg and reg,mem (implicitly locked) */
        u32 x = a, y = b;
        asm volatile("xchg %0, %1" : "+r"(x), "+r"(y));
        volatile u32 m = a;
        u32 z = b;
        asm volatile("xchg %0, %1" : "+r"(z), "+m"(m));
        u16 p = (u16)a, q = (u16)b;
        asm volatile("xchgw %0, %1" : "+a"(p), "+r"(q)); /* 66 9x short form when gas picks it */
        rec("xchg", 7, (u32[]){a, b, x, y, z, m, (u32)p << 16 | q});
        /* CMPXCHG: equal and not-equal cases, 8/16/32 */
        for (int eq = 0; eq < 2; eq++) {
            u32 acc = eq ? a : b, dst = a, src = 0x5a5a5a5a ^ b;
            asm volatile("push %[fi]\n\tpopf\n\tcmpxchgl %[s], %[d]\n\tpushf\n\tpop %[f]"
                         : "+a"(acc), [d] "+m"(dst), [f] "=&r"(f) : [s] "r"(src), [fi] "r"(0x2u) : "cc");
            rec("cmpxchg32", 4, (u32[]){acc, dst, src, f & ARITH});
            u16 acc16 = (u16)(eq ? a : b), dst16 = (u16)a, src16 = (u16)src;
            asm volatile("push %[fi]\n\tpopf\n\tcmpxchgw %[s], %[d]\n\tpushf\n\tpop %[f]"
                         : "+a"(acc16), [d] "+r"(dst16), [f] "=&r"(f) : [s] "r"(src16), [fi] "r"(0x8d7u) : "cc");
            rec("cmpxchg16", 4, (u32[]){acc16, dst16, src16, f & ARITH});
            u8 acc8 = (u8)(eq ? a : b), dst8 = (u8)a, src8 = (u8)src;
            asm volatile("push %[fi]\n\tpopf\n\tlock cmpxchgb %[s], %[d]\n\tpushf\n\tpop %[f]"
                         : "+a"(acc8), [d] "+m"(dst8), [f] "=&r"(f) : [s] "q"(src8), [fi] "r"(0x2u) : "cc");
            rec("cmpxchg8", 4, (u32[]){acc8, dst8, src8, f & ARITH});
        }
        /* XADD */
        u32 xa = a, xb = b;
        asm volatile("push %[fi]\n\tpopf\n\txaddl %[s], %[d]\n\tpushf\n\tpop %[f]"
                     : [d] "+r"(xa), [s] "+r"(xb), [f] "=&r"(f) : [fi] "r"(0x2u) : "cc");
        rec("xadd32", 3, (u32[]){xa, xb, f & ARITH});
        u8 xa8 = (u8)a, xb8 = (u8)b;
        volatile u8 mem8 = xa8;
        asm volatile("push %[fi]\n\tpopf\n\tlock xaddb %[s], %[d]\n\tpushf\n\tpop %[f]"
                     : [d] "+m"(mem8), [s] "+q"(xb8), [f] "=&r"(f) : [fi] "r"(0x2u) : "cc");
        rec("xadd8", 3, (u32[]){mem8, xb8, f & ARITH});
        u16 xa16 = (u16)a, xb16 = (u16)b;
        asm volatile("push %[fi]\n\tpopf\n\txaddw %[s], %[d]\n\tpushf\n\tpop %[f]"
                     : [d] "+r"(xa16), [s] "+r"(xb16), [f] "=&r"(f) : [fi] "r"(0x8d7u) : "cc");
        rec("xadd16", 3, (u32[]){xa16, xb16, f & ARITH});
        /* CMPXCHG8B: ZF only */
        for (int eq = 0; eq < 2; eq++) {
            volatile u64 q8 = ((u64)b << 32) | a;
            u32 lo = eq ? a : a ^ 1, hi = b, nlo = 0xcafe0000 | (u32)i, nhi = 0xbeef;
            asm volatile("push %[fi]\n\tpopf\n\tlock cmpxchg8b %[m]\n\tpushf\n\tpop %[f]"
                         : "+a"(lo), "+d"(hi), [m] "+m"(q8), [f] "=&r"(f)
                         : "b"(nlo), "c"(nhi), [fi] "r"(0x2u) : "cc");
            rec("cmpxchg8b", 5, (u32[]){lo, hi, (u32)q8, (u32)(q8 >> 32), f & ZF});
        }
    }
}

static void test_lea(void)
{
    u32 b = 0x1000, i = 0x33, r[8];
    asm("lea 0x7f(%1), %0" : "=r"(r[0]) : "r"(b));
    asm("lea -0x80(%1,%2), %0" : "=r"(r[1]) : "r"(b), "r"(i));
    asm("lea 0x12345678(%1,%2,2), %0" : "=r"(r[2]) : "r"(b), "r"(i));
    asm("lea (%1,%2,4), %0" : "=r"(r[3]) : "r"(b), "r"(i));
    asm("lea -4(,%1,8), %0" : "=r"(r[4]) : "r"(i));
    asm("lea 0x100(%%esp), %0" : "=r"(r[5]));
    r[5] -= (u32)&r[0]; /* relative to the stack frame: only the arithmetic matters */
    asm("lea (%1,%1,8), %0" : "=r"(r[6]) : "r"(i));
    u16 w;
    asm("leaw 0x7ffe(%1), %0" : "=r"(w) : "r"(0xfff0u));
    r[7] = w;
    rec("lea", 8, r);
}

static void test_xlat_flags(void)
{
    static const u8 table[256] = {[0] = 0x11, [0x7f] = 0x22, [0x80] = 0x33, [0xff] = 0x44};
    u32 x[4];
    for (int k = 0; k < 4; k++) {
        u32 al = k == 0 ? 0 : k == 1 ? 0x7f : k == 2 ? 0x180 : 0x12ff;
        asm("xlat" : "+a"(al) : "b"(table));
        x[k] = al;
    }
    rec("xlat", 4, x);
    /* LAHF/SAHF: SF ZF AF PF CF through AH */
    for (u32 v = 0; v < 256; v += 17) {
        u32 ah_in = v << 8, out, f;
        asm volatile("push %[fi]\n\tpopf\n\tsahf\n\tpushf\n\tpop %[f]\n\tmov $0, %%ah\n\tlahf\n\tmov %%eax, %[o]"
                     : [f] "=&r"(f), [o] "=&r"(out), "+a"(ah_in) : [fi] "r"(0x802u) : "cc");
        rec("sahf", 3, (u32[]){v, f & (ARITH | 0x2), (out >> 8) & 0xff});
    }
    /* POPF/PUSHF at CPL 0: which bits stick (IF and TF kept clear, NT cleared afterwards). */
    static const u32 pv[] = {0, 0xffffffff & ~(IF | TF), 0x00003000, 0x00044000, 0x00200000, 0x00010000 | 0x8d7};
    for (unsigned k = 0; k < sizeof pv / sizeof pv[0]; k++) {
        u32 out;
        asm volatile("pushf\n\tpush %[v]\n\tpopf\n\tpushf\n\tpop %[o]\n\tpopf" : [o] "=&r"(out) : [v] "r"(pv[k]) : "cc");
        rec("popf", 2, (u32[]){pv[k], out & ~0x00200000u}); /* ID is CPU-model specific */
    }
    /* 16-bit PUSHF/POPF */
    u32 out;
    asm volatile("pushf\n\tpushw $0x0cd5\n\tpopfw\n\tpushfw\n\tpopw %w[o]\n\tpopf" : [o] "=&r"(out) : : "cc");
    rec("popfw", 1, (u32[]){out & 0xffff});
    /* CLC/STC/CMC/CLD/STD */
    u32 f1, f2, f3;
    asm volatile("stc\n\tcmc\n\tpushf\n\tpop %0\n\tstc\n\tstd\n\tpushf\n\tpop %1\n\tclc\n\tcld\n\tcmc\n\tpushf\n\tpop %2"
                 : "=r"(f1), "=r"(f2), "=r"(f3) : : "cc");
    rec("cflags", 3, (u32[]){f1 & (CF | DF), f2 & (CF | DF), f3 & (CF | DF)});
}

void test_move(void)
{
    group_begin("move");
    test_conditions();
    test_extend();
    test_exchange();
    test_lea();
    test_xlat_flags();
    group_end();
}
