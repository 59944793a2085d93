/* selftest: one line per kernel check and a summary; exit status 0 when all pass.
 * Output does not depend on scheduling: children never print; the parent waits for them
 * (the kernel's fault lines appear while the parent is blocked in waitpid). */
#include "libc.h"

static int passed, total;

static void check(const char *name, int ok) {
    total++;
    passed += ok != 0;
    printf("%s %2d %s\n", ok ? "ok  " : "FAIL", total, name);
}

/* Runs fn in a child and returns its wait status (-1 if fork failed). */
static int in_child(void (*fn)(void)) {
    int pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) { fn(); exit(0); }
    int st = -1;
    if (waitpid(pid, &st, 0) != pid) return -1;
    return st;
}

/* Runs argv with stdin fed from `input` and returns everything it wrote to stdout. */
static int capture(char **argv, const char *input, char *out, int max) {
    int in[2], outp[2];
    if (pipe(in) < 0 || pipe(outp) < 0) return -1;
    int pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(outp[1], 1);
        close(in[0]); close(in[1]); close(outp[0]); close(outp[1]);
        execv(argv[0], argv);
        exit(127);
    }
    close(in[0]);
    close(outp[1]);
    if (input) write_all(in[1], input, strlen(input));
    close(in[1]);
    int n = 0, r;
    while (n < max - 1 && (r = read(outp[0], out + n, max - 1 - n)) > 0) n += r;
    out[n] = 0;
    close(outp[0]);
    int st;
    waitpid(pid, &st, 0);
    return st == 0 ? n : -1;
}

static void t_fork_wait(void) {
    int pid = fork();
    if (pid == 0) exit(42);
    int st = 0;
    int r = waitpid(pid, &st, 0);
    check("fork and waitpid return the child's exit status", pid > 0 && r == pid &&
          WIFEXITED(st) && WEXITSTATUS(st) == 42);
}

static void t_pids(void) {
    int p[2];
    pipe(p);
    int me = getpid();
    int pid = fork();
    if (pid == 0) {
        int v[2] = {getpid(), getppid()};
        write(p[1], v, sizeof v);
        exit(0);
    }
    int v[2] = {0, 0};
    read(p[0], v, sizeof v);
    waitpid(pid, NULL, 0);
    close(p[0]); close(p[1]);
    check("getpid and getppid agree across fork", v[0] == pid && v[1] == me);
}

static void t_exec(void) {
    char out[64];
    char *argv[] = {"/bin/echo", "hello", "from", "echo", NULL};
    int n = capture(argv, NULL, out, sizeof out);
    check("execve runs /bin/echo with arguments", n > 0 && !strcmp(out, "hello from echo\n"));
}

static void t_pipeline(void) {
    char out[64];
    char *argv[] = {"/bin/wc", NULL};
    int n = capture(argv, "one two three\nfour\n", out, sizeof out);
    check("pipes carry stdin and stdout of an exec'd wc", n > 0 && !strcmp(out, "      2       4      19\n"));
}

static void t_pipe_large(void) {
    int p[2];
    pipe(p);
    int pid = fork();
    if (pid == 0) {
        close(p[0]);
        char buf[1000];
        for (int i = 0; i < 100; i++) {
            for (int j = 0; j < 1000; j++) buf[j] = (char)(i + j);
            write_all(p[1], buf, sizeof buf);
        }
        exit(0);
    }
    close(p[1]);
    char buf[700];
    u32 n = 0, sum = 0, expect = 0;
    int r;
    while ((r = read(p[0], buf, sizeof buf)) > 0) {
        for (int k = 0; k < r; k++) sum = sum * 31 + (u8)buf[k];
        n += r;
    }
    for (int i = 0; i < 100; i++)
        for (int j = 0; j < 1000; j++) expect = expect * 31 + (u8)(i + j);
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    check("100000 bytes through a pipe arrive intact", n == 100000 && sum == expect && st == 0);
}

