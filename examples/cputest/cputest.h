/* cputest: shared declarations. Every test group records cases through rec(); see lib.c. */
#ifndef CPUTEST_H
#define CPUTEST_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;

/* EFLAGS bits */
#define CF 0x001
#define PF 0x004
#define AF 0x010
#define ZF 0x040
#define SF 0x080
#define TF 0x100
#define IF 0x200
#define DF 0x400
#define OF 0x800
#define ARITH (CF | PF | AF | ZF | SF | OF)

/* Register frame built by isr_common (boot.S). */
struct frame {
    u32 es, ds;
    u32 edi, esi, ebp, esp0, ebx, edx, ecx, eax;
    u32 vec, err;
    u32 eip, cs, eflags;
    u32 uesp, uss;          /* only when coming from ring 3 */
};

/* console (COM1, polled) */
void putc(char c);
void puts(const char *s);
void puthex(u32 v, int digits);
void putdec(u32 v);

/* recording: every case goes into the group checksum; printed when edge (or verbose) */
void group_begin(const char *name);
void group_end(void);
void rec(const char *name, int n, const u32 *vals);
void rec_edge(int is_edge);           /* next cases are edge cases (printed) or random (hashed) */
void note(const char *text);          /* a free-form line, also hashed */

/* deterministic pseudo-random numbers */
u32 rnd(void);

/* edge operand values */
extern const u32 edge32[11];
#define NEDGE 11

/* expected-fault recovery: k_setjmp(trap_buf) == 0 on the way in, 1 after a fault */
extern u32 trap_buf[6];
extern volatile int trap_armed;
extern volatile u32 trap_vec, trap_err, trap_cr2, trap_eip, trap_cs;
int k_setjmp(u32 *buf) __attribute__((returns_twice));
void k_longjmp(u32 *buf, int v);
void trap_landing(void);
/* Runs fn; returns the vector it faulted with, or -1. Records vector, error code and CR2 if asked. */
int try_fault(void (*fn)(void));

void *memset(void *d, int c, unsigned n);
void *memcpy(void *d, const void *s, unsigned n);

/* descriptor tables (sys.c) */
void sys_init(void);
void set_gate(int vec, void (*handler)(void), int dpl);
extern u32 tss_esp0_stack_top;

/* port I/O */
static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }

/* test groups */
void test_arith(void);
void test_shift(void);
void test_muldiv(void);
void test_bits(void);
void test_move(void);
void test_string(void);
void test_bcd(void);
void test_stack(void);
void test_except(void);
void test_paging(void);
void test_ring3(void);
void test_extra(void);

#endif
