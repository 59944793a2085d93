/* minijvm: the natives of kerf.Sys and the export the retargeter finds them by (JVM-CONTRACT.md
 * sections 1 and 2). Argument checks throw before anything happens, so a failed check is not a
 * native call (no hook). */
#include "jvm.h"

#define P(x) ((Object *)(x))

struct kerf_jvm_class { const char *name; const u8 *bytes; u32 length; };
struct kerf_jvm_native {
    u32 seq;
    const char *caller_class, *caller_method, *caller_desc;
    u32 caller_pc;
    const char *native;
    u32 result_lo, result_hi;
    const u8 *data;
    u32 data_length;
    u32 flags;
};
struct kerf_jvm_uncaught { const char *text; u32 length; };

/* The hooks: real functions the host puts instruction hooks on; noipa keeps gcc from inlining,
 * cloning or folding the four identical bodies into one. */
#define HOOK __attribute__((noipa, used))
HOOK void kerf_jvm_class(const struct kerf_jvm_class *c) { __asm__ volatile("" ::: "memory"); }
HOOK void kerf_jvm_native(const struct kerf_jvm_native *n) { __asm__ volatile("" ::: "memory"); }
HOOK void kerf_jvm_uncaught(const struct kerf_jvm_uncaught *u) { __asm__ volatile("" ::: "memory"); }
HOOK void kerf_jvm_exit(u32 status) { __asm__ volatile("" ::: "memory"); }

struct kerf_jvm_export {
    char magic[8];
    u32 version, class_hook, native_hook, uncaught_hook, exit_hook;
};
/* In .data (initialized, writable), the only copy of the magic in the image. */
__attribute__((used, section(".data"))) struct kerf_jvm_export kerf_jvm_export = {
    {'K', 'E', 'R', 'F', 'J', 'V', 'M', '1'}, 1,
    (u32)kerf_jvm_class, (u32)kerf_jvm_native, (u32)kerf_jvm_uncaught, (u32)kerf_jvm_exit,
};

/* The layout is a contract with the host (docs/retargeting.md): keep it exact. */
#define AT(t, f, o) _Static_assert(__builtin_offsetof(struct t, f) == (o), #t "." #f)
AT(kerf_jvm_export, version, 8); AT(kerf_jvm_export, class_hook, 12); AT(kerf_jvm_export, exit_hook, 24);
_Static_assert(sizeof(struct kerf_jvm_export) == 28, "export size");
AT(kerf_jvm_class, bytes, 4); AT(kerf_jvm_class, length, 8);
AT(kerf_jvm_native, caller_class, 4); AT(kerf_jvm_native, caller_pc, 16); AT(kerf_jvm_native, native, 20);
AT(kerf_jvm_native, result_lo, 24); AT(kerf_jvm_native, data, 32); AT(kerf_jvm_native, flags, 40);
_Static_assert(sizeof(struct kerf_jvm_native) == 44, "native record size");
AT(kerf_jvm_uncaught, length, 4);

void hook_class(const char *name, const u8 *bytes, u32 length) {
    struct kerf_jvm_class c = {name, bytes, length};
    kerf_jvm_class(&c);
}

void hook_native(const char *native, u32 result_lo, u32 result_hi, const void *data, u32 data_length, u32 flags) {
    Method *m;
    u32 pc;
    current_caller(&m, &pc);
    struct kerf_jvm_native n = {vm.native_seq++, m->cls->name, m->name, m->desc, pc, native,
                                result_lo, result_hi, data_length ? data : NULL, data_length, flags};
    kerf_jvm_native(&n);
}

void hook_uncaught(const char *text, u32 length) {
    struct kerf_jvm_uncaught u = {text, length};
    kerf_jvm_uncaught(&u);
}

void hook_exit(u32 status) { kerf_jvm_exit(status); }

/* Bounds as System.arraycopy checks them; 0 or -1 with the exception set. */
static int check_range(Object *b, i32 off, i32 len) {
    if (!b) return throw_npe();
    u32 n = ARRAY_LEN(b);
    if (off < 0 || len < 0 || (u32)off > n || (u32)len > n - (u32)off) {
        char m[96];
        snprintf(m, sizeof m, "Range [%d, %d + %d) out of bounds for length %u", off, off, len, n);
        return throw_new("java/lang/ArrayIndexOutOfBoundsException", m);
    }
    return 0;
}

static int sys_read(u32 *a, u32 *r) {
    Object *b = P(a[0]);
    i32 off = (i32)a[1], len = (i32)a[2];
    if (check_range(b, off, len) < 0) return -1;
    u8 *dst = (u8 *)ARRAY_DATA(b) + off;
    int k = 0;
    if (len > 0) {
        k = read(0, dst, (u32)len);
        if (k <= 0) k = -1;
    }
    r[0] = (u32)k;
    hook_native("read", (u32)k, 0, dst, k > 0 ? (u32)k : 0, 0);
    return 0;
}

static int sys_write(u32 *a, u32 *r) {
    Object *b = P(a[0]);
    i32 off = (i32)a[1], len = (i32)a[2];
    if (check_range(b, off, len) < 0) return -1;
    u8 *src = (u8 *)ARRAY_DATA(b) + off;
    out_bytes(src, (u32)len);
    hook_native("write", 0, 0, src, (u32)len, 0);
    return 0;
}

static int sys_print(u32 *a, u32 *r) {
    Object *s = P(a[0]);
    if (!s) return throw_npe();
    char *c = string_cstr(s);
    u32 n = s->slots[STR_LEN];
    out_bytes(c, n);
    hook_native("print", 0, 0, c, n, 0);
    return 0;
}

static int sys_time(u32 *a, u32 *r) {
    u32 t = 0;
    int k = time(&t);
    if (k < 0 && k > -4096) t = 0;
    r[0] = t;
    r[1] = 0;
    hook_native("time", t, 0, NULL, 0, 0);
    return 0;
}

static int sys_readfile(u32 *a, u32 *r) {
    Object *p = P(a[0]);
    if (!p) return throw_npe();
    char *path = string_cstr(p);
    Object *arr = NULL;
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        u32 cap = 4096, n = 0;
        u8 *buf = jalloc(cap);
        int ok = 1;
        for (;;) {
            if (n == cap) {
                if (cap >= (8u << 20)) { ok = 0; break; }
                u8 *nb = jalloc(cap * 2);
                memcpy(nb, buf, n);
                buf = nb;
                cap *= 2;
            }
            int k = read(fd, buf + n, cap - n);
            if (k < 0) { ok = 0; break; }
            if (k == 0) break;
            n += (u32)k;
        }
        close(fd);
        if (ok) {
            arr = new_array(array_class(intern("[B", 2)), (i32)n);
            memcpy(ARRAY_DATA(arr), buf, n);
        }
    }
    r[0] = (u32)arr;
    if (arr) hook_native("readFile", 0, 0, ARRAY_DATA(arr), ARRAY_LEN(arr), 0);
    else hook_native("readFile", 0, 0, NULL, 0, 1);
    return 0;
}

NativeFn sys_native(const char *name, const char *desc) {
    static const struct { const char *name, *desc; NativeFn fn; } t[] = {
        {"read", "([BII)I", sys_read}, {"write", "([BII)V", sys_write}, {"print", "(Ljava/lang/String;)V", sys_print},
        {"time", "()J", sys_time}, {"readFile", "(Ljava/lang/String;)[B", sys_readfile},
    };
    for (u32 i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i].name, name) == 0 && strcmp(t[i].desc, desc) == 0) return t[i].fn;
    return NULL;
}
