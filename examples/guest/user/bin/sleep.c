/* sleep SECONDS[.FRACTION] */
#include "libc.h"

int main(int argc, char **argv) {
    if (argc != 2) { dprintf(2, "usage: sleep SECONDS\n"); return 1; }
    u32 ms = 0;
    const char *s = argv[1];
    while (isdigit(*s)) ms = ms * 10 + (*s++ - '0');
    ms *= 1000;
    if (*s == '.') {
        u32 scale = 100;
        for (s++; isdigit(*s) && scale; s++, scale /= 10) ms += (*s - '0') * scale;
    }
    return msleep(ms) < 0;
}
