/* cputest entry: runs every group, prints a final checksum, exits through port 0xF4. */
#include "cputest.h"

extern int verbose;
int want_tf;
u32 all_checksum(void);

/* True when w appears in s as a whole space-separated word. */
static int has_word(const char *s, const char *w)
{
    int at_start = 1;
    for (; *s; s++) {
        if (at_start) {
            const char *p = s, *q = w;
            while (*q && *p == *q)
                p++, q++;
            if (!*q && (*p == 0 || *p == ' '))
                return 1;
        }
        at_start = *s == ' ';
    }
    return 0;
}

void kmain(u32 magic, u32 *mbi)
{
    if (magic == 0x2BADB002 && (mbi[0] & 4) && mbi[4]) {
        verbose = has_word((const char *)mbi[4], "verbose");
        want_tf = has_word((const char *)mbi[4], "tf");
    }
    puts("cputest: start\n");
    sys_init();
    test_arith();
    test_shift();
    test_muldiv();
    test_bits();
    test_move();
    test_string();
    test_bcd();
    test_stack();
    test_except();
    test_extra();
    test_paging();
    test_ring3();
    puts("cputest: done checksum=");
    puthex(all_checksum(), 8);
    putc('\n');
    outb(0xF4, 0);
}
