/* ps [-l]: the process table through kerf_ps (syscall 500). The state column (-l) shows
 * the scheduler's view at that instant, which depends on timer timing; the default output
 * leaves it out so scenario output stays identical on every machine. */
#include "libc.h"

static const char *const states[] = {"unused", "embryo", "sleep", "ready", "run", "zombie"};

int main(int argc, char **argv) {
    int longfmt = argc > 1 && !strcmp(argv[1], "-l");
    struct kerf_proc_info p[32];
    int n = kerf_ps(p, 32);
    if (n < 0) { dprintf(2, "ps: %s\n", strerror(n)); return 1; }
    printf(longfmt ? "  PID  PPID STATE  NAME\n" : "  PID  PPID NAME\n");
    for (int i = 0; i < n && i < 32; i++) {
        if (longfmt)
            printf("%5u %5u %-6s %s\n", p[i].pid, p[i].ppid,
                   p[i].state < 6 ? states[p[i].state] : "?", p[i].name);
        else
            printf("%5u %5u %s\n", p[i].pid, p[i].ppid, p[i].name);
    }
    return 0;
}
