/* kill PID [SIGNAL]: ends a process (default signal 15). */
#include "libc.h"

int main(int argc, char **argv) {
    if (argc < 2) { dprintf(2, "usage: kill PID [SIGNAL]\n"); return 2; }
    int r = kill(atoi(argv[1]), argc > 2 ? atoi(argv[2]) : 15);
    if (r < 0) { dprintf(2, "kill: %s: %s\n", argv[1], r == -ESRCH ? "no such process" : strerror(r)); return 1; }
    return 0;
}
