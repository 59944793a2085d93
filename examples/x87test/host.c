/*
 * x87test on the host: the same cases (cases.c) on the real FPU, printed to stdout. An unmasked
 * exception raises SIGFPE at the waiting instruction; the handler reports what the signal frame
 * holds and clears the exception there (as the guest's #MF handler does with FNCLEX), so the
 * instruction reruns when the handler returns. Built as x86-64 with -mno-red-zone (the cases call
 * their stubs from inline asm) or with -m32 where the host runs 32-bit programs.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include "x87test.h"

const int plat_retry = 1;

void out_putc(char c) { putchar(c); }

ulong cur_cs(void) { unsigned short v; asm("mov %%cs,%0" : "=r"(v)); return v; }
ulong cur_ds(void) { unsigned short v; asm("mov %%ds,%0" : "=r"(v)); return v; }

static void on_sigfpe(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    (void)sig; (void)si;
#ifdef __x86_64__
    struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
    x87_trap((ulong)uc->uc_mcontext.gregs[REG_RIP], fp->swd, fp->cwd, fp->fop, fp->rip, fp->rdp);
    fp->swd &= (unsigned short)~0x80ff;          /* FNCLEX: the six flags, SF, ES, B */
#else
    struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;   /* the FNSAVE-layout header the kernel converts back */
    x87_trap((ulong)uc->uc_mcontext.gregs[REG_EIP], fp->sw & 0xffff, fp->cw & 0xffff, fp->cssel >> 16 & 0x7ff,
             fp->ipoff, fp->dataoff);
    fp->sw &= ~0x80ffUL;
#endif
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigfpe;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, 0);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "verbose")) verbose = 1;
    x87_main();
    fflush(stdout);
    return 0;
}
