/*
 * Benchmark (c): the integer loop while the PIT interrupts at 1 kHz (PIC remapped to 0x20,
 * IRQ0 handler counts ticks). The tick count depends on the clock, so it is not printed.
 */
#include "bench.h"

extern volatile u32 ticks;

static void pic_init(void)
{
    outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x01);
    outb(0xA0, 0x11); outb(0xA1, 0x28); outb(0xA1, 0x02); outb(0xA1, 0x01);
    outb(0x21, 0xFE); /* only IRQ0 */
    outb(0xA1, 0xFF);
}

static void pit_1khz(void)
{
    u32 divisor = 1193; /* 1193182 Hz / 1193 = 1000.15 Hz */
    outb(0x43, 0x34);   /* channel 0, lo/hi, mode 2 (rate generator) */
    outb(0x40, (u8)divisor);
    outb(0x40, (u8)(divisor >> 8));
}

void kmain(u32 magic, const u32 *mbi)
{
    u32 n = arg_n(magic, mbi, 10000000);
    gdt_idt_init();
    pic_init();
    pit_1khz();
    asm volatile("sti");
    u32 r = 0;
    /* chunks, so the loop is interrupted inside int_loop and between calls alike */
    for (u32 done = 0; done < n; done += 100000)
        r ^= int_loop(n - done < 100000 ? n - done : 100000);
    asm volatile("cli");
    finish("pit", r ^ (ticks > 0));
}
