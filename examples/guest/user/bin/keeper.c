/* keeper OUT: stores what arrives on standard input in OUT (a few bytes per read), then logs
 * it on standard output: the receiving end of courier's pipe (issue 13, scenario=leaks). */
#include "libc.h"

int main(int argc, char **argv) {
    if (argc < 2) { dprintf(2, "usage: keeper OUT\n"); return 2; }
    int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC);
    if (out < 0) { dprintf(2, "keeper: %s: %s\n", argv[1], strerror(out)); return 1; }
    char got[256];
    int len = 0, reads = 0, r;
    char buf[8];
    while ((r = read(0, buf, sizeof buf)) > 0) {
        reads++;
        write_all(out, buf, r);
        for (int i = 0; i < r && len < (int)sizeof got - 1; i++) got[len++] = buf[i];
    }
    close(out);
    got[len] = 0;
    printf("keeper: stored %d bytes in %s: %s\n", len, argv[1], got);
    return r < 0;
}
