/* DAA/DAS/AAA/AAS/AAM/AAD with the flags the manual leaves undefined masked; AAM 0 raises #DE. */
#include "cputest.h"

#define BCD_IN(name, insn, mask)                                                            \
    static void name(u32 ax, u32 fin)                                                       \
    {                                                                                       \
        u32 a = ax, f;                                                                      \
        asm volatile("push %[fi]\n\tpopf\n\t" insn "\n\tpushf\n\tpop %[f]"                 \
                     : "+a"(a), [f] "=&r"(f) : [fi] "r"(fin) : "cc");                       \
        rec(#name, 4, (u32[]){ax, fin, a & 0xffff, f & (mask)});                            \
    }
BCD_IN(daa, "daa", CF | AF | SF | ZF | PF)
BCD_IN(das, "das", CF | AF | SF | ZF | PF)
BCD_IN(aaa, "aaa", CF | AF)
BCD_IN(aas, "aas", CF | AF)
BCD_IN(aam, "aam", SF | ZF | PF)
BCD_IN(aad, "aad", SF | ZF | PF)
BCD_IN(aam16, "aam $16", SF | ZF | PF)
BCD_IN(aad7, "aad $7", SF | ZF | PF)

static void aam0_probe(void)
{
    asm volatile("mov $0x1234, %%eax\n\taam $0" : : : "eax", "cc");
}

void test_bcd(void)
{
    group_begin("bcd");
    rec_edge(1);
    static const u32 fl[4] = {0x2, 0x2 | CF, 0x2 | AF, 0x2 | CF | AF};
    for (u32 v = 0; v < 256; v += 7) {
        for (int k = 0; k < 4; k++) {
            daa(0x1200 | v, fl[k]);
            das(0x3400 | v, fl[k]);
            aaa(0x0500 | v, fl[k]);
            aas(0x0900 | v, fl[k]);
        }
        aam(0x0000 | v, 0x2);
        aad(0x0300 | v, 0x2);
        aam16(v, 0x8d7);
        aad7(0x0900 | v, 0x8d7);
    }
    rec_edge(0);
    for (u32 v = 0; v < 256; v++)
        for (int k = 0; k < 4; k++) {
            daa(v, fl[k]);
            das(v, fl[k]);
            aaa(v, fl[k]);
            aas(v | 0xff00, fl[k]);
        }
    rec_edge(1);
    int vec = try_fault(aam0_probe);
    rec("aam0", 2, (u32[]){(u32)vec, trap_eip - (u32)aam0_probe});
    group_end();
}
