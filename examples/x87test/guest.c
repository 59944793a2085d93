/*
 * x87test as a Multiboot guest: COM1 output, a flat GDT, an IDT whose vector 16 (#MF, with
 * CR0.NE set) reports the x87 state to cases.c and clears the exception with FNCLEX before
 * returning to the waiting instruction, which then reruns. Any other exception is fatal.
 */
#include "x87test.h"

#define COM1 0x3F8

struct frame {
    u32 edi, esi, ebp, esp0, ebx, edx, ecx, eax;
    u32 vec, err;
    u32 eip, cs, eflags;
};

static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }

void out_putc(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (u8)c);
}

ulong cur_cs(void) { u32 v; asm("mov %%cs,%0" : "=r"(v)); return v & 0xffff; }
ulong cur_ds(void) { u32 v; asm("mov %%ds,%0" : "=r"(v)); return v & 0xffff; }

static void puts_(const char *s) { while (*s) out_putc(*s++); }
static void puthex(u32 v) { for (int i = 7; i >= 0; i--) out_putc("0123456789abcdef"[(v >> (i * 4)) & 15]); }

void isr_dispatch(struct frame *f)
{
    if (f->vec == 16) {
        u8 env[28];
        asm volatile("fnstenv %0" : "=m"(env));
        u32 cw = env[0] | env[1] << 8, sw = env[4] | env[5] << 8;
        u32 fop = (env[18] | env[19] << 8) & 0x7ff;
        u32 fip = env[12] | env[13] << 8 | env[14] << 16 | (u32)env[15] << 24;
        u32 fdp = env[20] | env[21] << 8 | env[22] << 16 | (u32)env[23] << 24;
        x87_trap(f->eip, sw, cw, fop, fip, fdp);
        /* FNSTENV masked everything: clear the exception, then restore the control word */
        u16 cw16 = (u16)cw;
        asm volatile("fnclex\n\tfldcw %0" : : "m"(cw16));
        return;
    }
    puts_("UNEXPECTED EXCEPTION vec=");
    puthex(f->vec);
    puts_(" err=");
    puthex(f->err);
    puts_(" eip=");
    puthex(f->eip);
    out_putc('\n');
    outb(0xF4, 0x7f);
    for (;;)
        asm volatile("cli; hlt");
}

static u64 gdt[3];
static u64 idt[32];

static u64 seg_desc(u32 access)
{
    return 0xffff | (u64)access << 40 | (u64)0xcf << 48;   /* base 0, limit 4 GiB, 32-bit */
}

static void sys_init(void)
{
    gdt[1] = seg_desc(0x9a);
    gdt[2] = seg_desc(0x92);
    struct __attribute__((packed)) { u16 limit; u32 base; } gdtr = {sizeof gdt - 1, (u32)gdt};
    asm volatile("lgdt %0\n\t"
                 "ljmp $0x08, $1f\n1:\n\t"
                 "mov $0x10, %%ax\n\tmov %%ax, %%ds\n\tmov %%ax, %%es\n\tmov %%ax, %%fs\n\t"
                 "mov %%ax, %%gs\n\tmov %%ax, %%ss"
                 : : "m"(gdtr) : "eax", "memory");
    extern char isr0[], isr1[], isr2[], isr3[], isr4[], isr5[], isr6[], isr7[], isr8[], isr9[], isr10[],
        isr11[], isr12[], isr13[], isr14[], isr15[], isr16[], isr17[], isr18[], isr19[];
    char *const vecs[20] = {isr0, isr1, isr2, isr3, isr4, isr5, isr6, isr7, isr8, isr9,
                            isr10, isr11, isr12, isr13, isr14, isr15, isr16, isr17, isr18, isr19};
    for (int i = 0; i < 20; i++) {
        u32 off = (u32)vecs[i];
        idt[i] = (u64)((off & 0xffff0000) | 0x8e00) << 32 | 0x08 << 16 | (off & 0xffff);
    }
    struct __attribute__((packed)) { u16 limit; u32 base; } idtr = {sizeof idt - 1, (u32)idt};
    asm volatile("lidt %0" : : "m"(idtr));
    /* CR0: MP and NE set (#MF on a pending unmasked exception), EM and TS clear */
    u32 cr0;
    asm volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 | 0x22) & ~0xcu;
    asm volatile("mov %0, %%cr0" : : "r"(cr0));
    asm volatile("fninit");
}

/* True when w appears in s as a whole space-separated word. */
static int has_word(const char *s, const char *w)
{
    int at_start = 1;
    for (; *s; s++) {
        if (at_start) {
            const char *p = s, *q = w;
            while (*q && *p == *q)
                p++, q++;
            if (!*q && (*p == 0 || *p == ' '))
                return 1;
        }
        at_start = *s == ' ';
    }
    return 0;
}

void kmain(u32 magic, u32 *mbi)
{
    if (magic == 0x2BADB002 && (mbi[0] & 4) && mbi[4])
        verbose = has_word((const char *)mbi[4], "verbose");
    sys_init();
    x87_main();
    outb(0xF4, 0);
}

const int plat_retry = 0;

int memcmp(const void *a, const void *b, __SIZE_TYPE__ n)
{
    const u8 *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q) return *p - *q;
    return 0;
}

void *memset(void *d, int c, __SIZE_TYPE__ n) { u8 *p = d; while (n--) *p++ = (u8)c; return d; }
void *memcpy(void *d, const void *s, __SIZE_TYPE__ n) { u8 *p = d; const u8 *q = s; while (n--) *p++ = *q++; return d; }
