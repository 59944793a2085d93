/* Linux (glibc) stand-in for examples/guest/user/lib/libc.h, so that the example OS's programs
 * build unchanged as static i386 Linux programs: `#include "libc.h"` finds this file first
 * (-I compat). It maps the example libc's extras onto glibc. The one difference in meaning:
 * the example's wrappers return -errno where glibc returns -1 and sets errno, so strerror
 * here accepts both (a negative argument means "the error of the call that just failed"). */
#ifndef KERF_LINUX_COMPAT_LIBC_H
#define KERF_LINUX_COMPAT_LIBC_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

/* The example libc writes printf output straight to fd 1; keep that order relative to
 * dprintf(1, ...) and keep lines written before a crash. */
__attribute__((constructor)) static void kerf_compat_stdout(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
}

/* Reads up to and including '\n', byte by byte (never past the line, so a child sharing the
 * descriptor sees the rest); NUL-terminates; returns the length, 0 at end of file, or -errno. */
static inline int read_line(int fd, char *buf, int max) {
    int n = 0;
    while (n < max - 1) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        if (r == 0) break;
        buf[n++] = c;
        if (c == '\n') break;
    }
    buf[n] = 0;
    return n;
}

static inline const char *kerf_compat_strerror(int err) {
    if (err == -1) return strerror(errno);
    return strerror(err < 0 ? -err : err);
}
#define strerror(e) kerf_compat_strerror(e)

static inline int fputs_fd(int fd, const char *s) { return dprintf(fd, "%s", s); }

static inline int write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t r = write(fd, p, n);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static inline int msleep(u32 ms) {
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    return nanosleep(&t, NULL);
}

#endif
