/* The guest's tiny libc: Linux i386 syscall wrappers, strings, formatted output, malloc. */
#ifndef LIBC_H
#define LIBC_H

typedef unsigned int size_t;
typedef int ssize_t;
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
#define NULL ((void *)0)

#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define WNOHANG 1
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EEXIST 17
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define EPIPE 32
#define ENOSYS 38

#define WIFEXITED(s) (((s) & 0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s) & 0x7f) != 0)
#define WTERMSIG(s) ((s) & 0x7f)

struct stat {
    u32 st_dev, st_ino;
    u16 st_mode, st_nlink, st_uid, st_gid;
    u32 st_rdev, st_size, st_blksize, st_blocks;
    u32 st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec, u4, u5;
};
#define S_ISDIR(m) (((m) & 0170000) == 0040000)

struct dirent64 {
    unsigned long long d_ino;
    long long d_off;
    u16 d_reclen;
    u8 d_type;
    char d_name[];
} __attribute__((packed));

struct timespec { u32 tv_sec, tv_nsec; };
struct utsname { char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65]; };

/* Records returned by kerf_ps (syscall 500). */
struct kerf_proc_info { u32 pid, ppid, state; char name[16]; };

int syscall0(int n);
int syscall1(int n, int a);
int syscall2(int n, int a, int b);
int syscall3(int n, int a, int b, int c);

/* Wrappers return the raw kernel result: >= 0 on success, -errno on failure. */
void exit(int code) __attribute__((noreturn));
int fork(void);
int read(int fd, void *buf, size_t n);
int write(int fd, const void *buf, size_t n);
int open(const char *path, int flags);
int close(int fd);
int waitpid(int pid, int *status, int options);
int wait(int *status);
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]);
int getpid(void);
int getppid(void);
int time(u32 *t);
void *sbrk(int inc);
int brk_raw(void *addr);
int pipe(int fds[2]);
int dup(int fd);
int dup2(int a, int b);
int kill(int pid, int sig);
int nanosleep(const struct timespec *req, struct timespec *rem);
int msleep(u32 ms);
int lseek(int fd, int off, int whence);
int fstat(int fd, struct stat *st);
int getdents64(int fd, void *buf, size_t n);
int uname(struct utsname *u);
int unlink(const char *path);
int mkdir(const char *path, int mode);
int sched_yield(void);
int ioctl(int fd, u32 req, void *arg);
int kerf_ps(struct kerf_proc_info *buf, int max);
int signal(int sig, int handler);   /* handler: 0 = SIG_DFL, 1 = SIG_IGN; returns the old one */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *d, const char *s);
char *strncpy(char *d, const char *s, size_t n);
char *strcat(char *d, const char *s);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strdup(const char *s);
int atoi(const char *s);
int isspace(int c);
int isdigit(int c);
int isalpha(int c);

void *malloc(size_t n);
void *calloc(size_t n, size_t m);
void *realloc(void *p, size_t n);
void free(void *p);

int vsnprintf(char *buf, size_t size, const char *fmt, __builtin_va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...);
int dprintf(int fd, const char *fmt, ...);
int printf(const char *fmt, ...);
int puts(const char *s);
int fputs_fd(int fd, const char *s);
int write_all(int fd, const void *buf, size_t n);
int read_line(int fd, char *buf, int max);   /* reads up to '\n' byte by byte; length or -errno */
const char *strerror(int err);

#endif
