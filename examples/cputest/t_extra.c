/*
 * Segment bases, far pointers (LDS/LES/LFS/LGS/LSS), 16-bit addressing (67 prefix),
 * self-modifying code, #DB single step, BOUND (#BR), descriptor-table stores, and a PIT
 * interrupt that wakes HLT (only whether it arrived is printed: its timing differs by design).
 */
#include "cputest.h"

#define SEL_BASED 0x30 /* data segment, base BASED_BASE (set up in sys.c) */
#define BASED_BASE 0x00123000u
#define LOW_BUF 0x6000u /* below 64 KiB, reachable with 16-bit addressing */

static void test_segments(void)
{
    volatile u32 *lin = (volatile u32 *)(BASED_BASE + 0x40);
    *lin = 0x5e9b45e;
    u32 v, w, sel;
    asm volatile("mov %%fs, %%ecx\n\tmov %[s], %%ax\n\tmov %%ax, %%fs\n\t"
                 "mov %%fs:0x40, %[v]\n\tmovl $0x77, %%fs:0x44\n\tmov %%fs, %[sel]\n\tmov %%cx, %%fs"
                 : [v] "=&r"(v), [sel] "=&r"(sel) : [s] "i"(SEL_BASED) : "eax", "ecx", "memory");
    w = *(volatile u32 *)(BASED_BASE + 0x44);
    rec("segbase", 3, (u32[]){v, w, sel & 0xffff});
    /* far pointers in memory: offset then selector */
    static struct __attribute__((packed)) { u32 off; u16 sel; } fp = {0x40, SEL_BASED};
    u32 r1, r2, s1;
    asm volatile("push %%gs\n\tlgs %[fp], %[r]\n\tmov %%gs:0(%[r]), %[r2]\n\tmov %%gs, %[s]\n\tpop %%gs"
                 : [r] "=&r"(r1), [r2] "=&r"(r2), [s] "=&r"(s1) : [fp] "m"(fp) : "memory");
    rec("lgs", 3, (u32[]){r1, r2, s1 & 0xffff});
    u32 r3, r4;
    asm volatile("push %%es\n\tles %[fp], %[r]\n\tmov %%es:4(%[r]), %[r4]\n\tpop %%es"
                 : [r] "=&r"(r3), [r4] "=&r"(r4) : [fp] "m"(fp) : "memory");
    rec("les", 2, (u32[]){r3, r4});
}

static void test_addr16(void)
{
    volatile u32 *buf = (volatile u32 *)LOW_BUF;
    for (int i = 0; i < 8; i++)
        buf[i] = 0x1000u * (u32)i + 0xab;
    u32 v1, v2;
    /* addr16: [bx+si+disp8] and [bp+di] (BP implies SS, flat here) */
    asm volatile("mov %[b], %%ebx\n\tmov $4, %%esi\n\taddr16 mov 8(%%bx,%%si), %[v1]\n\t"
                 "push %%ebp\n\tmov %[b], %%ebp\n\tmov $12, %%edi\n\taddr16 mov (%%bp,%%di), %[v2]\n\tpop %%ebp"
                 : [v1] "=&r"(v1), [v2] "=&r"(v2) : [b] "i"(LOW_BUF) : "ebx", "esi", "edi", "memory");
    u16 w;
    asm volatile("addr16 movw %c[a], %[w]" : [w] "=r"(w) : [a] "i"(LOW_BUF + 0x10) : "memory");
    rec("addr16", 3, (u32[]){v1, v2, w});
}

/* Self-modifying code: patch an immediate, then execute it (x86 requires the new bytes). */
static u8 smc_code[16] __attribute__((aligned(16)));

static void test_smc(void)
{
    static const u8 tmpl[] = {0xb8, 0x11, 0x11, 0x11, 0x11, 0xc3}; /* mov eax, imm32; ret */
    u32 results[3];
    memcpy(smc_code, tmpl, sizeof tmpl);
    for (int k = 0; k < 3; k++) {
        u32 r;
        asm volatile("call *%1" : "=a"(r) : "r"(smc_code) : "ecx", "edx", "memory");
        results[k] = r;
        *(volatile u32 *)&smc_code[1] = 0x22222222u * (u32)(k + 2);
    }
    rec("smc", 3, results);
}

static void p_single_step(void)
{
    asm volatile("pushf\n\torl $0x100, (%%esp)\n\tpopf\n\tnop\n\tnop" : : : "cc", "memory");
}

static void p_bound(void)
{
    static const s32 bounds[2] = {10, 20};
    asm volatile("mov $21, %%eax\n\tbound %%eax, %0" : : "m"(bounds) : "eax");
}

static void p_bound_ok(void)
{
    static const s32 bounds[2] = {10, 20};
    asm volatile("mov $20, %%eax\n\tbound %%eax, %0" : : "m"(bounds) : "eax");
}

static void record_trap(const char *name, void (*fn)(void))
{
    int vec = try_fault(fn);
    rec(name, 3, (u32[]){(u32)vec, vec >= 0 ? trap_err : 0, vec >= 0 ? trap_eip - (u32)fn : 0});
}

static void test_tables(void)
{
    struct __attribute__((packed)) { u16 limit; u32 base; } g, i;
    u16 tr, ldt;
    u32 msw;
    asm volatile("sgdt %0\n\tsidt %1\n\tstr %2\n\tsldt %3\n\tsmsw %4"
                 : "=m"(g), "=m"(i), "=r"(tr), "=r"(ldt), "=r"(msw));
    rec("tables", 5, (u32[]){g.limit, i.limit, tr, ldt, msw & 0x1}); /* CR0 bits beyond PE vary by loader */
}

/* ---- PIT wakes HLT ---- */
extern void irq0_entry(void);
volatile u32 irq0_count;

static void test_irq(void)
{
    set_gate(0x20, irq0_entry, 0);
    outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x01);
    outb(0xA0, 0x11); outb(0xA1, 0x28); outb(0xA1, 0x02); outb(0xA1, 0x01);
    outb(0x21, 0xFE);
    outb(0xA1, 0xFF);
    outb(0x43, 0x30);          /* channel 0, lo/hi, mode 0: one interrupt at terminal count */
    outb(0x40, 0x00);
    outb(0x40, 0x10);          /* 4096 ticks: about 3.4 ms */
    asm volatile("sti\n\thlt\n\tcli" : : : "memory");
    u32 woke = irq0_count;
    outb(0x21, 0xFF);          /* mask everything again */
    rec("irq0", 1, (u32[]){woke >= 1});
}

extern int want_tf;

void test_extra(void)
{
    group_begin("extra");
    rec_edge(1);
    test_segments();
    test_addr16();
    test_smc();
    /* kerf does not single-step yet (EFLAGS.TF never raises #DB): opt in with "tf" on the command line. */
    if (want_tf)
        record_trap("single_step", p_single_step);
    record_trap("bound", p_bound);
    record_trap("bound_ok", p_bound_ok);
    test_tables();
    test_irq();
    group_end();
}
