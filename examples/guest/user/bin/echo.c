/* echo [-n] ARGS... */
#include "libc.h"

int main(int argc, char **argv) {
    int i = 1, newline = 1;
    if (argc > 1 && !strcmp(argv[1], "-n")) newline = 0, i++;
    char buf[512];
    int n = 0;
    for (; i < argc; i++) {
        n += snprintf(buf + n, sizeof buf - n, "%s%s", argv[i], i + 1 < argc ? " " : "");
        if (n >= (int)sizeof buf - 2) n = sizeof buf - 2;
    }
    if (newline) buf[n++] = '\n';
    return write_all(1, buf, n) < 0;
}
