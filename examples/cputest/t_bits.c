/* BT/BTS/BTR/BTC (register, immediate and bit-string memory forms), BSF/BSR, BSWAP. */
#include "ops.h"

#define BTFLAGS (CF | ZF) /* CF is the bit; ZF is unaffected; OF/SF/AF/PF are undefined */

BINOP(bt16, "btw", u16, "r")
BINOP(bt32, "btl", u32, "r")
BINOP(bts16, "btsw", u16, "r")
BINOP(bts32, "btsl", u32, "r")
BINOP(btr16, "btrw", u16, "r")
BINOP(btr32, "btrl", u32, "r")
BINOP(btc16, "btcw", u16, "r")
BINOP(btc32, "btcl", u32, "r")

#define BTIMM(name, insn, imm)                                                              \
    static u32 name(u32 a, u32 b, u32 fin, u32 *fo)                                         \
    {                                                                                       \
        u32 f;                                                                              \
        asm volatile("push %[fi]\n\tpopf\n\t" insn " $" #imm ", %[x]\n\tpushf\n\tpop %[f]" \
                     : [x] "+r"(a), [f] "=&r"(f) : [fi] "r"(fin) : "cc");                   \
        *fo = f;                                                                            \
        return a;                                                                           \
    }
BTIMM(bt_i5, "btl", 5)
BTIMM(bts_i31, "btsl", 31)
BTIMM(btr_i33, "btrl", 33) /* immediate is taken modulo 32 for a register operand */
BTIMM(btc_i0, "btcl", 0)

static const struct {
    const char *name;
    opfn fn;
    int bits;
} bops[] = {
    {"bt16", bt16, 16}, {"bt32", bt32, 32}, {"bts16", bts16, 16}, {"bts32", bts32, 32},
    {"btr16", btr16, 16}, {"btr32", btr32, 32}, {"btc16", btc16, 16}, {"btc32", btc32, 32},
    {"bt_i5", bt_i5, 32}, {"bts_i31", bts_i31, 32}, {"btr_i33", btr_i33, 32}, {"btc_i0", btc_i0, 32},
};

/* Bit-string form: the register offset is signed and may reach outside the addressed dword. */
static u32 bitmem[8];

static void bt_mem_case(int op, s32 off, u32 fin)
{
    static const char *names[4] = {"btm", "btsm", "btrm", "btcm"};
    u32 f;
    u32 *base = &bitmem[4];
    for (int i = 0; i < 8; i++)
        bitmem[i] = 0x5a5a0ff0u ^ (u32)(i * 0x01010101);
    switch (op) {
    case 0: asm volatile("push %[fi]\n\tpopf\n\tbtl %[o], %[m]\n\tpushf\n\tpop %[f]" : [f] "=&r"(f) : [m] "m"(*base), [o] "r"(off), [fi] "r"(fin) : "cc", "memory"); break;
    case 1: asm volatile("push %[fi]\n\tpopf\n\tbtsl %[o], %[m]\n\tpushf\n\tpop %[f]" : [f] "=&r"(f), [m] "+m"(*base) : [o] "r"(off), [fi] "r"(fin) : "cc", "memory"); break;
    case 2: asm volatile("push %[fi]\n\tpopf\n\tbtrl %[o], %[m]\n\tpushf\n\tpop %[f]" : [f] "=&r"(f), [m] "+m"(*base) : [o] "r"(off), [fi] "r"(fin) : "cc", "memory"); break;
    default: asm volatile("push %[fi]\n\tpopf\n\tbtcl %[o], %[m]\n\tpushf\n\tpop %[f]" : [f] "=&r"(f), [m] "+m"(*base) : [o] "r"(off), [fi] "r"(fin) : "cc", "memory"); break;
    }
    u32 sum = 0;
    for (int i = 0; i < 8; i++)
        sum = sum * 31 + bitmem[i];
    rec(names[op], 4, (u32[]){(u32)off, fin, f & BTFLAGS, sum});
}

#define BSCAN(name, insn, T)                                                                \
    static u32 name(u32 a, u32 b, u32 fin, u32 *fo)                                         \
    {                                                                                       \
        T x = (T)b, y = (T)a;                                                               \
        u32 f;                                                                              \
        asm volatile("push %[fi]\n\tpopf\n\t" insn " %[y], %[x]\n\tpushf\n\tpop %[f]"      \
                     : [x] "+r"(x), [f] "=&r"(f) : [y] "rm"(y), [fi] "r"(fin) : "cc");      \
        *fo = f;                                                                            \
        return x;                                                                           \
    }
BSCAN(bsf16, "bsfw", u16)
BSCAN(bsf32, "bsfl", u32)
BSCAN(bsr16, "bsrw", u16)
BSCAN(bsr32, "bsrl", u32)

static void scan_case(const char *name, opfn fn, int bits, u32 a, u32 fin)
{
    u32 f;
    a = trunc(a, bits);
    u32 r = trunc(fn(a, 0x1234, fin, &f), bits);
    if (a == 0)
        r = 0; /* destination undefined for a zero source */
    rec(name, 4, (u32[]){a, fin, r, f & ZF});
}

static void bswap_case(u32 a)
{
    u32 x = a;
    asm volatile("bswap %0" : "+r"(x));
    rec("bswap", 2, (u32[]){a, x});
}

void test_bits(void)
{
    group_begin("bits");
    for (unsigned i = 0; i < sizeof bops / sizeof bops[0]; i++) {
        rec_edge(1);
        for (u32 bit = 0; bit < 40; bit += 3) {
            u32 f;
            u32 a = 0xa5a5c3c3u;
            u32 r = trunc(bops[i].fn(trunc(a, bops[i].bits), bit, bit & 4 ? 0x2 | ARITH : 0x2, &f), bops[i].bits);
            rec(bops[i].name, 4, (u32[]){trunc(a, bops[i].bits), bit, r, f & BTFLAGS});
        }
        rec_edge(0);
        for (int n = 0; n < 100; n++) {
            u32 f, a = trunc(rnd(), bops[i].bits), b = rnd();
            u32 r = trunc(bops[i].fn(a, b, n & 1 ? 0x2 | ARITH : 0x2, &f), bops[i].bits);
            rec(bops[i].name, 4, (u32[]){a, b, r, f & BTFLAGS});
        }
    }
    rec_edge(1);
    for (int op = 0; op < 4; op++)
        for (s32 off = -128; off < 128; off += 37)
            bt_mem_case(op, off, off & 1 ? 0x2 : 0x2 | ARITH);
    rec_edge(1);
    for (int i = 0; i < NEDGE; i++) {
        scan_case("bsf16", bsf16, 16, edge32[i], 0x2);
        scan_case("bsf32", bsf32, 32, edge32[i], 0x2 | ARITH);
        scan_case("bsr16", bsr16, 16, edge32[i], 0x2 | ARITH);
        scan_case("bsr32", bsr32, 32, edge32[i], 0x2);
        bswap_case(edge32[i]);
    }
    rec_edge(0);
    for (int n = 0; n < 200; n++) {
        u32 a = rnd() >> (n & 31);
        scan_case("bsf16", bsf16, 16, a, 0x2);
        scan_case("bsf32", bsf32, 32, a, 0x2);
        scan_case("bsr16", bsr16, 16, a, 0x2);
        scan_case("bsr32", bsr32, 32, a, 0x2);
        bswap_case(rnd());
    }
    group_end();
}
