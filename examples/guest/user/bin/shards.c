/* shards FILE OUT: rebuilds a secret from its pieces. FILE holds lines "INDEX:PIECE" in any
 * order (INDEX 0-15, '#' lines are comments); the pieces joined in index order are the secret,
 * which it writes to OUT and to standard output: a program that leaks what it assembled.
 * The whole secret is never in FILE, so it exists only in this process's memory and in what it
 * writes (issue 13, scenario=leaks). */
#include "libc.h"

#define MAX_PIECES 16

static char text[1024];
static char *piece[MAX_PIECES];
static char secret[256];

/* noinline, noclone: a component to slice (docs/guest.md, scenario=leaks). Returns the length, or -1
 * when a piece is missing or the result does not fit. */
__attribute__((noinline, noclone)) static int join_pieces(char *out, int max, char **pieces, int n) {
    int len = 0;
    for (int i = 0; i < n; i++) {
        if (!pieces[i]) return -1;
        for (const char *p = pieces[i]; *p; p++) {
            if (len + 1 >= max) return -1;
            out[len++] = *p;
        }
    }
    out[len] = 0;
    return len;
}

int main(int argc, char **argv) {
    if (argc < 3) { dprintf(2, "usage: shards FILE OUT\n"); return 2; }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) { dprintf(2, "shards: %s: %s\n", argv[1], strerror(fd)); return 1; }
    int size = read(fd, text, sizeof text - 1);
    close(fd);
    if (size < 0) { dprintf(2, "shards: %s: %s\n", argv[1], strerror(size)); return 1; }
    text[size] = 0;
    int count = 0, pieces = 0;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = 0;
        char *colon = strchr(line, ':');
        if (line[0] != '#' && colon && isdigit(line[0])) {
            int index = atoi(line);
            if (index < MAX_PIECES) {
                piece[index] = colon + 1;
                if (index + 1 > count) count = index + 1;
                pieces++;
            }
        }
        if (!nl) break;
        line = nl + 1;
    }
    int len = join_pieces(secret, sizeof secret, piece, count);
    if (len < 0) { dprintf(2, "shards: %s: a piece is missing\n", argv[1]); return 1; }
    int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC);
    if (out < 0) { dprintf(2, "shards: %s: %s\n", argv[2], strerror(out)); return 1; }
    write_all(out, secret, len);
    close(out);
    printf("shards: %d pieces make %d bytes: %s\n", pieces, len, secret);
    return 0;
}
