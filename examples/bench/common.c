/* Console, command line, descriptor tables and the shared integer loop. */
#include "bench.h"

volatile u32 ticks;
extern void irq0_stub(void);
extern void ignore_stub(void);

static u64 gdt[3] = {0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull};
static u64 idt[256];

void puts(const char *s)
{
    for (; *s; s++) {
        while (!(inb(0x3FD) & 0x20))
            ;
        outb(0x3F8, (u8)*s);
    }
}

void puthex(u32 v)
{
    char b[9];
    for (int i = 0; i < 8; i++)
        b[i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
    b[8] = 0;
    puts(b);
}

u32 arg_n(u32 magic, const u32 *mbi, u32 fallback)
{
    if (magic != 0x2BADB002 || !(mbi[0] & 4) || !mbi[4])
        return fallback;
    const char *s = (const char *)mbi[4];
    for (; *s; s++) {
        if (s[0] == 'n' && s[1] == '=') {
            u32 v = 0;
            for (s += 2; *s >= '0' && *s <= '9'; s++)
                v = v * 10 + (u32)(*s - '0');
            return v;
        }
    }
    return fallback;
}

void finish(const char *name, u32 result)
{
    puts(name);
    puts(" done ");
    puthex(result);
    puts("\n");
    outb(0xF4, 0);
}

static u64 gate(void (*fn)(void))
{
    u32 off = (u32)fn;
    return ((u64)((off & 0xffff0000) | 0x8e00) << 32) | (0x08u << 16) | (off & 0xffff);
}

void gdt_idt_init(void)
{
    struct __attribute__((packed)) { u16 limit; u32 base; } gdtr = {sizeof gdt - 1, (u32)gdt}, idtr;
    asm volatile("lgdt %0\n\tljmp $0x08, $1f\n1:\n\tmov $0x10, %%ax\n\tmov %%ax, %%ds\n\tmov %%ax, %%es\n\t"
                 "mov %%ax, %%ss\n\tmov %%ax, %%fs\n\tmov %%ax, %%gs" : : "m"(gdtr) : "eax", "memory");
    for (int i = 0x20; i < 0x30; i++)
        idt[i] = gate(ignore_stub);
    idt[0x20] = gate(irq0_stub);
    idtr.limit = sizeof idt - 1;
    idtr.base = (u32)idt;
    asm volatile("lidt %0" : : "m"(idtr));
}

/* Seven instructions per round: the classic "tight integer loop". */
u32 int_loop(u32 n)
{
    u32 a = 1, b = 0x9e3779b9;
    asm volatile("test %[n], %[n]\n\tjz 2f\n"
                 "1:\n\t"
                 "add %[b], %[a]\n\t"
                 "xor %[n], %[b]\n\t"
                 "rol $5, %[a]\n\t"
                 "lea 7(%[a],%[b],2), %[b]\n\t"
                 "sub $1, %[n]\n\t"
                 "jnz 1b\n"
                 "2:"
                 : [a] "+r"(a), [b] "+r"(b), [n] "+r"(n) : : "cc");
    return a ^ b;
}
