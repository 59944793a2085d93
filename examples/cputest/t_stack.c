/* ENTER/LEAVE (nesting levels), PUSH/POP forms, PUSHA/POPA, CALL/RET forms, LOOP/JECXZ. */
#include "cputest.h"

void enter_probe_0(u32 *out, u32 *fake_ebp);
void enter_probe_1(u32 *out, u32 *fake_ebp);
void enter_probe_2(u32 *out, u32 *fake_ebp);
void enter_probe_4(u32 *out, u32 *fake_ebp);

static u32 fake_frame[16];

static void enter_case(const char *name, int level, void (*probe)(u32 *, u32 *))
{
    u32 out[10];
    for (int i = 0; i < 16; i++)
        fake_frame[i] = 0xf0000000u + (u32)i;
    u32 *fake = &fake_frame[12];
    memset(out, 0, sizeof out);
    probe(out, fake);
    /* Saved frame pointers are addresses: print them relative to the fake frame. */
    for (int i = 2; i < 8; i++)
        if (out[i] - (u32)fake_frame < sizeof fake_frame)
            out[i] = 0xa0000000u + (out[i] - (u32)fake_frame);
    out[9] -= (u32)fake_frame;
    /* Below the level's frame pointers lies the uninitialized part of the 16-byte frame. */
    for (int i = 3 + level; i < 8; i++)
        out[i] = 0;
    if (level > 0) /* the last pointer ENTER pushes is the new EBP: print it relative to ESP */
        out[2 + level] -= (u32)&out[0] - 0x1000;
    rec(name, 10, out);
}

static u32 __attribute__((noinline)) ret_imm_callee(void)
{
    u32 r;
    /* called with two stack arguments that RET 8 discards */
    asm volatile("push $1\n\tpush $2\n\tcall 1f\n\tjmp 2f\n1:\tmov $0x77, %0\n\tret $8\n2:" : "=r"(r) : : "memory");
    return r;
}

static void test_push_pop(void)
{
    u32 r[10];
    u32 base;
    asm volatile("mov %%esp, %[b]\n\t"
                 "push $-5\n\t"          /* 6A ib, sign-extended */
                 "push $0x12345678\n\t"  /* 68 id */
                 "pushw $0x1234\n\t"     /* 66 68 iw: ESP moves by 2 */
                 "mov %%esp, %[r0]\n\t"
                 "popw %w[r1]\n\t"
                 "pop %[r2]\n\t"
                 "pop %[r3]\n\t"
                 : [b] "=&r"(base), [r0] "=&r"(r[0]), [r1] "=&r"(r[1]), [r2] "=&r"(r[2]), [r3] "=&r"(r[3])
                 : : "memory");
    r[0] = base - r[0];
    r[1] &= 0xffff;
    /* PUSHA/POPA round trip with distinct values; PUSHA's ESP slot is printed relative */
    static u32 slot[8];
    asm volatile("push %%ebp\n\t"
                 "mov $0x11, %%eax\n\tmov $0x22, %%ecx\n\tmov $0x33, %%edx\n\tmov $0x44, %%ebx\n\t"
                 "mov $0x66, %%ebp\n\tmov $0x77, %%esi\n\tmov $0x88, %%edi\n\t"
                 "pusha\n\t"
                 "mov %%esp, %%eax\n\t"
                 "mov 0(%%eax), %%ecx\n\tmov %%ecx, %c[s]+0\n\t"
                 "mov 4(%%eax), %%ecx\n\tmov %%ecx, %c[s]+4\n\t"
                 "mov 8(%%eax), %%ecx\n\tmov %%ecx, %c[s]+8\n\t"
                 "mov 12(%%eax), %%ecx\n\tsub %%eax, %%ecx\n\tmov %%ecx, %c[s]+12\n\t"
                 "mov 16(%%eax), %%ecx\n\tmov %%ecx, %c[s]+16\n\t"
                 "mov 20(%%eax), %%ecx\n\tmov %%ecx, %c[s]+20\n\t"
                 "mov 24(%%eax), %%ecx\n\tmov %%ecx, %c[s]+24\n\t"
                 "mov 28(%%eax), %%ecx\n\tmov %%ecx, %c[s]+28\n\t"
                 "movl $0x99, 12(%%esp)\n\t"  /* POPA skips the saved ESP */
                 "popa\n\t"
                 "mov %%ebp, %%eax\n\t"
                 "pop %%ebp\n\t"
                 : "=a"(r[4]), "=c"(r[5]), "=d"(r[6]), "=b"(r[7]), "=S"(r[8]), "=D"(r[9])
                 : [s] "i"(slot)
                 : "memory");
    rec("pushpop", 10, r);
    rec("pusha", 8, slot);
    /* push/pop memory operands and segment registers */
    volatile u32 m1 = 0xabcdef01, m2 = 0;
    u32 seg;
    asm volatile("pushl %[a]\n\tpopl %[b]\n\tpush %%ds\n\tpop %[s]" : [b] "=m"(m2), [s] "=r"(seg) : [a] "m"(m1) : "memory");
    rec("pushmem", 2, (u32[]){m2, seg & 0xffff});
    rec("retimm", 1, (u32[]){ret_imm_callee()});
}

static u32 __attribute__((noinline)) target(u32 x)
{
    return x * 3 + 1;
}

static void test_control(void)
{
    u32 (*volatile fp)(u32) = target;
    u32 a = fp(5);
    u32 r;
    asm volatile("call *%1" : "=a"(r) : "r"(fp), "a"(0) : "ecx", "edx", "memory"); /* FF /2 register */
    /* LOOP, LOOPE, LOOPNE, JECXZ */
    u32 n1 = 0, c1 = 10;
    asm volatile("1:\n\tinc %0\n\tloop 1b" : "+r"(n1), "+c"(c1));
    u32 n2 = 0, c2 = 10, z = 0;
    asm volatile("1:\n\tinc %0\n\tcmp $3, %0\n\tloopne 1b\n\tsetz %b2" : "+r"(n2), "+c"(c2), "+q"(z) : : "cc");
    u32 c3 = 0, j = 0;
    asm volatile("jecxz 1f\n\tmov $1, %1\n1:" : "+c"(c3), "+r"(j));
    u32 n4 = 0, c4 = 8;
    asm volatile("1:\n\tinc %0\n\ttest $0, %0\n\tloope 1b" : "+r"(n4), "+c"(c4) : : "cc");
    rec("control", 10, (u32[]){a, r, n1, c1, n2, c2, z, j, n4, c4});
}

void test_stack(void)
{
    group_begin("stack");
    rec_edge(1);
    enter_case("enter0", 0, enter_probe_0);
    enter_case("enter1", 1, enter_probe_1);
    enter_case("enter2", 2, enter_probe_2);
    enter_case("enter4", 4, enter_probe_4);
    test_push_pop();
    test_control();
    group_end();
}
