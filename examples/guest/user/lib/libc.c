/* Strings, formatted output and a first-fit malloc for guest programs. */
#include "libc.h"

void *memset(void *d, int c, size_t n) {
    u8 *p = d;
    while (n--) *p++ = (u8)c;
    return d;
}
void *memcpy(void *d, const void *s, size_t n) {
    u8 *a = d;
    const u8 *b = s;
    while (n--) *a++ = *b++;
    return d;
}
void *memmove(void *d, const void *s, size_t n) {
    u8 *a = d;
    const u8 *b = s;
    if (a < b) while (n--) *a++ = *b++;
    else while (n--) a[n] = b[n];
    return d;
}
int memcmp(const void *a, const void *b, size_t n) {
    const u8 *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y) return *x - *y;
    return 0;
}
size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}
int strcmp(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return (u8)*a - (u8)*b;
}
int strncmp(const char *a, const char *b, size_t n) {
    for (; n; n--, a++, b++) {
        if (*a != *b) return (u8)*a - (u8)*b;
        if (!*a) return 0;
    }
    return 0;
}
char *strcpy(char *d, const char *s) {
    char *r = d;
    while ((*d++ = *s++)) {}
    return r;
}
char *strncpy(char *d, const char *s, size_t n) {
    size_t i = 0;
    for (; i < n && s[i]; i++) d[i] = s[i];
    for (; i < n; i++) d[i] = 0;
    return d;
}
char *strcat(char *d, const char *s) {
    strcpy(d + strlen(d), s);
    return d;
}
char *strchr(const char *s, int c) {
    for (; *s; s++)
        if (*s == (char)c) return (char *)s;
    return c ? NULL : (char *)s;
}
char *strrchr(const char *s, int c) {
    const char *r = NULL;
    for (; *s; s++)
        if (*s == (char)c) r = s;
    return (char *)r;
}
char *strdup(const char *s) {
    char *d = malloc(strlen(s) + 1);
    if (d) strcpy(d, s);
    return d;
}
int isspace(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
int isdigit(int c) { return c >= '0' && c <= '9'; }
int isalpha(int c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
int atoi(const char *s) {
    int neg = 0, v = 0;
    while (isspace(*s)) s++;
    if (*s == '-') neg = 1, s++;
    while (isdigit(*s)) v = v * 10 + (*s++ - '0');
    return neg ? -v : v;
}

/* ---- malloc: blocks with a size header, a first-fit free list, no coalescing of
 * non-adjacent blocks; enough for small programs. ---- */
struct block { size_t size; struct block *next; };
static struct block *free_blocks;

void *malloc(size_t n) {
    n = (n + 7) & ~7u;
    if (n == 0) n = 8;
    struct block **pp = &free_blocks;
    for (; *pp; pp = &(*pp)->next) {
        struct block *b = *pp;
        if (b->size >= n) {
            if (b->size >= n + sizeof(struct block) + 16) {
                struct block *rest = (struct block *)((char *)(b + 1) + n);
                rest->size = b->size - n - sizeof(struct block);
                rest->next = b->next;
                b->size = n;
                *pp = rest;
            } else {
                *pp = b->next;
            }
            return b + 1;
        }
    }
    struct block *b = sbrk(n + sizeof(struct block));
    if (b == (void *)-1) return NULL;
    b->size = n;
    return b + 1;
}
void free(void *p) {
    if (!p) return;
    struct block *b = (struct block *)p - 1;
    b->next = free_blocks;
    free_blocks = b;
}
void *calloc(size_t n, size_t m) {
    void *p = malloc(n * m);
    if (p) memset(p, 0, n * m);
    return p;
}
void *realloc(void *p, size_t n) {
    if (!p) return malloc(n);
    struct block *b = (struct block *)p - 1;
    if (b->size >= n) return p;
    void *q = malloc(n);
    if (q) { memcpy(q, p, b->size); free(p); }
    return q;
}

/* ---- formatted output: %d %u %x %X %s %c %p %%, flags '-' and '0', width, precision for %s ---- */
struct out { char *buf; size_t size, len; };
static void put(struct out *o, char c) {
    if (o->len + 1 < o->size) o->buf[o->len] = c;
    o->len++;
}
static void pad(struct out *o, int n, char c) { while (n-- > 0) put(o, c); }

int vsnprintf(char *buf, size_t size, const char *fmt, __builtin_va_list ap) {
    struct out o = {buf, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') { put(&o, *fmt); continue; }
        fmt++;
        int left = 0, zero = 0, width = 0, prec = -1;
        for (;; fmt++) {
            if (*fmt == '-') left = 1;
            else if (*fmt == '0') zero = 1;
            else break;
        }
        while (isdigit(*fmt)) width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.') { prec = 0; fmt++; while (isdigit(*fmt)) prec = prec * 10 + (*fmt++ - '0'); }
        while (*fmt == 'l') fmt++;
        char tmp[16];
        const char *s = tmp;
        int len = 0, neg = 0;
        switch (*fmt) {
        case 'd': case 'u': case 'x': case 'X': case 'p': {
            u32 v = __builtin_va_arg(ap, u32);
            u32 base = (*fmt == 'd' || *fmt == 'u') ? 10 : 16;
            const char *digits = *fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            if (*fmt == 'd' && (int)v < 0) { neg = 1; v = -v; }
            if (*fmt == 'p') { zero = 1; width = 8; put(&o, '0'); put(&o, 'x'); }
            char rev[12];
            int n = 0;
            do { rev[n++] = digits[v % base]; v /= base; } while (v);
            if (neg) tmp[len++] = '-';
            while (n) tmp[len++] = rev[--n];
            break;
        }
        case 'c': tmp[0] = (char)__builtin_va_arg(ap, int); len = 1; break;
        case 's': s = __builtin_va_arg(ap, const char *);
            if (!s) s = "(null)";
            len = strlen(s);
            if (prec >= 0 && prec < len) len = prec;
            break;
        case '%': tmp[0] = '%'; len = 1; break;
        default: tmp[0] = '%'; tmp[1] = *fmt; len = 2; break;
        }
        if (!left) {
            if (zero && s == tmp && neg) { put(&o, '-'); s++; len--; width--; }
            pad(&o, width - len, zero ? '0' : ' ');
        }
        for (int i = 0; i < len; i++) put(&o, s[i]);
        if (left) pad(&o, width - len, ' ');
    }
    if (o.size) o.buf[o.len < o.size ? o.len : o.size - 1] = 0;
    return o.len;
}
int snprintf(char *buf, size_t size, const char *fmt, ...) {
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    __builtin_va_end(ap);
    return n;
}
int write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    size_t done = 0;
    while (done < n) {
        int r = write(fd, p + done, n - done);
        if (r <= 0) return r < 0 ? r : -EPIPE;
        done += r;
    }
    return done;
}
static int vdprintf(int fd, const char *fmt, __builtin_va_list ap) {
    char buf[512];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n > (int)sizeof buf - 1) n = sizeof buf - 1;
    return write_all(fd, buf, n);
}
int dprintf(int fd, const char *fmt, ...) {
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    int n = vdprintf(fd, fmt, ap);
    __builtin_va_end(ap);
    return n;
}
int printf(const char *fmt, ...) {
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    int n = vdprintf(1, fmt, ap);
    __builtin_va_end(ap);
    return n;
}
int fputs_fd(int fd, const char *s) { return write_all(fd, s, strlen(s)); }
int puts(const char *s) {
    int r = fputs_fd(1, s);
    if (r >= 0) r = write(1, "\n", 1);
    return r;
}
int read_line(int fd, char *buf, int max) {
    int n = 0;
    while (n < max - 1) {
        char c;
        int r = read(fd, &c, 1);
        if (r < 0) return r;
        if (r == 0) break;
        buf[n++] = c;
        if (c == '\n') break;
    }
    buf[n] = 0;
    return n;
}
const char *strerror(int e) {
    if (e < 0) e = -e;
    switch (e) {
    case ENOENT: return "no such file or directory";
    case EBADF: return "bad file descriptor";
    case EAGAIN: return "resource temporarily unavailable";
    case ENOMEM: return "out of memory";
    case EFAULT: return "bad address";
    case EEXIST: return "file exists";
    case ENOTDIR: return "not a directory";
    case EISDIR: return "is a directory";
    case EINVAL: return "invalid argument";
    case EPIPE: return "broken pipe";
    case ENOSYS: return "function not implemented";
    case 8: return "exec format error";
    default: return "error";
    }
}
