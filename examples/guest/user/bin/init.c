/* pid 1: runs the scenario named on the kernel command line (scenario=NAME), or an
 * interactive shell. Its exit status becomes the machine's (port 0xF4). */
#include "libc.h"

static int run(char **argv) {
    int pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        dprintf(2, "init: cannot run %s: %s\n", argv[0], strerror(-1));
        exit(127);
    }
    if (pid < 0) return 1;
    /* reap everything (orphans are re-parented to us) until our child is done */
    for (;;) {
        int st;
        int r = wait(&st);
        if (r == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        if (r < 0) return 1;
    }
}

int main(int argc, char **argv) {
    const char *scenario = NULL;
    for (int i = 1; i < argc; i++)
        if (!strncmp(argv[i], "scenario=", 9)) scenario = argv[i] + 9;
    if (!scenario) {
        char *sh[] = {"/bin/sh", NULL};
        return run(sh);
    }
    char path[64];
    snprintf(path, sizeof path, "/etc/scenarios/%s", scenario);
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        close(fd);
        char *sh[] = {"/bin/sh", path, NULL};
        return run(sh);
    }
    snprintf(path, sizeof path, "/bin/%s", scenario);
    char *prog[] = {path, NULL};
    fd = open(path, O_RDONLY);
    if (fd < 0) {
        dprintf(1, "init: unknown scenario '%s'\n", scenario);
        return 2;
    }
    close(fd);
    return run(prog);
}
