/* Console, case recording and checksums, the LCG, and expected-fault recovery. */
#include "cputest.h"

#define COM1 0x3F8

int verbose;
static int print_cases = 1;
static const char *group_name;
static u32 group_sum, group_cases, all_sum;
static u32 lcg_state = 0x12345678;

const u32 edge32[NEDGE] = {0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff};

void putc(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (u8)c);
}

void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

void puthex(u32 v, int digits)
{
    for (int i = digits - 1; i >= 0; i--)
        putc("0123456789abcdef"[(v >> (i * 4)) & 15]);
}

/* Hex without leading zeros: keeps the case lines short. */
static void puthex_min(u32 v)
{
    int d = 8;
    while (d > 1 && !(v >> ((d - 1) * 4)))
        d--;
    puthex(v, d);
}

void putdec(u32 v)
{
    char buf[12];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        putc(buf[--n]);
}

/* FNV-1a over the bytes of one word. */
static u32 fnv(u32 h, u32 v)
{
    for (int i = 0; i < 4; i++) {
        h ^= (v >> (i * 8)) & 0xff;
        h *= 16777619u;
    }
    return h;
}

static u32 fnv_str(u32 h, const char *s)
{
    while (*s) {
        h ^= (u8)*s++;
        h *= 16777619u;
    }
    return h;
}

void group_begin(const char *name)
{
    group_name = name;
    group_sum = 2166136261u;
    group_cases = 0;
    print_cases = 1;
    puts("== ");
    puts(name);
    putc('\n');
}

void group_end(void)
{
    puts("== ");
    puts(group_name);
    puts(" cases=");
    putdec(group_cases);
    puts(" sum=");
    puthex(group_sum, 8);
    putc('\n');
    all_sum = fnv(all_sum, group_sum);
}

void rec_edge(int is_edge)
{
    print_cases = is_edge || verbose;
}

void rec(const char *name, int n, const u32 *vals)
{
    group_cases++;
    group_sum = fnv_str(group_sum, name);
    for (int i = 0; i < n; i++)
        group_sum = fnv(group_sum, vals[i]);
    if (!print_cases)
        return;
    puts(name);
    for (int i = 0; i < n; i++) {
        putc(' ');
        puthex_min(vals[i]);
    }
    putc('\n');
}

void note(const char *text)
{
    group_sum = fnv_str(group_sum, text);
    puts(text);
    putc('\n');
}

u32 all_checksum(void)
{
    return all_sum;
}

u32 rnd(void)
{
    /* Numerical Recipes LCG; the high half is the better half, so mix two steps. */
    lcg_state = lcg_state * 1664525u + 1013904223u;
    u32 hi = lcg_state >> 16;
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return (hi << 16) | (lcg_state >> 16);
}

void *memset(void *d, int c, unsigned n)
{
    u8 *p = d;
    while (n--)
        *p++ = (u8)c;
    return d;
}

void *memcpy(void *d, const void *s, unsigned n)
{
    u8 *p = d;
    const u8 *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

/* ---- expected faults ---- */
u32 trap_buf[6];
volatile int trap_armed;
volatile u32 trap_vec, trap_err, trap_cr2, trap_eip, trap_cs;

int try_fault(void (*fn)(void))
{
    trap_vec = 0xffffffff;
    if (k_setjmp(trap_buf) == 0) {
        trap_armed = 1;
        fn();
        trap_armed = 0;
        return -1;
    }
    return (int)trap_vec;
}

extern void syscall_handler(struct frame *f);

void isr_dispatch(struct frame *f)
{
    if (f->vec == 128) {
        syscall_handler(f);
        return;
    }
    if (!trap_armed) {
        puts("UNEXPECTED EXCEPTION vec=");
        puthex(f->vec, 2);
        puts(" err=");
        puthex(f->err, 8);
        puts(" eip=");
        puthex(f->eip, 8);
        putc('\n');
        outb(0xF4, 0x7f);
        for (;;)
            asm volatile("cli; hlt");
    }
    u32 cr2;
    asm volatile("mov %%cr2, %0" : "=r"(cr2));
    trap_armed = 0;
    trap_vec = f->vec;
    trap_err = f->err;
    trap_cr2 = cr2;
    trap_eip = f->eip;
    trap_cs = f->cs;
    /* Resume in ring 0 at trap_landing, which longjmps back into try_fault. */
    f->eip = (u32)trap_landing;
    f->cs = 0x08;
    f->eflags = 0x2;
    f->ds = 0x10;
    f->es = 0x10;
}
