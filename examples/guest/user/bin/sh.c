/* sh [SCRIPT]: pipelines (|), redirections (< > >>), sequences (;), background jobs (&),
 * quotes, # comments, $? and the builtins exit, wait, echo-free cd stub. Reads SCRIPT or,
 * without one, the console with a "$ " prompt. */
#include "libc.h"

#define MAXTOK 64
#define MAXARGS 16
#define MAXCMDS 8

struct cmd { char *argv[MAXARGS + 1]; int argc; char *in, *out; int append; };

static int last_status;
static char status_str[12];
static int interactive;
static int script_fd = -1;     /* closed in children: programs need not see it */

static char words[512];

/* Splits a line into words (quotes removed, copied to words[]) and operators:
 * kinds[i] is 'w' for a word, or one of | < > A(>>) & ; with tok[i] NULL. */
static int tokenize(const char *s, char **tok, char *kinds) {
    int n = 0;
    char *w = words, *wend = words + sizeof words - 1;
    while (*s && n < MAXTOK) {
        while (*s == ' ' || *s == '\t' || *s == '\r') s++;
        if (!*s || *s == '#') break;
        if (strchr("|<>&;", *s)) {
            kinds[n] = *s;
            if (*s == '>' && s[1] == '>') { kinds[n] = 'A'; s++; }
            tok[n++] = NULL;
            s++;
            continue;
        }
        char *start = w;
        while (*s && !strchr(" \t\r|<>&;", *s)) {
            if (*s == '\'') {
                s++;
                while (*s && *s != '\'') { if (w < wend) *w++ = *s; s++; }
                if (*s) s++;
            } else if (*s == '"') {
                s++;
                while (*s && *s != '"') {
                    if (s[0] == '$' && s[1] == '?') {
                        for (const char *v = status_str; *v; v++) if (w < wend) *w++ = *v;
                        s += 2;
                        continue;
                    }
                    if (w < wend) *w++ = *s;
                    s++;
                }
                if (*s) s++;
            } else if (s[0] == '$' && s[1] == '?') {
                for (const char *v = status_str; *v; v++) if (w < wend) *w++ = *v;
                s += 2;
            } else {
                if (w < wend) *w++ = *s;
                s++;
            }
        }
        *w = 0;
        if (w < wend) w++;
        kinds[n] = 'w';
        tok[n++] = start;
    }
    return n;
}

static void redirect(struct cmd *c) {
    if (c->in) {
        int fd = open(c->in, O_RDONLY);
        if (fd < 0) { dprintf(2, "sh: %s: %s\n", c->in, strerror(fd)); exit(1); }
        dup2(fd, 0);
        close(fd);
    }
    if (c->out) {
        int fd = open(c->out, O_WRONLY | O_CREAT | (c->append ? O_APPEND : O_TRUNC));
        if (fd < 0) { dprintf(2, "sh: %s: %s\n", c->out, strerror(fd)); exit(1); }
        dup2(fd, 1);
        close(fd);
    }
}

static void exec_cmd(struct cmd *c) {
    char path[128];
    const char *p = c->argv[0];
    if (!strchr(p, '/')) { snprintf(path, sizeof path, "/bin/%s", p); p = path; }
    int r = execv(p, c->argv);
    dprintf(2, "sh: %s: %s\n", c->argv[0], strerror(r));
    exit(127);
}

static int report(const char *name, int st) {
    if (WIFSIGNALED(st)) {
        dprintf(2, "sh: %s: killed by signal %d\n", name, WTERMSIG(st));
        return 128 + WTERMSIG(st);
    }
    return WEXITSTATUS(st);
}

static int builtin(struct cmd *c, int *status) {
    const char *a = c->argv[0];
    if (!strcmp(a, "exit")) exit(c->argc > 1 ? atoi(c->argv[1]) : last_status);
    if (!strcmp(a, "wait")) {
        int st;
        while (wait(&st) > 0) {}
        *status = 0;
        return 1;
    }
    if (!strcmp(a, "cd")) {
        dprintf(2, "sh: cd: no working directories in this system\n");
        *status = 1;
        return 1;
    }
    return 0;
}

