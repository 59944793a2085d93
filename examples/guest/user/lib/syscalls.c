/* Linux i386 system call wrappers (int 0x80). */
#include "libc.h"

int syscall0(int n) {
    int r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(n) : "memory");
    return r;
}
int syscall1(int n, int a) {
    int r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a) : "memory");
    return r;
}
int syscall2(int n, int a, int b) {
    int r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b) : "memory");
    return r;
}
int syscall3(int n, int a, int b, int c) {
    int r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

void exit(int code) {
    syscall1(1, code);
    for (;;) {}
}
int fork(void) { return syscall0(2); }
int read(int fd, void *b, size_t n) { return syscall3(3, fd, (int)b, n); }
int write(int fd, const void *b, size_t n) { return syscall3(4, fd, (int)b, n); }
int open(const char *p, int f) { return syscall3(5, (int)p, f, 0644); }
int close(int fd) { return syscall1(6, fd); }
int waitpid(int pid, int *st, int o) { return syscall3(7, pid, (int)st, o); }
int wait(int *st) { return waitpid(-1, st, 0); }
int execve(const char *p, char *const a[], char *const e[]) { return syscall3(11, (int)p, (int)a, (int)e); }
int execv(const char *p, char *const a[]) { return execve(p, a, NULL); }
int getpid(void) { return syscall0(20); }
int getppid(void) { return syscall0(64); }
int time(u32 *t) { return syscall1(13, (int)t); }
int brk_raw(void *a) { return syscall1(45, (int)a); }
int pipe(int fds[2]) { return syscall1(42, (int)fds); }
int dup(int fd) { return syscall1(41, fd); }
int dup2(int a, int b) { return syscall2(63, a, b); }
int kill(int pid, int sig) { return syscall2(37, pid, sig); }
int nanosleep(const struct timespec *q, struct timespec *r) { return syscall2(162, (int)q, (int)r); }
int msleep(u32 ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
    return nanosleep(&t, NULL);
}
int lseek(int fd, int off, int wh) { return syscall3(19, fd, off, wh); }
int fstat(int fd, struct stat *st) { return syscall2(108, fd, (int)st); }
int getdents64(int fd, void *b, size_t n) { return syscall3(220, fd, (int)b, n); }
int uname(struct utsname *u) { return syscall1(122, (int)u); }
int unlink(const char *p) { return syscall1(10, (int)p); }
int mkdir(const char *p, int mode) { return syscall2(39, (int)p, mode); }
int sched_yield(void) { return syscall0(158); }
int ioctl(int fd, u32 req, void *arg) { return syscall3(54, fd, req, (int)arg); }
int signal(int sig, int h) { return syscall2(48, sig, h); }
int kerf_ps(struct kerf_proc_info *b, int max) { return syscall2(500, (int)b, max); }

static char *cur_brk;
void *sbrk(int inc) {
    if (!cur_brk) cur_brk = (char *)brk_raw(0);
    char *old = cur_brk;
    char *want = old + inc;
    if ((char *)brk_raw(want) != want) return (void *)-1;
    cur_brk = want;
    return old;
}
