/* minijvm: heap, symbol table, errors, 64-bit division without libgcc. */
#include "jvm.h"

#define CHUNK (256 * 1024)
#define HEAP_LIMIT (24u << 20)   /* the guest has 32 MiB; leave room for the kernel and the stack */

static char *heap_ptr, *heap_end;
static u32 heap_total;

/* Bump allocation from sbrk chunks; the break only grows, so every byte handed out is fresh. */
void *jalloc(u32 n) {
    n = (n + 7) & ~7u;
    if (n > (u32)(heap_end - heap_ptr)) {
        u32 chunk = n > CHUNK ? (n + 4095) & ~4095u : CHUNK;
        if (n > HEAP_LIMIT || heap_total + chunk > HEAP_LIMIT) fatal("out of memory (%u bytes wanted)", n);
        char *p = sbrk(chunk);
        if (p == (char *)-1) fatal("out of memory (%u bytes wanted)", n);
        heap_total += chunk;
        if (p != heap_end) heap_ptr = p;      /* first chunk (or someone else moved the break) */
        heap_end = p + chunk;
        if (n > (u32)(heap_end - heap_ptr)) { heap_ptr = p; }
    }
    void *r = heap_ptr;
    heap_ptr += n;
    return r;                     /* already zero: new brk pages are zeroed and nothing is reused */
}

/* ---- symbols: interned NUL-terminated strings, each with one spare cell ---- */
struct sym { struct sym *next; void *cell; u32 len; char s[]; };
#define SYM_BUCKETS 1024
static struct sym *syms[SYM_BUCKETS];

static u32 hash_bytes(const char *s, u32 len) {
    u32 h = 2166136261u;
    for (u32 i = 0; i < len; i++) h = (h ^ (u8)s[i]) * 16777619u;
    return h;
}

const char *intern(const char *s, u32 len) {
    u32 b = hash_bytes(s, len) & (SYM_BUCKETS - 1);
    for (struct sym *y = syms[b]; y; y = y->next)
        if (y->len == len && memcmp(y->s, s, len) == 0) return y->s;
    struct sym *y = jalloc(sizeof(struct sym) + len + 1);
    memcpy(y->s, s, len);
    y->len = len;
    y->next = syms[b];
    syms[b] = y;
    return y->s;
}

void **intern_slot(const char *interned) {
    return &((struct sym *)(interned - sizeof(struct sym)))->cell;
}

void out_bytes(const void *p, u32 n) {
    write_all(1, p, n);
}

void fatal(const char *fmt, ...) {
    char buf[512];
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    __builtin_va_end(ap);
    if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
    buf[n++] = '\n';
    out_bytes("minijvm: ", 9);
    out_bytes(buf, n);
    jvm_exit(EXIT_ERROR);
}

void jvm_exit(int status) {
    hook_exit(status);
    exit(status);
}

/* Shift-and-subtract division: the guest links no libgcc (no __udivdi3). d != 0. */
u64 udivmod64(u64 n, u64 d, u64 *rem) {
    if ((n >> 32) == 0 && (d >> 32) == 0) {
        u32 a = (u32)n, b = (u32)d;
        if (rem) *rem = a % b;
        return a / b;
    }
    u64 q = 0, r = 0;
    for (int i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) { r -= d; q |= (u64)1 << i; }
    }
    if (rem) *rem = r;
    return q;
}

int fmt_long(char *buf, i64 v) {
    char tmp[24];
    int n = 0, len = 0;
    u64 u = v < 0 ? (u64)0 - (u64)v : (u64)v;
    do {
        u64 r;
        u = udivmod64(u, 10, &r);
        tmp[n++] = (char)('0' + (int)r);
    } while (u);
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    buf[len] = 0;
    return len;
}
