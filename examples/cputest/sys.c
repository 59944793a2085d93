/* GDT (flat ring 0 and ring 3 segments, a TSS), IDT, and the INT 0x80 handler. */
#include "cputest.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS 0x28

static u64 gdt[7];
static u64 idt[256];
static u32 tss[26];
static u8 trap_stack[8192] __attribute__((aligned(16)));

extern void isr0(void), isr1(void), isr2(void), isr3(void), isr4(void), isr5(void), isr6(void),
    isr7(void), isr8(void), isr9(void), isr10(void), isr11(void), isr12(void), isr13(void),
    isr14(void), isr15(void), isr16(void), isr17(void), isr18(void), isr19(void), isr128(void);

static u64 seg_desc(u32 base, u32 limit, u32 access, u32 gran)
{
    u64 d = (limit & 0xffff) | ((u64)(base & 0xffffff) << 16);
    d |= (u64)access << 40;
    d |= (u64)((limit >> 16) & 0xf) << 48;
    d |= (u64)gran << 52;
    d |= (u64)(base >> 24) << 56;
    return d;
}

void set_gate(int vec, void (*handler)(void), int dpl)
{
    u32 off = (u32)handler;
    u32 lo = (SEL_KCODE << 16) | (off & 0xffff);
    u32 hi = (off & 0xffff0000) | 0x8e00 | ((u32)dpl << 13);
    idt[vec] = ((u64)hi << 32) | lo;
}

void sys_init(void)
{
    gdt[0] = 0;
    gdt[1] = seg_desc(0, 0xfffff, 0x9a, 0xc);   /* ring 0 code */
    gdt[2] = seg_desc(0, 0xfffff, 0x92, 0xc);   /* ring 0 data */
    gdt[3] = seg_desc(0, 0xfffff, 0xfa, 0xc);   /* ring 3 code */
    gdt[4] = seg_desc(0, 0xfffff, 0xf2, 0xc);   /* ring 3 data */
    gdt[5] = seg_desc((u32)tss, sizeof tss - 1, 0x89, 0x0);
    gdt[6] = seg_desc(0x00123000, 0xfff, 0x92, 0x4);  /* data, base 0x123000, 4 KiB, byte granular */
    tss[1] = (u32)(trap_stack + sizeof trap_stack);   /* esp0 */
    tss[2] = SEL_KDATA;                               /* ss0 */
    tss[25] = (u32)sizeof tss << 16;                  /* I/O map base past the limit: no bitmap */

    struct __attribute__((packed)) { u16 limit; u32 base; } gdtr = {sizeof gdt - 1, (u32)gdt};
    asm volatile("lgdt %0\n\t"
                 "ljmp $0x08, $1f\n1:\n\t"
                 "mov $0x10, %%ax\n\tmov %%ax, %%ds\n\tmov %%ax, %%es\n\tmov %%ax, %%fs\n\t"
                 "mov %%ax, %%gs\n\tmov %%ax, %%ss"
                 : : "m"(gdtr) : "eax", "memory");
    asm volatile("ltr %w0" : : "r"(SEL_TSS));

    void (*const vecs[20])(void) = {isr0, isr1, isr2, isr3, isr4, isr5, isr6, isr7, isr8, isr9,
                                     isr10, isr11, isr12, isr13, isr14, isr15, isr16, isr17, isr18, isr19};
    for (int i = 0; i < 20; i++)
        set_gate(i, vecs[i], 0);
    set_gate(3, isr3, 3);            /* INT3 and INTO allowed from ring 3 */
    set_gate(4, isr4, 3);
    set_gate(0x80, isr128, 3);       /* system call gate */
    set_gate(0x81, isr128, 0);       /* ring 3 INT 0x81: #GP(0x81*8+2) */
    set_gate(0x83, isr128, 0);
    idt[0x83] &= ~(1ull << 47);      /* not present: INT 0x83 raises #NP(0x83*8+2) */
    struct __attribute__((packed)) { u16 limit; u32 base; } idtr = {sizeof idt - 1, (u32)idt};
    asm volatile("lidt %0" : : "m"(idtr));
}

/* INT 0x80: EAX=1 echoes its arguments and returns EBX+ECX; EAX=2 records a ring-3 result. */
void syscall_handler(struct frame *f)
{
    if (f->eax == 2) {
        rec("user", 3, (u32[]){f->ebx, f->ecx, f->edx});
        return;
    }
    rec("syscall", 5, (u32[]){f->eax, f->ebx, f->ecx, f->cs & 3, f->eflags & (IF | 0x3000)});
    f->eax = f->ebx + f->ecx;
}
