/* Freestanding string and formatting helpers for the kernel. */
#include "kernel.h"

/* Word-aligned bulk copies and fills use REP MOVSL/STOSL: one retired instruction per
 * iteration keeps page copies cheap for an interpreting emulator. */
void *memset(void *d, int c, size_t n) {
    if ((((u32)d | n) & 3) == 0) {
        u32 v = (u8)c * 0x01010101u, cnt = n / 4;
        void *dd = d;
        __asm__ volatile("rep stosl" : "+D"(dd), "+c"(cnt) : "a"(v) : "memory");
        return d;
    }
    u8 *p = d;
    while (n--) *p++ = (u8)c;
    return d;
}
void *memcpy(void *d, const void *s, size_t n) {
    if ((((u32)d | (u32)s | n) & 3) == 0) {
        u32 cnt = n / 4;
        void *dd = d;
        const void *ss = s;
        __asm__ volatile("rep movsl" : "+D"(dd), "+S"(ss), "+c"(cnt) : : "memory");
        return d;
    }
    u8 *a = d;
    const u8 *b = s;
    while (n--) *a++ = *b++;
    return d;
}
void *memmove(void *d, const void *s, size_t n) {
    u8 *a = d;
    const u8 *b = s;
    if (a < b) {
        while (n--) *a++ = *b++;
    } else {
        while (n--) a[n] = b[n];
    }
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
char *strncpy_z(char *d, const char *s, size_t n) {
    size_t i = 0;
    for (; i + 1 < n && s[i]; i++) d[i] = s[i];
    if (n) d[i] = 0;
    return d;
}

struct out { char *buf; int size, len; };
static void put(struct out *o, char c) {
    if (o->len + 1 < o->size) o->buf[o->len] = c;
    o->len++;
}
static void put_num(struct out *o, u32 v, int base, int width, char pad, int neg) {
    char tmp[12];
    int n = 0;
    do { tmp[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    if (neg) tmp[n++] = '-';
    while (width-- > n) put(o, pad);
    while (n) put(o, tmp[--n]);
}

/* Supports %d %u %x %s %c %p and a width with optional 0 pad; enough for the kernel. */
int kvsnprintf(char *buf, int size, const char *fmt, __builtin_va_list ap) {
    struct out o = {buf, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') { put(&o, *fmt); continue; }
        fmt++;
        char pad = ' ';
        int width = 0;
        if (*fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        switch (*fmt) {
        case 'd': { i32 v = __builtin_va_arg(ap, i32);
            put_num(&o, v < 0 ? -(u32)v : (u32)v, 10, width, pad, v < 0); break; }
        case 'u': put_num(&o, __builtin_va_arg(ap, u32), 10, width, pad, 0); break;
        case 'x': put_num(&o, __builtin_va_arg(ap, u32), 16, width, pad, 0); break;
        case 'p': put(&o, '0'); put(&o, 'x');
            put_num(&o, __builtin_va_arg(ap, u32), 16, 8, '0', 0); break;
        case 'c': put(&o, (char)__builtin_va_arg(ap, int)); break;
        case 's': { const char *s = __builtin_va_arg(ap, const char *);
            if (!s) s = "(null)";
            int l = strlen(s);
            while (width-- > l) put(&o, ' ');
            while (*s) put(&o, *s++);
            break; }
        case '%': put(&o, '%'); break;
        default: put(&o, '%'); put(&o, *fmt); break;
        }
    }
    if (o.size) o.buf[o.len < o.size ? o.len : o.size - 1] = 0;
    return o.len;
}
int ksnprintf(char *buf, int size, const char *fmt, ...) {
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    __builtin_va_end(ap);
    return n;
}
void kprintf(const char *fmt, ...) {
    char buf[256];
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof buf, fmt, ap);
    __builtin_va_end(ap);
    serial_write(buf, n < (int)sizeof buf ? n : (int)sizeof buf - 1);
}
void panic(const char *msg) {
    __asm__ volatile("cli");
    kprintf("kernel panic: %s\n", msg);
    poweroff(0x7e);
}
