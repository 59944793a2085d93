/* Benchmark (a): a tight integer loop, no paging, no interrupts. */
#include "bench.h"

void kmain(u32 magic, const u32 *mbi)
{
    u32 n = arg_n(magic, mbi, 10000000);
    finish("loop", int_loop(n));
}
