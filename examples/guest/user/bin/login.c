/* login NAME: a vault client. Starts /bin/vault on a pair of pipes, asks for NAME's
 * secret, checks the password typed by the "customer" (argv[2], optional) against it and
 * reports only whether it matched, never the secret itself. */
#include "libc.h"

int main(int argc, char **argv) {
    if (argc < 2) { dprintf(2, "usage: login NAME [PASSWORD]\n"); return 2; }
    int to[2], from[2];
    if (pipe(to) < 0 || pipe(from) < 0) return 1;
    int pid = fork();
    if (pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[0]); close(to[1]); close(from[0]); close(from[1]);
        char *av[] = {"/bin/vault", NULL};
        execv(av[0], av);
        exit(127);
    }
    close(to[0]);
    close(from[1]);
    dprintf(to[1], "get %s\n", argv[1]);
    char reply[128];
    int n = read_line(from[0], reply, sizeof reply);
    dprintf(to[1], "quit\n");
    close(to[1]);
    int st;
    waitpid(pid, &st, 0);
    close(from[0]);
    if (n <= 0 || strncmp(reply, "ok ", 3)) {
        printf("login: %s: unknown user\n", argv[1]);
        return 1;
    }
    char *secret = reply + 3;
    char *nl = strchr(secret, '\n');
    if (nl) *nl = 0;
    if (argc > 2) {
        int ok = !strcmp(secret, argv[2]);
        printf("login: %s: password %s\n", argv[1], ok ? "accepted" : "rejected");
        return !ok;
    }
    printf("login: %s: vault returned a %d-byte secret\n", argv[1], (int)strlen(secret));
    return 0;
}
