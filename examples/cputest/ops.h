/* Generators for one-instruction probes: load EFLAGS, run the instruction, capture EFLAGS. */
#ifndef OPS_H
#define OPS_H
#include "cputest.h"

/* Every probe: (a, b, flags in, &flags out) -> result. */
typedef u32 (*opfn)(u32 a, u32 b, u32 fin, u32 *fout);

/* x = x OP y, register forms; cons is "q" for 8-bit operands. */
#define BINOP(name, insn, T, cons)                                                          \
    static u32 name(u32 a, u32 b, u32 fin, u32 *fo)                                         \
    {                                                                                       \
        T x = (T)a, y = (T)b;                                                               \
        u32 f;                                                                              \
        asm volatile("push %[fi]\n\tpopf\n\t" insn " %[y], %[x]\n\tpushf\n\tpop %[f]"     \
                     : [x] "+" cons(x), [f] "=&r"(f)                                        \
                     : [y] cons(y), [fi] "r"(fin)                                           \
                     : "cc");                                                               \
        *fo = f;                                                                            \
        return x;                                                                           \
    }

/* x = x OP y with x in memory (ModRM memory form). */
#define BINOP_M(name, insn, T, cons)                                                        \
    static u32 name(u32 a, u32 b, u32 fin, u32 *fo)                                         \
    {                                                                                       \
        volatile T x = (T)a;                                                                \
        T y = (T)b;                                                                         \
        u32 f;                                                                              \
        asm volatile("push %[fi]\n\tpopf\n\t" insn " %[y], %[x]\n\tpushf\n\tpop %[f]"     \
                     : [x] "+m"(x), [f] "=&r"(f)                                            \
                     : [y] cons(y), [fi] "r"(fin)                                           \
                     : "cc");                                                               \
        *fo = f;                                                                            \
        return x;                                                                           \
    }

/* x = OP x */
#define UNOP(name, insn, T, cons)                                                           \
    static u32 name(u32 a, u32 b, u32 fin, u32 *fo)                                         \
    {                                                                                       \
        T x = (T)a;                                                                         \
        u32 f;                                                                              \
        asm volatile("push %[fi]\n\tpopf\n\t" insn " %[x]\n\tpushf\n\tpop %[f]"             \
                     : [x] "+" cons(x), [f] "=&r"(f)                                        \
                     : [fi] "r"(fin)                                                        \
                     : "cc");                                                               \
        *fo = f;                                                                            \
        return x;                                                                           \
    }

/* x = x SHIFT cl */
#define SHIFTOP(name, insn, T, cons)                                                        \
    static u32 name(u32 a, u32 b, u32 fin, u32 *fo)                                         \
    {                                                                                       \
        T x = (T)a;                                                                         \
        u8 c = (u8)b;                                                                       \
        u32 f;                                                                              \
        asm volatile("push %[fi]\n\tpopf\n\t" insn " %%cl, %[x]\n\tpushf\n\tpop %[f]"      \
                     : [x] "+" cons(x), [f] "=&r"(f)                                        \
                     : "c"(c), [fi] "r"(fin)                                                \
                     : "cc");                                                               \
        *fo = f;                                                                            \
        return x;                                                                           \
    }

/* x = x SHIFT imm (imm 1 assembles to the D0/D1 short form) */
#define SHIFTIMM(name, insn, imm, T, cons)                                                  \
    static u32 name(u32 a, u32 b, u32 fin, u32 *fo)                                         \
    {                                                                                       \
        T x = (T)a;                                                                         \
        u32 f;                                                                              \
        asm volatile("push %[fi]\n\tpopf\n\t" insn " $" #imm ", %[x]\n\tpushf\n\tpop %[f]" \
                     : [x] "+" cons(x), [f] "=&r"(f)                                        \
                     : [fi] "r"(fin)                                                        \
                     : "cc");                                                               \
        *fo = f;                                                                            \
        return x;                                                                           \
    }

static inline u32 trunc(u32 v, int bits)
{
    return bits == 32 ? v : v & ((1u << bits) - 1);
}

#endif
