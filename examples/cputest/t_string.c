/* MOVS/STOS/LODS/CMPS/SCAS with and without REP/REPE/REPNE, both directions, all sizes. */
#include "cputest.h"

static u8 src[96], dst[96];

static u32 sum_dst(void)
{
    u32 h = 0;
    for (unsigned i = 0; i < sizeof dst; i++)
        h = h * 33 + dst[i];
    return h;
}

static void fill(void)
{
    for (unsigned i = 0; i < sizeof src; i++) {
        src[i] = (u8)(i * 7 + 3);
        dst[i] = (u8)(0xa0 + i);
    }
}

/* op: one string instruction sequence (with its prefix); runs with ESI/EDI/ECX/EAX given. */
#define STR_CASE(label, insn, s_off, d_off, count, eax_in, down)                            \
    do {                                                                                    \
        fill();                                                                             \
        u32 si = (u32)&src[s_off], di = (u32)&dst[d_off], cx = count, ax = eax_in, f;       \
        if (down)                                                                           \
            asm volatile("std\n\tpush $0x2\n\tpopf\n\tstd\n\t" insn "\n\tpushf\n\tpop %[f]\n\tcld" \
                         : "+S"(si), "+D"(di), "+c"(cx), "+a"(ax), [f] "=&r"(f) : : "cc", "memory"); \
        else                                                                                \
            asm volatile("cld\n\t" insn "\n\tpushf\n\tpop %[f]"                            \
                         : "+S"(si), "+D"(di), "+c"(cx), "+a"(ax), [f] "=&r"(f) : : "cc", "memory"); \
        rec(label, 6, (u32[]){si - (u32)src, di - (u32)dst, cx, ax, f & (ARITH | DF), sum_dst()}); \
    } while (0)

void test_string(void)
{
    group_begin("string");
    rec_edge(1);
    STR_CASE("movsb", "movsb", 0, 0, 5, 0, 0);
    STR_CASE("rep_movsb", "rep movsb", 1, 3, 17, 0, 0);
    STR_CASE("rep_movsw", "rep movsw", 2, 0, 9, 0, 0);
    STR_CASE("rep_movsl", "rep movsl", 0, 4, 7, 0, 0);
    STR_CASE("rep_movsl_down", "rep movsl", 60, 64, 7, 0, 1);
    STR_CASE("rep_movsb_down", "rep movsb", 50, 40, 13, 0, 1);
    STR_CASE("rep_movsb_zero", "rep movsb", 0, 0, 0, 0, 0);
    STR_CASE("rep_stosb", "rep stosb", 0, 5, 11, 0x12345678, 0);
    STR_CASE("rep_stosw", "rep stosw", 0, 1, 6, 0x9abc, 0);
    STR_CASE("rep_stosl_down", "rep stosl", 0, 80, 5, 0xdeadbeef, 1);
    STR_CASE("stosl", "stosl", 0, 8, 3, 0x01020304, 0);
    STR_CASE("lodsb", "lodsb", 9, 0, 3, 0xffffffff, 0);
    STR_CASE("lodsw_down", "lodsw", 20, 0, 3, 0xffffffff, 1);
    STR_CASE("lodsl", "lodsl", 13, 0, 3, 0, 0);
    STR_CASE("rep_lodsb", "rep lodsb", 4, 0, 6, 0, 0);
    /* CMPS/SCAS: src[i] = i*7+3; dst is refilled with a copy so the compare can match a while */
    for (int k = 0; k < 4; k++) {
        u32 stop = (u32)(k * 9 + 2);
        fill();
        for (unsigned i = 0; i < sizeof dst; i++)
            dst[i] = i < stop ? src[i] : (u8)(src[i] + 1);
        u32 si = (u32)src, di = (u32)dst, cx = 40, f;
        asm volatile("cld\n\trepe cmpsb\n\tpushf\n\tpop %[f]" : "+S"(si), "+D"(di), "+c"(cx), [f] "=&r"(f) : : "cc", "memory");
        rec("repe_cmpsb", 4, (u32[]){stop, si - (u32)src, cx, f & ARITH});
        si = (u32)src, di = (u32)dst, cx = 10;
        asm volatile("cld\n\trepe cmpsl\n\tpushf\n\tpop %[f]" : "+S"(si), "+D"(di), "+c"(cx), [f] "=&r"(f) : : "cc", "memory");
        rec("repe_cmpsl", 4, (u32[]){stop, si - (u32)src, cx, f & ARITH});
        si = (u32)src, di = (u32)dst, cx = 40;
        asm volatile("cld\n\trepne cmpsw\n\tpushf\n\tpop %[f]" : "+S"(si), "+D"(di), "+c"(cx), [f] "=&r"(f) : : "cc", "memory");
        rec("repne_cmpsw", 4, (u32[]){stop, si - (u32)src, cx, f & ARITH});
        u32 ax = src[stop + 3];
        di = (u32)src, cx = 60;
        asm volatile("cld\n\trepne scasb\n\tpushf\n\tpop %[f]" : "+D"(di), "+c"(cx), "+a"(ax), [f] "=&r"(f) : : "cc", "memory");
        rec("repne_scasb", 4, (u32[]){ax, di - (u32)src, cx, f & ARITH});
        di = (u32)&dst[stop + 8], cx = 8, ax = 0x12345678;
        asm volatile("std\n\trepe scasl\n\tpushf\n\tpop %[f]\n\tcld" : "+D"(di), "+c"(cx), "+a"(ax), [f] "=&r"(f) : : "cc", "memory");
        rec("repe_scasl_down", 4, (u32[]){stop, di - (u32)dst, cx, f & (ARITH | DF)});
        di = (u32)dst, cx = 0, ax = 0;
        asm volatile("cld\n\tpush $0x8d7\n\tpopf\n\trepne scasb\n\tpushf\n\tpop %[f]" : "+D"(di), "+c"(cx), "+a"(ax), [f] "=&r"(f) : : "cc", "memory");
        rec("repne_scasb_zero", 3, (u32[]){di - (u32)dst, cx, f & ARITH});
    }
    /* Segment override on the source of MOVS (flat segments, so same bytes; exercises decoding). */
    STR_CASE("rep_movsb_es", "rep movsb %%es:(%%esi), %%es:(%%edi)", 3, 9, 10, 0, 0);
    STR_CASE("rep_movsl_fs", "rep movsl %%fs:(%%esi), %%es:(%%edi)", 8, 12, 4, 0, 0);
    group_end();
}
