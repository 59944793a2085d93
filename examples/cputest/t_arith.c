/* ADD/ADC/SUB/SBB/AND/OR/XOR/CMP/TEST/INC/DEC/NEG/NOT in 8/16/32-bit register and memory forms. */
#include "ops.h"

#define LOGIC (ARITH & ~AF) /* AF is undefined after AND/OR/XOR/TEST */

#define ALL_SIZES(M, op, insn)                                                              \
    M(op##8, insn "b", u8, "q")                                                             \
    M(op##16, insn "w", u16, "r")                                                           \
    M(op##32, insn "l", u32, "r")

ALL_SIZES(BINOP, add, "add")
ALL_SIZES(BINOP, adc, "adc")
ALL_SIZES(BINOP, sub, "sub")
ALL_SIZES(BINOP, sbb, "sbb")
ALL_SIZES(BINOP, and, "and")
ALL_SIZES(BINOP, or, "or")
ALL_SIZES(BINOP, xor, "xor")
ALL_SIZES(BINOP, cmp, "cmp")
ALL_SIZES(BINOP, test, "test")
ALL_SIZES(UNOP, inc, "inc")
ALL_SIZES(UNOP, dec, "dec")
ALL_SIZES(UNOP, neg, "neg")
ALL_SIZES(UNOP, not, "not")
BINOP_M(addm8, "addb", u8, "q")
BINOP_M(addm16, "addw", u16, "r")
BINOP_M(addm32, "addl", u32, "r")
BINOP_M(adcm32, "adcl", u32, "r")
BINOP_M(sbbm16, "sbbw", u16, "r")
BINOP_M(subm32, "subl", u32, "r")
BINOP_M(andm8, "andb", u8, "q")
BINOP_M(orm32, "orl", u32, "r")
BINOP_M(xorm16, "xorw", u16, "r")
BINOP_M(cmpm32, "cmpl", u32, "r")

struct op {
    const char *name;
    opfn fn;
    int bits;
    u32 mask;      /* defined flags */
    int carry_in;  /* result depends on CF: run with CF=0 and CF=1 */
    int unary;
};

#define SIZES3(n, f, mask, c, u) {n "8", f##8, 8, mask, c, u}, {n "16", f##16, 16, mask, c, u}, {n "32", f##32, 32, mask, c, u}

static const struct op ops[] = {
    SIZES3("add", add, ARITH, 0, 0),  SIZES3("adc", adc, ARITH, 1, 0), SIZES3("sub", sub, ARITH, 0, 0),
    SIZES3("sbb", sbb, ARITH, 1, 0),  SIZES3("and", and, LOGIC, 0, 0), SIZES3("or", or, LOGIC, 0, 0),
    SIZES3("xor", xor, LOGIC, 0, 0),  SIZES3("cmp", cmp, ARITH, 0, 0), SIZES3("test", test, LOGIC, 0, 0),
    SIZES3("inc", inc, ARITH, 0, 1),  SIZES3("dec", dec, ARITH, 0, 1), SIZES3("neg", neg, ARITH, 0, 1),
    SIZES3("not", not, ARITH, 0, 1),
    {"addm8", addm8, 8, ARITH, 0, 0}, {"addm16", addm16, 16, ARITH, 0, 0}, {"addm32", addm32, 32, ARITH, 0, 0},
    {"adcm32", adcm32, 32, ARITH, 1, 0}, {"sbbm16", sbbm16, 16, ARITH, 1, 0}, {"subm32", subm32, 32, ARITH, 0, 0},
    {"andm8", andm8, 8, LOGIC, 0, 0}, {"orm32", orm32, 32, LOGIC, 0, 0}, {"xorm16", xorm16, 16, LOGIC, 0, 0},
    {"cmpm32", cmpm32, 32, ARITH, 0, 0},
};

/* Memory forms follow the 13 register-form families; their cases are hashed, not printed. */
#define FIRST_MEMFORM (13 * 3)

static void run_case(const struct op *o, u32 a, u32 b, u32 fin)
{
    u32 f;
    a = trunc(a, o->bits);
    b = trunc(b, o->bits);
    u32 r = trunc(o->fn(a, b, fin, &f), o->bits);
    u32 v[5] = {a, b, fin, r, f & o->mask};
    rec(o->name, o->unary ? 4 : 5, o->unary ? (u32[]){a, fin, r, f & o->mask} : v);
}

/* Flags going in: all clear or all arithmetic flags set (results must not depend on them). */
static u32 flags_in(const struct op *o, int k)
{
    if (o->carry_in)
        return 0x2 | (k & 1 ? CF : 0);
    return k & 1 ? 0x2 | ARITH : 0x2;
}

static void run_op(const struct op *o, int memform)
{
    int k = 0;
    rec_edge(!memform);
    for (int i = 0; i < NEDGE; i++) {
        if (edge32[i] > trunc(0xffffffff, o->bits))
            continue;
        if (o->unary) {
            run_case(o, edge32[i], 0, 0x2);
            run_case(o, edge32[i], 0, 0x2 | ARITH);
            continue;
        }
        for (int j = 0; j < NEDGE; j++) {
            if (edge32[j] > trunc(0xffffffff, o->bits))
                continue;
            if (o->carry_in) {
                run_case(o, edge32[i], edge32[j], 0x2);
                run_case(o, edge32[i], edge32[j], 0x2 | CF);
            } else {
                run_case(o, edge32[i], edge32[j], flags_in(o, k++));
            }
        }
    }
    rec_edge(0);
    for (int n = 0; n < 300; n++)
        run_case(o, rnd(), n & 4 ? rnd() : rnd() >> (n & 31), flags_in(o, n));
}

void test_arith(void)
{
    group_begin("arith");
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
        run_op(&ops[i], i >= FIRST_MEMFORM);
    group_end();
}
