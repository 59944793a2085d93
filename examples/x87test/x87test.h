/*
 * x87test: one source of x87 cases (cases.c) built twice, as a Multiboot guest (guest.c, boot.S:
 * COM1, an IDT with #MF) and as a host program (host.c: stdout, SIGFPE). Both print the same lines.
 */
#ifndef X87TEST_H
#define X87TEST_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned long ulong;          /* pointer-sized: 32 bits in the guest, 64 natively */

/* ---- provided by the platform (guest.c or host.c) ---- */
void out_putc(char c);
ulong cur_cs(void);
ulong cur_ds(void);
/* cputest-style console words: "verbose" prints every random case too */
extern int verbose;
/* 1 on the host: run each case until two runs agree (see run() in cases.c); 0 in the guest */
extern const int plat_retry;

/* ---- provided by cases.c ---- */
void x87_main(void);
/*
 * The platform's #MF (guest: vector 16 through CR0.NE; host: SIGFPE) reports what it saw: the
 * address of the faulting (waiting) instruction, the FPU's status and control words, opcode and
 * last instruction/operand offsets. The platform then clears the exception (guest: FNCLEX;
 * host: the status word in the signal frame) and returns, so the waiting instruction reruns.
 */
void x87_trap(ulong at, u32 sw, u32 cw, u32 fop, ulong fip, ulong fdp);

void *memset(void *d, int c, __SIZE_TYPE__ n);
void *memcpy(void *d, const void *s, __SIZE_TYPE__ n);
int memcmp(const void *a, const void *b, __SIZE_TYPE__ n);

#endif
