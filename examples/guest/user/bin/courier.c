/* courier FILE OUT: passes a secret to another process through a pipe. Reads the secret (the
 * first line of FILE), starts /bin/keeper OUT with the pipe's read end as its standard input,
 * and writes the secret into the pipe a few bytes at a time, yielding between the writes, so
 * that it crosses the pipe in pieces. Then it waits for keeper and reports (issue 13,
 * scenario=leaks). */
#include "libc.h"

#define CHUNK 5

int main(int argc, char **argv) {
    if (argc < 3) { dprintf(2, "usage: courier FILE OUT\n"); return 2; }
    char key[128];
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) { dprintf(2, "courier: %s: %s\n", argv[1], strerror(fd)); return 1; }
    int n = read_line(fd, key, sizeof key);
    close(fd);
    if (n < 0) { dprintf(2, "courier: %s: %s\n", argv[1], strerror(n)); return 1; }
    if (n > 0 && key[n - 1] == '\n') key[--n] = 0;
    int p[2];
    if (pipe(p) < 0) return 1;
    int pid = fork();
    if (pid == 0) {
        dup2(p[0], 0);
        close(p[0]);
        close(p[1]);
        char *av[] = {"/bin/keeper", argv[2], NULL};
        execv(av[0], av);
        exit(127);
    }
    close(p[0]);
    int writes = 0;
    for (int done = 0; done < n; done += CHUNK) {
        int len = n - done < CHUNK ? n - done : CHUNK;
        if (write_all(p[1], key + done, len) < 0) break;
        writes++;
        sched_yield();
    }
    close(p[1]);
    int st = 0;
    waitpid(pid, &st, 0);
    printf("courier: sent %d bytes in %d writes; keeper exited with status %d\n", n, writes,
           WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    return 0;
}
