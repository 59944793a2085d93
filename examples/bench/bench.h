/* Shared pieces of the benchmark guests. */
#ifndef BENCH_H
#define BENCH_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }

void puts(const char *s);
void puthex(u32 v);
/* The number after "n=" on the Multiboot command line, or fallback. */
u32 arg_n(u32 magic, const u32 *mbi, u32 fallback);
/* Prints "NAME done RESULT" and exits through port 0xF4 with status 0 (QEMU: exit code 1). */
void finish(const char *name, u32 result);
/* Loads a flat GDT and an IDT whose vector 0x20 calls irq0_handler (boot.S). */
void gdt_idt_init(void);

/* The workload every kernel shares: N rounds of a small integer loop body. */
u32 int_loop(u32 n);

#endif
