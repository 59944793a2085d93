/* ps: the process table through kerf_ps (syscall 500). */
#include "libc.h"

static const char *const states[] = {"unused", "embryo", "sleep", "ready", "run", "zombie"};

int main(void) {
    struct kerf_proc_info p[32];
    int n = kerf_ps(p, 32);
    if (n < 0) { dprintf(2, "ps: %s\n", strerror(n)); return 1; }
    printf("  PID  PPID STATE  NAME\n");
    for (int i = 0; i < n && i < 32; i++)
        printf("%5u %5u %-6s %s\n", p[i].pid, p[i].ppid, p[i].state < 6 ? states[p[i].state] : "?",
               p[i].name);
    return 0;
}
