/* Runs x87 test cases on the host CPU (gcc -m32 -O1 where the host runs 32-bit programs, else a
 * native x86-64 build with -mno-red-zone, for PUSHF: the x87 unit and its FNSAVE image are the
 * same in both modes). Each stdin line:
 *   op cw n a b mem        (op, cw, n decimal/hex; a, b, mem: 20 hex digits = 10 bytes, byte 0 first)
 * loads b then a (n = 2: ST0 = a, ST1 = b; n = 1: only a; n = 0: empty stack), sets the control
 * word, runs the instruction selected by op with the 10-byte memory operand, and prints
 *   sw eflags save(108 bytes hex) mem(10 bytes hex)
 * Read by X87NativeTest, which runs the same cases through kerf's FpuState. */
#include <stdio.h>
#include <string.h>

static unsigned char a[10], b[10], mem[16], save[108];

static void hexin(const char *s, unsigned char *out) {
    for (int i = 0; i < 10; i++) { unsigned v; sscanf(s + 2 * i, "%2x", &v); out[i] = (unsigned char) v; }
}

#ifdef __x86_64__
#define PUSHF "pushfq\n\tpopq %%rcx"
#define SETF "pushq (%4)\n\tpopfq\n\t" /* EFLAGS for FCMOV from the memory operand */
#else
#define PUSHF "pushfl\n\tpopl %%ecx"
#define SETF "pushl (%4)\n\tpopfl\n\t"
#endif
#define OP(code, text) case code: asm volatile("fldcw (%2)\n\t" text "\n\tfnstsw %%ax\n\t" PUSHF "\n\tfnsave (%3)" \
        : "=&a"(sw), "=&c"(fl) : "r"(&cw16), "r"(save), "r"(mem) : "memory", "cc"); break;

int main(void) {
    char line[256], sa[32], sb[32], sm[32];
    unsigned op, cw, n;
    while (fgets(line, sizeof line, stdin)) {
        if (sscanf(line, "%u %x %u %20s %20s %20s", &op, &cw, &n, sa, sb, sm) != 6) continue;
        hexin(sa, a); hexin(sb, b); hexin(sm, mem);
        unsigned short cw16 = (unsigned short) cw;
        unsigned long sw = 0, fl = 0;
        /* every physical register +0 first, so empty registers hold the same stale value as kerf's */
        asm volatile("fninit\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfninit" ::: "memory");
        if (n >= 2) asm volatile("fldt (%0)" :: "r"(b) : "memory");
        if (n >= 1) asm volatile("fldt (%0)" :: "r"(a) : "memory");
        switch (op) {
            OP(0, "fadd %%st(1), %%st")
            OP(1, "fsub %%st(1), %%st")
            OP(2, "fsubr %%st(1), %%st")
            OP(3, "fmul %%st(1), %%st")
            OP(4, "fdiv %%st(1), %%st")
            OP(5, "fdivr %%st(1), %%st")
            OP(6, "fsqrt")
            OP(7, "frndint")
            OP(8, "fscale")
            OP(9, "fcom %%st(1)")
            OP(10, "fucom %%st(1)")
            OP(11, "fcomi %%st(1), %%st")
            OP(12, "fucomi %%st(1), %%st")
            OP(13, "fxam")
            OP(14, "ftst")
            OP(15, "fsts (%4)")
            OP(16, "fstl (%4)")
            OP(17, "fists (%4)")
            OP(18, "fistl (%4)")
            OP(19, "fistpll (%4)")
            OP(20, "fisttps (%4)")
            OP(21, "fisttpl (%4)")
            OP(22, "fisttpll (%4)")
            OP(23, "fbstp (%4)")
            OP(24, "flds (%4)")
            OP(25, "fldl (%4)")
            OP(26, "filds (%4)")
            OP(27, "fildl (%4)")
            OP(28, "fildll (%4)")
            OP(29, "fbld (%4)")
            OP(30, "fadd %%st, %%st(1)")
            OP(31, "fadds (%4)")
            OP(32, "fmull (%4)")
            OP(33, "fiaddl (%4)")
            OP(34, "fdivs (%4)")
            OP(35, "fchs")
            OP(36, "fabs")
            OP(37, "fsubp %%st, %%st(1)")
            OP(38, "fxtract")
            OP(39, "fprem")
            OP(40, "fprem1")
            OP(41, "f2xm1")
            OP(42, "fyl2x")
            OP(43, "fyl2xp1")
            OP(44, "fptan")
            OP(45, "fpatan")
            OP(46, "fsin")
            OP(47, "fcos")
            OP(48, "fsincos")
            OP(49, "fstpt (%4)")
            OP(50, "fld %%st(1)")
            OP(51, "fxch %%st(1)")
            OP(52, "fcomip %%st(1), %%st")
            OP(53, "fucompp")
            OP(54, "fcompp")
            OP(55, "fld1")
            OP(56, "fldl2t")
            OP(57, "fldl2e")
            OP(58, "fldpi")
            OP(59, "fldlg2")
            OP(60, "fldln2")
            OP(61, "fldz")
            OP(62, "fincstp")
            OP(63, "fdecstp")
            OP(64, "ffree %%st(1)")
            OP(65, SETF "fcmovb %%st(1), %%st")
            OP(66, SETF "fcmove %%st(1), %%st")
            OP(67, SETF "fcmovbe %%st(1), %%st")
            OP(68, SETF "fcmovu %%st(1), %%st")
            OP(69, SETF "fcmovnb %%st(1), %%st")
            OP(70, SETF "fcmovne %%st(1), %%st")
            OP(71, SETF "fcmovnbe %%st(1), %%st")
            OP(72, SETF "fcmovnu %%st(1), %%st")
            OP(73, "fucomip %%st(1), %%st")
            OP(74, "fstp %%st(1)")
            OP(75, "fistps (%4)")
            OP(76, "fstps (%4)")
            OP(77, "fstpl (%4)")
            default: continue;
        }
        printf("%04lx %08lx ", sw & 0xFFFF, fl & 0xFFFFFFFF);
        for (int i = 0; i < 108; i++) printf("%02x", save[i]);
        putchar(' ');
        for (int i = 0; i < 10; i++) printf("%02x", mem[i]);
        putchar('\n');
    }
    return 0;
}
