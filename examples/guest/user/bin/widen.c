/* widen FILE OUT: a program that keeps text in UTF-16. Reads FILE as UTF-16BE (a leading BOM
 * FE FF is skipped), holds the text both as UTF-16BE and, byte-swapped, as UTF-16LE in memory,
 * and writes OUT.be and OUT.le (each starting with its BOM). Prints only how many code units it
 * wrote (issue 13, scenario=leaks). What it does does not depend on the text's values, only on
 * its length: a slice with the text replaced by filler bytes still replays. */
#include "libc.h"

static u8 be[512];
static u8 le[512];

/* noinline, noclone: a component to slice (docs/guest.md, scenario=leaks): UTF-16BE to UTF-16LE. */
__attribute__((noinline, noclone)) static void swap_units(u8 *dst, const u8 *src, int units) {
    for (int i = 0; i < units; i++) {
        dst[2 * i] = src[2 * i + 1];
        dst[2 * i + 1] = src[2 * i];
    }
}

static int save(const char *base, const char *ext, const u8 *bom, const u8 *text, int bytes) {
    char path[128];
    snprintf(path, sizeof path, "%s.%s", base, ext);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC);
    if (fd < 0) { dprintf(2, "widen: %s: %s\n", path, strerror(fd)); return fd; }
    int r = write_all(fd, bom, 2);
    if (r >= 0) r = write_all(fd, text, bytes);
    close(fd);
    return r;
}

int main(int argc, char **argv) {
    if (argc < 3) { dprintf(2, "usage: widen FILE OUT\n"); return 2; }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) { dprintf(2, "widen: %s: %s\n", argv[1], strerror(fd)); return 1; }
    int n = read(fd, be, sizeof be);
    close(fd);
    if (n < 0) { dprintf(2, "widen: %s: %s\n", argv[1], strerror(n)); return 1; }
    int start = n >= 2 && be[0] == 0xfe && be[1] == 0xff ? 2 : 0;
    int units = (n - start) / 2;
    swap_units(le, be + start, units);
    static const u8 bom_be[2] = {0xfe, 0xff}, bom_le[2] = {0xff, 0xfe};
    if (save(argv[2], "be", bom_be, be + start, 2 * units) < 0) return 1;
    if (save(argv[2], "le", bom_le, le, 2 * units) < 0) return 1;
    printf("widen: %d UTF-16 code units, written as %s.be and %s.le\n", units, argv[2], argv[2]);
    return 0;
}
