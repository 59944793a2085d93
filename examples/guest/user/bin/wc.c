/* wc [FILE...]: lines, words, bytes. */
#include "libc.h"

static int count(int fd, const char *name) {
    char buf[1024];
    u32 lines = 0, words = 0, bytes = 0;
    int in_word = 0, r;
    while ((r = read(fd, buf, sizeof buf)) > 0) {
        for (int i = 0; i < r; i++) {
            if (buf[i] == '\n') lines++;
            if (isspace(buf[i])) in_word = 0;
            else if (!in_word) { in_word = 1; words++; }
        }
        bytes += r;
    }
    if (name) printf("%7u %7u %7u %s\n", lines, words, bytes, name);
    else printf("%7u %7u %7u\n", lines, words, bytes);
    return r < 0;
}

int main(int argc, char **argv) {
    if (argc < 2) return count(0, NULL);
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) { dprintf(2, "wc: %s: %s\n", argv[i], strerror(fd)); bad = 1; continue; }
        bad |= count(fd, argv[i]);
        close(fd);
    }
    return bad;
}
