/*
 * Benchmark (b): memory-heavy with paging on. 32 MiB identity-mapped with 4 KiB pages; the
 * loop read-modify-writes a 4 MiB array at a 68-byte stride, wrapping around, so it crosses a
 * page every ~60 accesses and cycles through 1,024 pages (more than a TLB holds).
 */
#include "bench.h"

#define ARRAY_BASE 0x01000000u
#define ARRAY_WORDS (4u << 20) / 4
#define STRIDE 17 /* words: 68 bytes, about 60 accesses per page before the next one */

static u32 pgdir[1024] __attribute__((aligned(4096)));
static u32 pgtab[8][1024] __attribute__((aligned(4096)));

static void paging_on(void)
{
    for (u32 t = 0; t < 8; t++) {
        for (u32 i = 0; i < 1024; i++)
            pgtab[t][i] = ((t * 1024 + i) << 12) | 3;
        pgdir[t] = (u32)pgtab[t] | 3;
    }
    asm volatile("mov %0, %%cr3\n\tmov %%cr0, %%eax\n\tor $0x80000000, %%eax\n\tmov %%eax, %%cr0"
                 : : "r"(pgdir) : "eax", "memory");
}

void kmain(u32 magic, const u32 *mbi)
{
    u32 n = arg_n(magic, mbi, 2000000);
    volatile u32 *a = (volatile u32 *)ARRAY_BASE;
    paging_on();
    u32 idx = 0, sum = 0;
    for (u32 i = 0; i < n; i++) {
        u32 v = a[idx] + i;
        a[idx] = v;
        sum += v;
        idx += STRIDE;
        if (idx >= ARRAY_WORDS)
            idx -= ARRAY_WORDS;
    }
    finish("memory", sum);
}
