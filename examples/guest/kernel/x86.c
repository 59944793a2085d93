/* Descriptor tables, 8259 PICs, 8254 PIT, the trap dispatcher and the CMOS clock. */
#include "kernel.h"

struct tss {
    u32 link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    u32 eax, ecx, edx, ebx, esp, ebp, esi, edi;
    u32 es, cs, ss, ds, fs, gs, ldt;
    u16 trap, iomap;
};

static u64 gdt[6];
static u64 idt[256];
static struct tss tss;
volatile u32 ticks;

static u64 seg(u32 base, u32 limit, u32 access, u32 flags) {
    return (u64)(limit & 0xFFFF) | ((u64)(base & 0xFFFFFF) << 16) | ((u64)access << 40) |
           ((u64)((limit >> 16) & 0xF) << 48) | ((u64)flags << 52) | ((u64)(base >> 24) << 56);
}

static void set_gate(int n, void (*h)(void), int dpl) {
    u32 a = (u32)h;
    /* 32-bit interrupt gate: IF is cleared on entry, so the kernel runs with interrupts off. */
    idt[n] = (u64)(a & 0xFFFF) | ((u64)0x08 << 16) | ((u64)(0x8E | (dpl << 5)) << 40) |
             ((u64)(a >> 16) << 48);
}

struct dtr { u16 limit; u32 base; } __attribute__((packed));

#define X(n) extern void isr##n(void);
X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
X(16) X(17) X(18) X(19) X(32) X(33) X(34) X(35) X(36) X(37) X(38) X(39) X(40) X(41)
X(42) X(43) X(44) X(45) X(46) X(47) X(128)
#undef X

static void pic_init(void) {
    outb(0x20, 0x11); outb(0xA0, 0x11);      /* ICW1: edge, cascade, ICW4 */
    outb(0x21, 0x20); outb(0xA1, 0x28);      /* vectors 0x20..0x2F */
    outb(0x21, 0x04); outb(0xA1, 0x02);      /* cascade on IRQ2 */
    outb(0x21, 0x01); outb(0xA1, 0x01);      /* 8086 mode */
    outb(0x21, ~((1 << 0) | (1 << 2) | (1 << 4)) & 0xFF);   /* timer, cascade, COM1 */
    outb(0xA1, ~(1 << 1) & 0xFF);                           /* IRQ9: NE2000 */
}

void pic_eoi(int irq) {
    if (irq >= 8) outb(0xA0, 0x20);
    outb(0x20, 0x20);
}

static void pit_init(void) {
    outb(0x43, 0x34);                 /* channel 0, lo/hi, mode 2 */
    outb(0x40, 11932 & 0xFF);         /* 1193182 Hz / 11932 = 100 Hz */
    outb(0x40, 11932 >> 8);
}

void cpu_init(void) {
    gdt[0] = 0;
    gdt[1] = seg(0, 0xFFFFF, 0x9A, 0xC);   /* 0x08 kernel code */
    gdt[2] = seg(0, 0xFFFFF, 0x92, 0xC);   /* 0x10 kernel data */
    gdt[3] = seg(0, 0xFFFFF, 0xFA, 0xC);   /* 0x1B user code */
    gdt[4] = seg(0, 0xFFFFF, 0xF2, 0xC);   /* 0x23 user data */
    gdt[5] = seg((u32)&tss, sizeof tss - 1, 0x89, 0x0);   /* 0x28 TSS */
    tss.ss0 = 0x10;
    tss.iomap = sizeof tss;           /* no I/O bitmap: ring 3 gets #GP on IN/OUT */
    struct dtr g = {sizeof gdt - 1, (u32)gdt};
    __asm__ volatile("lgdt %0\n"
                     "ljmp $0x08, $1f\n"
                     "1: movw $0x10, %%ax\n"
                     "movw %%ax, %%ds\n movw %%ax, %%es\n movw %%ax, %%fs\n"
                     "movw %%ax, %%gs\n movw %%ax, %%ss\n"
                     "movw $0x28, %%ax\n ltr %%ax" ::"m"(g) : "eax", "memory");
    void (*exc[20])(void) = {isr0, isr1, isr2, isr3, isr4, isr5, isr6, isr7, isr8, isr9,
                             isr10, isr11, isr12, isr13, isr14, isr15, isr16, isr17, isr18, isr19};
    for (int i = 0; i < 20; i++) set_gate(i, exc[i], i == 3 ? 3 : 0);
    void (*irq[16])(void) = {isr32, isr33, isr34, isr35, isr36, isr37, isr38, isr39,
                             isr40, isr41, isr42, isr43, isr44, isr45, isr46, isr47};
    for (int i = 0; i < 16; i++) set_gate(32 + i, irq[i], 0);
    set_gate(0x80, isr128, 3);
    struct dtr d = {sizeof idt - 1, (u32)idt};
    __asm__ volatile("lidt %0" ::"m"(d));
    pic_init();
    pit_init();
}