static void t_files(void) {
    static char buf[10000], back[10000];
    for (int i = 0; i < 10000; i++) buf[i] = (char)(i * 7);
    int fd = open("/tmp/selftest.dat", O_CREAT | O_RDWR | O_TRUNC);
    int ok = fd >= 0 && write(fd, buf, 10000) == 10000;
    ok = ok && lseek(fd, 0, SEEK_SET) == 0 && read(fd, back, 10000) == 10000 && !memcmp(buf, back, 10000);
    struct stat st;
    ok = ok && fstat(fd, &st) == 0 && st.st_size == 10000 && lseek(fd, 0, SEEK_END) == 10000;
    ok = ok && lseek(fd, 5000, SEEK_SET) == 5000 && read(fd, back, 10) == 10 && !memcmp(back, buf + 5000, 10);
    close(fd);
    ok = ok && unlink("/tmp/selftest.dat") == 0 && open("/tmp/selftest.dat", O_RDONLY) == -ENOENT;
    check("files: create, write, lseek, read, fstat, unlink", ok);
}

static void t_getdents(void) {
    int fd = open("/bin", O_RDONLY);
    char buf[2048];
    int found = 0, n;
    while (fd >= 0 && (n = getdents64(fd, buf, sizeof buf)) > 0)
        for (int off = 0; off < n; off += ((struct dirent64 *)(buf + off))->d_reclen) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            if (!strcmp(d->d_name, "sh") || !strcmp(d->d_name, "selftest")) found++;
        }
    close(fd);
    check("getdents64 lists /bin", found == 2);
}

static void dup2_child(void) {
    int fd = open("/tmp/dup2.txt", O_CREAT | O_WRONLY | O_TRUNC);
    dup2(fd, 1);
    close(fd);
    printf("redirected\n");
}
static void t_dup2(void) {
    int st = in_child(dup2_child);
    char buf[32] = {0};
    int fd = open("/tmp/dup2.txt", O_RDONLY);
    int n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    close(fd);
    unlink("/tmp/dup2.txt");
    check("dup2 redirects stdout into a file", st == 0 && n == 11 && !strcmp(buf, "redirected\n"));
}

static void t_malloc(void) {
    u32 n = 256 * 1024;
    u8 *p = malloc(n);
    int ok = p != NULL;
    for (u32 i = 0; ok && i < n; i += 512) p[i] = (u8)(i >> 9);
    for (u32 i = 0; ok && i < n; i += 512) ok = p[i] == (u8)(i >> 9);
    free(p);
    void *top = sbrk(0);
    ok = ok && brk_raw((char *)top + 4096) == (int)top + 4096 && brk_raw(top) == (int)top;
    check("brk grows and shrinks the heap (256 KiB malloc)", ok);
}

static void null_write(void) { *(volatile int *)0 = 1; }
static void kernel_read(void) { (void)*(volatile int *)0x00100000; }
static void priv_insn(void) { __asm__ volatile("cli"); }
static void bad_insn(void) { __asm__ volatile("ud2"); }
static void div_zero(void) {
    int a = 1, b = 0;
    __asm__ volatile("cltd; idivl %2" : "+a"(a) : "d"(0), "r"(b));
}
static void t_faults(void) {
    check("null write kills the child with SIGSEGV", in_child(null_write) == 11);
    check("reading kernel memory from ring 3 faults", in_child(kernel_read) == 11);
    check("a privileged instruction raises #GP", in_child(priv_insn) == 11);
    check("ud2 raises #UD (SIGILL)", in_child(bad_insn) == 4);
    check("division by zero raises #DE (SIGFPE)", in_child(div_zero) == 8);
}

static void t_bad_syscalls(void) {
    int ok = syscall0(9999) == -ENOSYS && syscall0(-1) == -ENOSYS && syscall0(0) == -ENOSYS;
    check("unknown system calls return -ENOSYS", ok);
    int p[2];
    pipe(p);
    ok = write(1, (void *)0, 10) == -EFAULT;
    ok = ok && write(p[1], "abcd", 4) == 4 && read(p[0], (void *)0x00100000, 4) == -EFAULT;
    ok = ok && open((const char *)0xC0001000, O_RDONLY) == -EFAULT;
    int *volatile bad_fds = (int *)16;
    ok = ok && pipe(bad_fds) == -EFAULT;
    ok = ok && write(1, (void *)0xBFFFFFF0, 0x100) == -EFAULT;
    ok = ok && syscall2(162, 0, 0) == -EFAULT;
    ok = ok && syscall3(11, (int)"/bin/echo", 0x1000, 0) == -EFAULT;
    close(p[0]); close(p[1]);
    check("bad pointers return -EFAULT", ok);
    ok = close(99) == -EBADF && read(15, p, 1) == -EBADF && kill(99999, 9) == -ESRCH;
    ok = ok && waitpid(-1, NULL, WNOHANG) == -ECHILD && open("/nope", O_RDONLY) == -ENOENT;
    check("bad descriptors and pids are errors", ok);
    int fds[20], nfd = 0, last = 0;
    while (nfd < 20 && (last = open("/dev/null", O_RDONLY)) >= 0) fds[nfd++] = last;
    for (int i = 0; i < nfd; i++) close(fds[i]);
    check("the descriptor table limit gives -EMFILE", last == -24 && nfd == 13);
    char *argv[] = {"x", NULL};
    ok = execv("/nonexistent", argv) == -ENOENT && execv("/etc/motd", argv) == -8;
    check("exec of a missing or non-ELF file fails cleanly", ok);
}

