/* cat [FILE...]: copies files (or standard input) to standard output. */
#include "libc.h"

static int copy(int fd) {
    char buf[1024];
    int r;
    while ((r = read(fd, buf, sizeof buf)) > 0)
        if (write_all(1, buf, r) < 0) return 1;
    return r < 0;
}

int main(int argc, char **argv) {
    if (argc < 2) return copy(0);
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) { dprintf(2, "cat: %s: %s\n", argv[i], strerror(fd)); bad = 1; continue; }
        bad |= copy(fd);
        close(fd);
    }
    return bad;
}