void tss_set_esp0(u32 esp0) { tss.esp0 = esp0; }

static const char *const fault_names[20] = {
    "divide error", "debug trap", "nmi", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault", "coprocessor overrun",
    "invalid tss", "segment not present", "stack fault", "general protection fault",
    "page fault", "reserved", "x87 error", "alignment check", "machine check", "simd error"};

static const u8 fault_signal[20] = {8, 5, 0, 5, 11, 11, 4, 8, 0, 11, 11, 7, 11, 11, 11, 11, 8, 7, 0, 8};

static void kernel_fault(struct trapframe *tf) {
    kprintf("kernel fault: %s (vector %u, error %x) at eip %p, cr2 %p\n",
            tf->trapno < 20 ? fault_names[tf->trapno] : "?", tf->trapno, tf->err, tf->eip, rcr2());
    panic("unexpected exception in kernel mode");
}

void trap(struct trapframe *tf) {
    int from_user = (tf->cs & 3) == 3;
    if (tf->trapno == 0x80) {
        syscall(tf);
    } else if (tf->trapno >= 32 && tf->trapno < 48) {
        int irq = tf->trapno - 32;
        if (irq == 7 || irq == 15) {           /* spurious: no EOI for 7, master only for 15 */
            if (irq == 15) outb(0x20, 0x20);
            return;
        }
        pic_eoi(irq);
        if (irq == 0) timer_tick();
        else if (irq == 4) serial_irq();
        else if (irq == 9) ne2k_irq();
        if (irq == 0 && from_user && current && current->state == P_RUNNING) yield();
    } else if (!from_user) {
        kernel_fault(tf);
    } else if (tf->trapno == 14) {
        u32 addr = rcr2();
        if (grow_stack(addr) == 0) return;
        user_fault(tf, "page fault", 11, 1);
    } else {
        user_fault(tf, tf->trapno < 20 ? fault_names[tf->trapno] : "unknown trap",
                   tf->trapno < 20 && fault_signal[tf->trapno] ? fault_signal[tf->trapno] : 11, 0);
    }
    if (from_user && current && current->killed) do_exit(current->killed);
}

/* ---- CMOS real-time clock ---- */
static u8 cmos(u8 reg) { outb(0x70, reg); return inb(0x71); }
static u32 bcd(u32 v, int is_bcd) { return is_bcd ? (v & 15) + (v >> 4) * 10 : v; }

static u32 days_from_civil(u32 y, u32 m, u32 d) {
    y -= m <= 2;
    u32 era = y / 400, yoe = y - era * 400;
    u32 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    u32 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

u32 rtc_time(void) {
    for (int i = 0; i < 100000 && (cmos(0x0A) & 0x80); i++) {}   /* update in progress */
    u8 b = cmos(0x0B);
    int is_bcd = !(b & 4);
    u32 s = bcd(cmos(0), is_bcd), mi = bcd(cmos(2), is_bcd), h = cmos(4);
    int pm = h & 0x80;
    h = bcd(h & 0x7F, is_bcd);
    if (!(b & 2)) h = (h % 12) + (pm ? 12 : 0);
    u32 d = bcd(cmos(7), is_bcd), mo = bcd(cmos(8), is_bcd), y = bcd(cmos(9), is_bcd) + 2000;
    return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}