/* Every call number 0..599 (except exit, fork, exit_group) with kernel and unmapped
 * addresses as arguments; the child must come back from all of them. */
static void fuzz_child(void) {
    static const int bad[2] = {0x00001000, (int)0xFFFFF000};
    for (int b = 0; b < 2; b++)
        for (int nr = 0; nr < 600; nr++) {
            if (nr == 1 || nr == 2 || nr == 252) continue;
            int r;
            __asm__ volatile("int $0x80" : "=a"(r)
                             : "a"(nr), "b"(bad[b]), "c"(bad[b]), "d"(bad[b]), "S"(bad[b]), "D"(bad[b])
                             : "memory");
            (void)r;
        }
    exit(7);
}
static void t_fuzz(void) {
    int st = in_child(fuzz_child);
    check("1200 system calls with bad arguments leave the kernel intact", st == (7 << 8));
}

static void spin(void) { for (;;) {} }
static void t_spinner(void) {
    int spinner = fork();
    if (spinner == 0) spin();
    char out[64];
    char *argv[] = {"/bin/echo", "still", "scheduled", NULL};
    int n = capture(argv, NULL, out, sizeof out);
    int k = kill(spinner, 9);
    int st = 0;
    int r = waitpid(spinner, &st, 0);
    check("a spinning process does not stop others; kill ends it",
          spinner > 0 && n > 0 && !strcmp(out, "still scheduled\n") && k == 0 &&
          r == spinner && WTERMSIG(st) == 9);
}

static void t_fork_bomb(void) {
    int p[2];
    pipe(p);
    int forks = 0, err = 0;
    for (;;) {
        int pid = fork();
        if (pid == 0) {
            char c;
            close(p[1]);
            read(p[0], &c, 1);     /* wait until the parent closes the pipe */
            exit(0);
        }
        if (pid < 0) { err = pid; break; }
        forks++;
        if (forks > 1000) break;
    }
    close(p[0]);
    close(p[1]);
    int reaped = 0;
    while (wait(NULL) > 0) reaped++;
    int again = fork();
    if (again == 0) exit(0);
    if (again > 0) waitpid(again, NULL, 0);
    check("a fork bomb ends in -EAGAIN and the table recovers",
          err == -EAGAIN && forks > 4 && reaped == forks && again > 0);
}

static void t_misc(void) {
    struct utsname u;
    int ok = uname(&u) == 0 && !strcmp(u.sysname, "kerf") && !strcmp(u.machine, "i686");
    check("uname reports kerf/i686", ok);
    u32 t = 0;
    int r = time(&t);
    /* any clock value is fine (the RTC may say anything); only -4095..-1 are errors */
    check("time returns the clock in seconds", !(r < 0 && r > -4096) && (u32)r == t);
    struct kerf_proc_info ps[32];
    int n = kerf_ps(ps, 32);
    int me = 0;
    for (int i = 0; i < n && i < 32; i++)
        if (ps[i].pid == (u32)getpid() && !strcmp(ps[i].name, "selftest") && ps[i].state == 4) me = 1;
    check("kerf_ps lists the running selftest", n >= 2 && me);
    check("nanosleep of 20 ms returns 0", msleep(20) == 0);
}

int main(void) {
    printf("selftest: starting\n");
    t_fork_wait();
    t_pids();
    t_exec();
    t_pipeline();
    t_pipe_large();
    t_files();
    t_getdents();
    t_dup2();
    t_faults();
    t_bad_syscalls();
    t_fuzz();
    t_spinner();
    t_fork_bomb();       /* before the heap grows: every fork copies the whole image */
    t_malloc();
    t_misc();
    printf("selftest: %d/%d checks passed\n", passed, total);
    return passed == total ? 0 : 1;
}