static int run_pipeline(struct cmd *cmds, int n, int background) {
    int status = 0;
    if (n == 1 && !background && builtin(&cmds[0], &status)) return status;
    int pids[MAXCMDS];
    int prev = -1;
    for (int i = 0; i < n; i++) {
        int p[2] = {-1, -1};
        if (i + 1 < n && pipe(p) < 0) { dprintf(2, "sh: pipe failed\n"); return 1; }
        int pid = fork();
        if (pid < 0) { dprintf(2, "sh: fork: %s\n", strerror(pid)); return 1; }
        if (pid == 0) {
            if (script_fd > 2) close(script_fd);
            if (interactive) signal(2, 0);
            if (prev >= 0) { dup2(prev, 0); close(prev); }
            if (i + 1 < n) { dup2(p[1], 1); close(p[0]); close(p[1]); }
            redirect(&cmds[i]);
            exec_cmd(&cmds[i]);
        }
        if (prev >= 0) close(prev);
        if (i + 1 < n) { close(p[1]); prev = p[0]; }
        pids[i] = pid;
    }
    if (background) {
        dprintf(2, "[%d]\n", pids[n - 1]);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        int st = 0;
        waitpid(pids[i], &st, 0);
        if (i == n - 1) status = report(cmds[i].argv[0], st);
    }
    return status;
}

static void run_line(char *line) {
    char *tok[MAXTOK];
    char kinds[MAXTOK];
    int nt = tokenize(line, tok, kinds);
    struct cmd cmds[MAXCMDS];
    int nc = 0;
    memset(cmds, 0, sizeof cmds);
    for (int i = 0; i <= nt; i++) {
        char k = i < nt ? kinds[i] : ';';
        struct cmd *c = &cmds[nc];
        if (k == 'w') {
            if (c->argc < MAXARGS) c->argv[c->argc++] = tok[i];
        } else if (k == '<' || k == '>' || k == 'A') {
            if (i + 1 >= nt || kinds[i + 1] != 'w') { dprintf(2, "sh: syntax error\n"); return; }
            if (k == '<') c->in = tok[++i];
            else { c->out = tok[++i]; c->append = k == 'A'; }
        } else if (k == '|') {
            if (c->argc == 0 || nc + 1 >= MAXCMDS) { dprintf(2, "sh: syntax error\n"); return; }
            nc++;
        } else {   /* ';' or '&' ends a job */
            if (c->argc == 0) {
                if (nc > 0) { dprintf(2, "sh: syntax error\n"); return; }
                continue;
            }
            last_status = run_pipeline(cmds, nc + 1, k == '&');
            snprintf(status_str, sizeof status_str, "%d", last_status);
            memset(cmds, 0, sizeof cmds);
            nc = 0;
        }
    }
}

/* Buffered line reader: the shell owns its input, children get their own descriptors. */
static char inbuf[512];
static int in_len, in_pos;
static int next_line(int fd, char *line, int max) {
    int n = 0;
    for (;;) {
        if (in_pos == in_len) {
            if (interactive) write(1, "$ ", 2);
            in_len = read(fd, inbuf, sizeof inbuf);
            in_pos = 0;
            if (in_len <= 0) { in_len = 0; return n ? n : -1; }
        }
        while (in_pos < in_len) {
            char c = inbuf[in_pos++];
            if (c == '\n') { line[n] = 0; return n; }
            if (n < max - 1) line[n++] = c;
        }
    }
}

int main(int argc, char **argv) {
    int fd = 0;
    if (argc > 1) {
        fd = open(argv[1], O_RDONLY);
        if (fd < 0) { dprintf(2, "sh: %s: %s\n", argv[1], strerror(fd)); return 127; }
        script_fd = fd;
    } else {
        interactive = 1;
        signal(2, 1);     /* ^C interrupts the running command, not the shell */
    }
    strcpy(status_str, "0");
    char line[256];
    while (next_line(fd, line, sizeof line) >= 0) run_line(line);
    return last_status;
}
