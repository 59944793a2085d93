/* minijvm: the built-in part of java.lang (Object, String, StringBuilder, Integer, Math, Throwable and
 * the usual exceptions), objects, arrays, strings, exceptions raised by the runtime and the uncaught
 * exception report. Messages are HotSpot 17's, so a host JVM prints the same text. */
#include "jvm.h"

#define P(x) ((Object *)(x))
#define U(x) ((u32)(x))

Object *new_object(Class *c) {
    Object *o = jalloc(sizeof(Object) + 4 * c->inst_slots);
    o->cls = c;
    return o;
}

Object *new_array(Class *c, i32 len) {
    u32 bytes = (u32)len * c->elem_size;
    if ((u32)len > (16u << 20) || bytes > (16u << 20)) fatal("array of %d elements is too large", len);
    Object *o = jalloc(8 + bytes);
    o->cls = c;
    ARRAY_LEN(o) = (u32)len;
    return o;
}

Object *new_string(const u16 *chars, u32 len) {
    Object *s = new_object(vm.string_cls);
    u16 *d = jalloc(2 * len + 2);
    memcpy(d, chars, 2 * len);
    s->slots[STR_CHARS] = U(d);
    s->slots[STR_LEN] = len;
    return s;
}

Object *new_string_ascii(const char *a) {
    u32 n = strlen(a);
    Object *s = new_object(vm.string_cls);
    u16 *d = jalloc(2 * n + 2);
    for (u32 i = 0; i < n; i++) d[i] = (u8)a[i];
    s->slots[STR_CHARS] = U(d);
    s->slots[STR_LEN] = n;
    return s;
}

#define SCHARS(s) ((u16 *)(s)->slots[STR_CHARS])
#define SLEN(s) ((s)->slots[STR_LEN])

/* Literal strings from Utf8 constants (modified UTF-8), one object per distinct text as in HotSpot. */
Object *string_literal(const char *interned) {
    void **cell = intern_slot(interned);
    if (*cell) return *cell;
    u32 n = strlen(interned), k = 0;
    u16 *tmp = jalloc(2 * n + 2);
    const u8 *p = (const u8 *)interned, *end = p + n;
    while (p < end) {
        u32 c = *p++;
        if (c >= 0xE0 && end - p >= 2) { c = (c & 0x0F) << 12 | (p[0] & 0x3F) << 6 | (p[1] & 0x3F); p += 2; }
        else if (c >= 0xC0 && end - p >= 1) { c = (c & 0x1F) << 6 | (p[0] & 0x3F); p += 1; }
        tmp[k++] = (u16)c;
    }
    Object *s = new_object(vm.string_cls);
    s->slots[STR_CHARS] = U(tmp);
    s->slots[STR_LEN] = k;
    *cell = s;
    return s;
}

char *string_cstr(Object *s) {
    u32 n = SLEN(s);
    char *c = jalloc(n + 1);
    for (u32 i = 0; i < n; i++) c[i] = (char)SCHARS(s)[i];
    return c;
}

/* ---- exceptions raised by the runtime ---- */

static void set_trace(Object *exc) {
    exc->slots[THR_TRACE] = U(capture_trace(exc));
}

int throw_new(const char *cls, const char *msg) {
    Class *c = load_class(intern(cls, strlen(cls)));
    Object *e = new_object(c);
    if (msg) e->slots[THR_MESSAGE] = U(new_string_ascii(msg));
    set_trace(e);
    vm.exception = e;
    return -1;
}

int throw_npe(void) { return throw_new("java/lang/NullPointerException", NULL); }

int throw_aioobe(i32 index, u32 length) {
    char m[64];
    snprintf(m, sizeof m, "Index %d out of bounds for length %u", index, length);
    return throw_new("java/lang/ArrayIndexOutOfBoundsException", m);
}

static int throw_sioobe(const char *m) { return throw_new("java/lang/StringIndexOutOfBoundsException", m); }

static int throw_nfe(Object *s) {
    char *c = string_cstr(s);
    char *m = jalloc(strlen(c) + 32);
    snprintf(m, strlen(c) + 32, "For input string: \"%s\"", c);
    return throw_new("java/lang/NumberFormatException", m);
}

#define MAX_TRACE 1024          /* HotSpot's MaxJavaStackTraceDepth: the innermost 1024 frames */

/* HotSpot: skip the <init> frames of the exception's own class and its superclasses. */
Trace *capture_trace(Object *exc) {
    u32 n = frame_count(), first = 0;
    Method *m;
    u32 pc;
    for (; first < n; first++) {
        frame_at(first, &m, &pc);
        if (strcmp(m->name, "<init>") != 0 || !is_subclass(exc->cls, m->cls)) break;
    }
    if (n - first > MAX_TRACE) n = first + MAX_TRACE;
    Trace *t = jalloc(sizeof(Trace) + 8 * (n - first + 1));
    for (u32 i = first; i < n; i++) {
        frame_at(i, &m, &pc);
        t->e[t->n].m = m;
        t->e[t->n].pc = pc;
        t->n++;
    }
    return t;
}

/* ---- a growable byte buffer for the report ---- */
typedef struct { char *p; u32 len, cap; } Buf;
static void buf_add(Buf *b, const char *s, u32 n) {
    if (b->len + n + 1 > b->cap) {
        u32 cap = (b->len + n + 1) * 2;
        char *p = jalloc(cap);
        if (b->len) memcpy(p, b->p, b->len);
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void buf_str(Buf *b, const char *s) { buf_add(b, s, strlen(s)); }

static int line_of(Method *m, u32 pc) {
    int line = -1;
    u32 best = 0;
    for (u32 i = 0; i < m->nlines; i++)
        if (m->lines[i].pc <= pc && (line < 0 || m->lines[i].pc >= best)) { best = m->lines[i].pc; line = m->lines[i].line; }
    return line;
}

static Object *throwable_string(Object *e);

void print_uncaught(Object *exc) {
    Buf b = {0, 0, 0};
    buf_str(&b, "Exception in thread \"main\" ");
    Object *s = NULL;
    Method *ts = find_virtual(exc->cls, intern("toString", 8), intern("()Ljava/lang/String;", 20));
    if (ts && !ts->native) {                /* a program's own toString, as HotSpot's report calls it */
        u32 args[1] = {U(exc)}, ret[2] = {0, 0};
        vm.exception = NULL;
        if (run_method(ts, args, ret) == 0) s = P(ret[0]);
        vm.exception = NULL;
    } else {
        s = throwable_string(exc);
    }
    buf_str(&b, s ? string_cstr(s) : "null");
    buf_str(&b, "\n");
    Trace *t = (Trace *)exc->slots[THR_TRACE];
    for (u32 i = 0; t && i < t->n; i++) {
        Method *m = t->e[i].m;
        char line[16];
        buf_str(&b, "\tat ");
        buf_str(&b, dotted(m->cls->name));
        buf_str(&b, ".");
        buf_str(&b, m->name);
        buf_str(&b, "(");
        int ln = line_of(m, t->e[i].pc);
        if (!m->cls->source || ln < 0) buf_str(&b, "Unknown Source");   /* JVM-CONTRACT.md section 2 */
        else {
            buf_str(&b, m->cls->source);
            snprintf(line, sizeof line, ":%d", ln);
            buf_str(&b, line);
        }
        buf_str(&b, ")\n");
    }
    out_bytes(b.p, b.len);
    hook_uncaught(b.p, b.len);
    jvm_exit(EXIT_UNCAUGHT);
}

/* ---- java.lang.Object ---- */
static int obj_init(u32 *a, u32 *r) { return 0; }
static int obj_equals(u32 *a, u32 *r) { r[0] = a[0] == a[1]; return 0; }
static int obj_hash(u32 *a, u32 *r) { r[0] = a[0] >> 3; return 0; }
static int obj_tostring(u32 *a, u32 *r) {
    char m[160];
    snprintf(m, sizeof m, "%s@%x", dotted(P(a[0])->cls->name), a[0] >> 3);
    r[0] = U(new_string_ascii(m));
    return 0;
}

/* ---- java.lang.String ---- */
static int str_init(u32 *a, u32 *r) { return 0; }
static int str_init_str(u32 *a, u32 *r) {
    if (!a[1]) return throw_npe();
    P(a[0])->slots[STR_CHARS] = P(a[1])->slots[STR_CHARS];
    P(a[0])->slots[STR_LEN] = P(a[1])->slots[STR_LEN];
    return 0;
}
static int str_from(Object *s, Object *arr, i32 off, i32 len) {
    if (!arr) return throw_npe();
    u32 n = ARRAY_LEN(arr);
    if (off < 0 || len < 0 || (u32)off > n || (u32)len > n - (u32)off) {
        char m[80];
        snprintf(m, sizeof m, "offset %d, count %d, length %u", off, len, n);
        return throw_sioobe(m);
    }
    u16 *d = jalloc(2 * (u32)len + 2);
    for (i32 i = 0; i < len; i++)
        d[i] = arr->cls->elem_type == 'B' ? ((u8 *)ARRAY_DATA(arr))[off + i] : ((u16 *)ARRAY_DATA(arr))[off + i];
    s->slots[STR_CHARS] = U(d);
    s->slots[STR_LEN] = (u32)len;
    return 0;
}
static int str_init_arr(u32 *a, u32 *r) { return a[1] ? str_from(P(a[0]), P(a[1]), 0, ARRAY_LEN(P(a[1]))) : throw_npe(); }
static int str_init_arr3(u32 *a, u32 *r) { return str_from(P(a[0]), P(a[1]), a[2], a[3]); }
static int str_length(u32 *a, u32 *r) { r[0] = SLEN(P(a[0])); return 0; }
static int str_isempty(u32 *a, u32 *r) { r[0] = SLEN(P(a[0])) == 0; return 0; }
static int str_charat(u32 *a, u32 *r) {
    Object *s = P(a[0]);
    if (a[1] >= SLEN(s)) {
        char m[64];
        snprintf(m, sizeof m, "String index out of range: %d", (i32)a[1]);
        return throw_sioobe(m);
    }
    r[0] = SCHARS(s)[a[1]];
    return 0;
}
static int str_eq(Object *x, Object *y) {
    return y && y->cls == vm.string_cls && SLEN(x) == SLEN(y) && memcmp(SCHARS(x), SCHARS(y), 2 * SLEN(x)) == 0;
}
static int str_equals(u32 *a, u32 *r) { r[0] = str_eq(P(a[0]), P(a[1])); return 0; }
static int str_hash(u32 *a, u32 *r) {
    Object *s = P(a[0]);
    u32 h = 0;
    for (u32 i = 0; i < SLEN(s); i++) h = 31 * h + SCHARS(s)[i];
    r[0] = h;
    return 0;
}
static int substring(Object *s, i32 b, i32 e, u32 *r) {
    i32 n = (i32)SLEN(s);
    if (b < 0 || b > e || e > n) {
        char m[80];
        snprintf(m, sizeof m, "begin %d, end %d, length %d", b, e, n);
        return throw_sioobe(m);
    }
    r[0] = (b == 0 && e == n) ? U(s) : U(new_string(SCHARS(s) + b, e - b));
    return 0;
}
static int str_sub1(u32 *a, u32 *r) { return substring(P(a[0]), a[1], SLEN(P(a[0])), r); }
static int str_sub2(u32 *a, u32 *r) { return substring(P(a[0]), a[1], a[2], r); }
static int str_indexof_ch(u32 *a, u32 *r) {
    Object *s = P(a[0]);
    i32 i = (i32)a[2];
    if (i < 0) i = 0;
    for (; (u32)i < SLEN(s); i++)
        if (SCHARS(s)[i] == a[1]) { r[0] = i; return 0; }
    r[0] = (u32)-1;
    return 0;
}
static int str_indexof_c(u32 *a, u32 *r) { u32 b[3] = {a[0], a[1], 0}; return str_indexof_ch(b, r); }
static int find_sub(Object *s, Object *t, i32 from) {
    u32 n = SLEN(s), k = SLEN(t);
    if (from < 0) from = 0;
    for (u32 i = (u32)from; i + k <= n; i++)
        if (memcmp(SCHARS(s) + i, SCHARS(t), 2 * k) == 0) return (i32)i;
    return -1;
}
static int str_indexof_s(u32 *a, u32 *r) {
    if (!a[1]) return throw_npe();
    r[0] = (u32)find_sub(P(a[0]), P(a[1]), 0);
    return 0;
}
static int str_contains(u32 *a, u32 *r) {
    if (!a[1]) return throw_npe();
    if (P(a[1])->cls != vm.string_cls) return throw_new("java/lang/UnsupportedOperationException", "contains: not a String");
    r[0] = find_sub(P(a[0]), P(a[1]), 0) >= 0;
    return 0;
}
static int str_startswith(u32 *a, u32 *r) {
    if (!a[1]) return throw_npe();
    Object *s = P(a[0]), *p = P(a[1]);
    r[0] = SLEN(p) <= SLEN(s) && memcmp(SCHARS(s), SCHARS(p), 2 * SLEN(p)) == 0;
    return 0;
}
static int str_endswith(u32 *a, u32 *r) {
    if (!a[1]) return throw_npe();
    Object *s = P(a[0]), *p = P(a[1]);
    r[0] = SLEN(p) <= SLEN(s) && memcmp(SCHARS(s) + SLEN(s) - SLEN(p), SCHARS(p), 2 * SLEN(p)) == 0;
    return 0;
}
static int str_trim(u32 *a, u32 *r) {
    Object *s = P(a[0]);
    i32 b = 0, e = (i32)SLEN(s);
    while (b < e && SCHARS(s)[b] <= ' ') b++;
    while (e > b && SCHARS(s)[e - 1] <= ' ') e--;
    return substring(s, b, e, r);
}
static int str_tostring(u32 *a, u32 *r) { r[0] = a[0]; return 0; }
static int str_compareto(u32 *a, u32 *r) {
    if (!a[1]) return throw_npe();
    Object *x = P(a[0]), *y = P(a[1]);
    u32 n = SLEN(x) < SLEN(y) ? SLEN(x) : SLEN(y);
    for (u32 i = 0; i < n; i++)
        if (SCHARS(x)[i] != SCHARS(y)[i]) { r[0] = (u32)((i32)SCHARS(x)[i] - (i32)SCHARS(y)[i]); return 0; }
    r[0] = SLEN(x) - SLEN(y);
    return 0;
}
static int str_concat(u32 *a, u32 *r) {
    if (!a[1]) return throw_npe();
    Object *x = P(a[0]), *y = P(a[1]);
    u16 *d = jalloc(2 * (SLEN(x) + SLEN(y)) + 2);
    memcpy(d, SCHARS(x), 2 * SLEN(x));
    memcpy(d + SLEN(x), SCHARS(y), 2 * SLEN(y));
    r[0] = U(new_string(d, SLEN(x) + SLEN(y)));
    return 0;
}
static int str_case(u32 *a, u32 *r, int upper) {
    Object *s = P(a[0]);
    u16 *d = jalloc(2 * SLEN(s) + 2);
    for (u32 i = 0; i < SLEN(s); i++) {
        u16 c = SCHARS(s)[i];
        if (upper && c >= 'a' && c <= 'z') c -= 32;
        if (!upper && c >= 'A' && c <= 'Z') c += 32;
        d[i] = c;
    }
    r[0] = U(new_string(d, SLEN(s)));
    return 0;
}
static int str_upper(u32 *a, u32 *r) { return str_case(a, r, 1); }
static int str_lower(u32 *a, u32 *r) { return str_case(a, r, 0); }
static int str_tochars(u32 *a, u32 *r) {
    Object *s = P(a[0]);
    Object *arr = new_array(array_class(intern("[C", 2)), SLEN(s));
    memcpy(ARRAY_DATA(arr), SCHARS(s), 2 * SLEN(s));
    r[0] = U(arr);
    return 0;
}
static int str_getbytes(u32 *a, u32 *r) {
    Object *s = P(a[0]);
    Object *arr = new_array(array_class(intern("[B", 2)), SLEN(s));
    for (u32 i = 0; i < SLEN(s); i++) ((u8 *)ARRAY_DATA(arr))[i] = (u8)SCHARS(s)[i];
    r[0] = U(arr);
    return 0;
}
static int str_valueof_i(u32 *a, u32 *r) {
    char b[24];
    fmt_long(b, (i32)a[0]);
    r[0] = U(new_string_ascii(b));
    return 0;
}
static int str_valueof_j(u32 *a, u32 *r) {
    char b[24];
    fmt_long(b, (i64)((u64)a[1] << 32 | a[0]));
    r[0] = U(new_string_ascii(b));
    return 0;
}
static int str_valueof_c(u32 *a, u32 *r) { u16 c = (u16)a[0]; r[0] = U(new_string(&c, 1)); return 0; }
static int str_valueof_z(u32 *a, u32 *r) { r[0] = U(new_string_ascii(a[0] ? "true" : "false")); return 0; }

/* ---- java.lang.StringBuilder ---- */
static void sb_reserve(Object *sb, u32 extra) {
    u32 len = sb->slots[SB_LEN], cap = sb->slots[SB_CAP];
    if (len + extra <= cap) return;
    u32 ncap = (len + extra) * 2 + 16;
    u16 *d = jalloc(2 * ncap);
    if (len) memcpy(d, (u16 *)sb->slots[SB_BUF], 2 * len);
    sb->slots[SB_BUF] = U(d);
    sb->slots[SB_CAP] = ncap;
}
static void sb_add16(Object *sb, const u16 *c, u32 n) {
    sb_reserve(sb, n);
    memcpy((u16 *)sb->slots[SB_BUF] + sb->slots[SB_LEN], c, 2 * n);
    sb->slots[SB_LEN] += n;
}
static void sb_add8(Object *sb, const char *c) {
    u32 n = strlen(c);
    sb_reserve(sb, n);
    u16 *d = (u16 *)sb->slots[SB_BUF] + sb->slots[SB_LEN];
    for (u32 i = 0; i < n; i++) d[i] = (u8)c[i];
    sb->slots[SB_LEN] += n;
}
static int sb_init(u32 *a, u32 *r) { return 0; }
static int sb_init_cap(u32 *a, u32 *r) {
    if ((i32)a[1] < 0) { char m[32]; snprintf(m, sizeof m, "%d", (i32)a[1]); return throw_new("java/lang/NegativeArraySizeException", m); }
    return 0;
}
static int sb_init_str(u32 *a, u32 *r) {
    if (!a[1]) return throw_npe();
    sb_add16(P(a[0]), SCHARS(P(a[1])), SLEN(P(a[1])));
    return 0;
}
static int sb_append_s(u32 *a, u32 *r) {
    if (!a[1]) sb_add8(P(a[0]), "null");
    else sb_add16(P(a[0]), SCHARS(P(a[1])), SLEN(P(a[1])));
    r[0] = a[0];
    return 0;
}
static int sb_append_i(u32 *a, u32 *r) { char b[24]; fmt_long(b, (i32)a[1]); sb_add8(P(a[0]), b); r[0] = a[0]; return 0; }
static int sb_append_j(u32 *a, u32 *r) {
    char b[24];
    fmt_long(b, (i64)((u64)a[2] << 32 | a[1]));
    sb_add8(P(a[0]), b);
    r[0] = a[0];
    return 0;
}
static int sb_append_c(u32 *a, u32 *r) { u16 c = (u16)a[1]; sb_add16(P(a[0]), &c, 1); r[0] = a[0]; return 0; }
static int sb_append_z(u32 *a, u32 *r) { sb_add8(P(a[0]), a[1] ? "true" : "false"); r[0] = a[0]; return 0; }
static int sb_append_o(u32 *a, u32 *r) {
    Object *o = P(a[1]);
    if (!o) { sb_add8(P(a[0]), "null"); r[0] = a[0]; return 0; }
    Method *m = find_virtual(o->cls, intern("toString", 8), intern("()Ljava/lang/String;", 20));
    u32 args[1] = {a[1]}, ret[2] = {0, 0};
    if (!m || (m->native ? m->native(args, ret) : run_method(m, args, ret)) < 0) return -1;
    u32 b[2] = {a[0], ret[0]};
    return sb_append_s(b, r);
}
static int sb_tostring(u32 *a, u32 *r) {
    Object *sb = P(a[0]);
    r[0] = U(new_string((u16 *)sb->slots[SB_BUF], sb->slots[SB_LEN]));
    return 0;
}
static int sb_length(u32 *a, u32 *r) { r[0] = P(a[0])->slots[SB_LEN]; return 0; }
static int sb_charat(u32 *a, u32 *r) {
    Object *sb = P(a[0]);
    if (a[1] >= sb->slots[SB_LEN]) {
        char m[64];
        snprintf(m, sizeof m, "index %d, length %u", (i32)a[1], sb->slots[SB_LEN]);
        return throw_sioobe(m);
    }
    r[0] = ((u16 *)sb->slots[SB_BUF])[a[1]];
    return 0;
}
static int sb_setlength(u32 *a, u32 *r) {
    Object *sb = P(a[0]);
    i32 n = (i32)a[1];
    if (n < 0) { char m[64]; snprintf(m, sizeof m, "String index out of range: %d", n); return throw_sioobe(m); }
    if ((u32)n > sb->slots[SB_LEN]) {
        sb_reserve(sb, (u32)n - sb->slots[SB_LEN]);
        memset((u16 *)sb->slots[SB_BUF] + sb->slots[SB_LEN], 0, 2 * ((u32)n - sb->slots[SB_LEN]));
    }
    sb->slots[SB_LEN] = (u32)n;
    return 0;
}

/* ---- java.lang.Integer, java.lang.Math ---- */
static int parse_int(Object *s, i32 radix, u32 *r) {
    if (!s) return throw_new("java/lang/NumberFormatException", "Cannot parse null string");
    u32 n = SLEN(s), i = 0;
    const u16 *c = SCHARS(s);
    int neg = 0;
    if (n > 0 && (c[0] == '-' || c[0] == '+')) { neg = c[0] == '-'; i = 1; }
    if (i == n) return throw_nfe(s);
    i64 limit = neg ? (i64)2147483648LL : (i64)2147483647LL, v = 0;
    for (; i < n; i++) {
        i32 d = c[i] >= '0' && c[i] <= '9' ? c[i] - '0' : c[i] >= 'a' && c[i] <= 'z' ? c[i] - 'a' + 10
              : c[i] >= 'A' && c[i] <= 'Z' ? c[i] - 'A' + 10 : 99;
        if (d >= radix) return throw_nfe(s);
        v = v * radix + d;
        if (v > limit) return throw_nfe(s);
    }
    r[0] = (u32)(neg ? -v : v);
    return 0;
}
static int int_parse(u32 *a, u32 *r) { return parse_int(P(a[0]), 10, r); }
static int int_parse_radix(u32 *a, u32 *r) {
    if ((i32)a[1] < 2 || (i32)a[1] > 36) return throw_new("java/lang/NumberFormatException", "radix out of range");
    if (a[1] != 10 && a[0]) {
        u32 rr;
        if (parse_int(P(a[0]), a[1], &rr) < 0) {
            char *c = string_cstr(P(a[0]));
            char *m = jalloc(strlen(c) + 64);
            snprintf(m, strlen(c) + 64, "For input string: \"%s\" under radix %d", c, (i32)a[1]);
            return throw_new("java/lang/NumberFormatException", m);
        }
        r[0] = rr;
        return 0;
    }
    return parse_int(P(a[0]), a[1], r);
}
static int math_max(u32 *a, u32 *r) { r[0] = (i32)a[0] > (i32)a[1] ? a[0] : a[1]; return 0; }
static int math_min(u32 *a, u32 *r) { r[0] = (i32)a[0] < (i32)a[1] ? a[0] : a[1]; return 0; }
static int math_abs(u32 *a, u32 *r) { r[0] = (i32)a[0] < 0 ? -a[0] : a[0]; return 0; }
static i64 L(u32 *a) { return (i64)((u64)a[1] << 32 | a[0]); }
static int math_lmax(u32 *a, u32 *r) { u32 *w = L(a) > L(a + 2) ? a : a + 2; r[0] = w[0]; r[1] = w[1]; return 0; }
static int math_lmin(u32 *a, u32 *r) { u32 *w = L(a) < L(a + 2) ? a : a + 2; r[0] = w[0]; r[1] = w[1]; return 0; }
static int math_labs(u32 *a, u32 *r) { u64 v = (u64)L(a); if (L(a) < 0) v = 0 - v; r[0] = (u32)v; r[1] = (u32)(v >> 32); return 0; }

static int long_parse(u32 *a, u32 *r) {
    Object *s = P(a[0]);
    if (!s) return throw_new("java/lang/NumberFormatException", "Cannot parse null string");
    u32 n = SLEN(s), i = 0;
    const u16 *c = SCHARS(s);
    int neg = 0;
    if (n > 0 && (c[0] == '-' || c[0] == '+')) { neg = c[0] == '-'; i = 1; }
    if (i == n) return throw_nfe(s);
    u64 limit = neg ? (u64)1 << 63 : ((u64)1 << 63) - 1, v = 0;
    for (; i < n; i++) {
        if (c[i] < '0' || c[i] > '9' || v > 922337203685477580ULL) return throw_nfe(s);
        v = v * 10 + (c[i] - '0');
        if (v > limit) return throw_nfe(s);
    }
    if (neg) v = 0 - v;
    r[0] = (u32)v;
    r[1] = (u32)(v >> 32);
    return 0;
}
static int long_tostring(u32 *a, u32 *r) { return str_valueof_j(a, r); }
static int long_compare(u32 *a, u32 *r) { i64 x = L(a), y = L(a + 2); r[0] = x < y ? (u32)-1 : x > y; return 0; }
static int int_compare(u32 *a, u32 *r) { r[0] = (i32)a[0] < (i32)a[1] ? (u32)-1 : (i32)a[0] > (i32)a[1]; return 0; }

/* ---- java.lang.Character (ASCII classification) ---- */
static int chr_isdigit(u32 *a, u32 *r) { r[0] = a[0] >= '0' && a[0] <= '9'; return 0; }
static int chr_isletter(u32 *a, u32 *r) { u32 c = a[0] | 32; r[0] = c >= 'a' && c <= 'z'; return 0; }
static int chr_isspace(u32 *a, u32 *r) { r[0] = a[0] == ' ' || (a[0] >= 9 && a[0] <= 13) || (a[0] >= 28 && a[0] <= 31); return 0; }

/* ---- java.lang.System.arraycopy, with HotSpot 17's checks in its order ---- */
static void array_type(Class *c, char *buf, u32 n) {
    static const char *const prim[] = {"boolean", "byte", "char", "short", "int", "long", "float", "double"};
    static const char codes[] = "ZBCSIJFD";
    if (c->elem_type == 'L' || c->elem_type == '[') { snprintf(buf, n, "object array"); return; }
    for (u32 i = 0; i < 8; i++)
        if (codes[i] == c->elem_type) snprintf(buf, n, "%s", prim[i]);
}
static int sys_arraycopy(u32 *a, u32 *r) {
    Object *src = P(a[0]), *dst = P(a[2]);
    i32 sp = (i32)a[1], dp = (i32)a[3], len = (i32)a[4];
    char m[200], st[16], dt[16];
    if (!src || !dst) return throw_npe();
    if (!src->cls->elem_type || !dst->cls->elem_type) {
        int s_bad = !src->cls->elem_type;
        snprintf(m, sizeof m, "arraycopy: %s type %s is not an array", s_bad ? "source" : "destination",
                 dotted((s_bad ? src : dst)->cls->name));
        return throw_new("java/lang/ArrayStoreException", m);
    }
    array_type(src->cls, st, sizeof st);
    array_type(dst->cls, dt, sizeof dt);
    int sref = src->cls->elem_size == 4 && (src->cls->elem_type == 'L' || src->cls->elem_type == '[');
    int dref = dst->cls->elem_size == 4 && (dst->cls->elem_type == 'L' || dst->cls->elem_type == '[');
    if (sref != dref || (!sref && src->cls->elem_type != dst->cls->elem_type)) {
        snprintf(m, sizeof m, "arraycopy: type mismatch: can not copy %s[] into %s[]", st, dt);
        return throw_new("java/lang/ArrayStoreException", m);
    }
    u32 sl = ARRAY_LEN(src), dl = ARRAY_LEN(dst);
    if (sp < 0) snprintf(m, sizeof m, "arraycopy: source index %d out of bounds for %s[%u]", sp, st, sl);
    else if (dp < 0) snprintf(m, sizeof m, "arraycopy: destination index %d out of bounds for %s[%u]", dp, dt, dl);
    else if (len < 0) snprintf(m, sizeof m, "arraycopy: length %d is negative", len);
    else if ((u32)sp + (u32)len > sl) snprintf(m, sizeof m, "arraycopy: last source index %u out of bounds for %s[%u]", (u32)sp + (u32)len, st, sl);
    else if ((u32)dp + (u32)len > dl) snprintf(m, sizeof m, "arraycopy: last destination index %u out of bounds for %s[%u]", (u32)dp + (u32)len, dt, dl);
    else m[0] = 0;
    if (m[0]) return throw_new("java/lang/ArrayIndexOutOfBoundsException", m);
    u32 es = src->cls->elem_size;
    u8 *s8 = (u8 *)ARRAY_DATA(src) + (u32)sp * es, *d8 = (u8 *)ARRAY_DATA(dst) + (u32)dp * es;
    if (sref && dst->cls->elem_cls && !is_subclass(src->cls, dst->cls)) {    /* element by element */
        Object **so = (Object **)s8, **dobj = (Object **)d8;
        for (i32 i = 0; i < len; i++) {
            if (so[i] && !is_subclass(so[i]->cls, dst->cls->elem_cls)) {
                snprintf(m, sizeof m, "arraycopy: element type mismatch: can not cast one of the elements of %s[] to the "
                         "type of the destination array, %s", src->cls->elem_cls ? dotted(src->cls->elem_cls->name)
                         : "?", dotted(dst->cls->elem_cls->name));
                return throw_new("java/lang/ArrayStoreException", m);
            }
            dobj[i] = so[i];
        }
        return 0;
    }
    memmove(d8, s8, (u32)len * es);
    return 0;
}

/* ---- java.lang.Throwable ---- */
static int thr_init(u32 *a, u32 *r) { set_trace(P(a[0])); return 0; }
static int thr_init_msg(u32 *a, u32 *r) { P(a[0])->slots[THR_MESSAGE] = a[1]; set_trace(P(a[0])); return 0; }
static int thr_init_msg_cause(u32 *a, u32 *r) {
    P(a[0])->slots[THR_MESSAGE] = a[1];
    P(a[0])->slots[THR_CAUSE] = a[2];
    set_trace(P(a[0]));
    return 0;
}
static Object *throwable_string(Object *e) {
    const char *name = dotted(e->cls->name);
    Object *msg = P(e->slots[THR_MESSAGE]);
    Method *gm = find_virtual(e->cls, intern("getMessage", 10), intern("()Ljava/lang/String;", 20));
    if (gm && !gm->native) {                 /* getLocalizedMessage() -> a program's getMessage() */
        u32 args[1] = {U(e)}, ret[2] = {0, 0};
        Object *saved = vm.exception;
        if (run_method(gm, args, ret) == 0) msg = P(ret[0]);
        vm.exception = saved;
    }
    if (!msg) return new_string_ascii(name);
    char *m = string_cstr(msg);
    char *t = jalloc(strlen(name) + strlen(m) + 3);
    strcpy(t, name);
    strcat(t, ": ");
    strcat(t, m);
    return new_string_ascii(t);
}
static int thr_init_cause(u32 *a, u32 *r) {
    P(a[0])->slots[THR_CAUSE] = a[1];
    if (a[1]) P(a[0])->slots[THR_MESSAGE] = U(throwable_string(P(a[1])));
    set_trace(P(a[0]));
    return 0;
}
static int thr_suppressed(u32 *a, u32 *r) {     /* try-with-resources: kept by HotSpot, dropped here */
    if (!a[1]) return throw_npe();
    if (a[1] == a[0]) return throw_new("java/lang/IllegalArgumentException", "Self-suppression not permitted");
    return 0;
}
static int thr_message(u32 *a, u32 *r) { r[0] = P(a[0])->slots[THR_MESSAGE]; return 0; }
static int thr_cause(u32 *a, u32 *r) { r[0] = P(a[0])->slots[THR_CAUSE]; return 0; }
static int thr_tostring(u32 *a, u32 *r) { r[0] = U(throwable_string(P(a[0]))); return 0; }

/* ---- the class table ---- */
typedef struct { const char *name, *desc; NativeFn fn; u16 flags; } BMethod;
typedef struct { const char *name, *super; u32 own_slots; const BMethod *methods; u16 flags; const char *iface; } BClass;

#define S ACC_STATIC
static const BMethod object_m[] = {
    {"<init>", "()V", obj_init, 0}, {"equals", "(Ljava/lang/Object;)Z", obj_equals, 0},
    {"hashCode", "()I", obj_hash, 0}, {"toString", "()Ljava/lang/String;", obj_tostring, 0}, {0, 0, 0, 0}};
static const BMethod string_m[] = {
    {"<init>", "()V", str_init, 0}, {"<init>", "(Ljava/lang/String;)V", str_init_str, 0},
    {"<init>", "([B)V", str_init_arr, 0}, {"<init>", "([BII)V", str_init_arr3, 0},
    {"<init>", "([C)V", str_init_arr, 0}, {"<init>", "([CII)V", str_init_arr3, 0},
    {"length", "()I", str_length, 0}, {"isEmpty", "()Z", str_isempty, 0}, {"charAt", "(I)C", str_charat, 0},
    {"equals", "(Ljava/lang/Object;)Z", str_equals, 0}, {"hashCode", "()I", str_hash, 0},
    {"substring", "(I)Ljava/lang/String;", str_sub1, 0}, {"substring", "(II)Ljava/lang/String;", str_sub2, 0},
    {"indexOf", "(I)I", str_indexof_c, 0}, {"indexOf", "(II)I", str_indexof_ch, 0},
    {"indexOf", "(Ljava/lang/String;)I", str_indexof_s, 0}, {"contains", "(Ljava/lang/CharSequence;)Z", str_contains, 0},
    {"startsWith", "(Ljava/lang/String;)Z", str_startswith, 0}, {"endsWith", "(Ljava/lang/String;)Z", str_endswith, 0},
    {"trim", "()Ljava/lang/String;", str_trim, 0}, {"toString", "()Ljava/lang/String;", str_tostring, 0},
    {"compareTo", "(Ljava/lang/String;)I", str_compareto, 0}, {"concat", "(Ljava/lang/String;)Ljava/lang/String;", str_concat, 0},
    {"toUpperCase", "()Ljava/lang/String;", str_upper, 0}, {"toLowerCase", "()Ljava/lang/String;", str_lower, 0},
    {"toCharArray", "()[C", str_tochars, 0}, {"getBytes", "()[B", str_getbytes, 0},
    {"valueOf", "(I)Ljava/lang/String;", str_valueof_i, S}, {"valueOf", "(J)Ljava/lang/String;", str_valueof_j, S},
    {"valueOf", "(C)Ljava/lang/String;", str_valueof_c, S}, {"valueOf", "(Z)Ljava/lang/String;", str_valueof_z, S},
    {0, 0, 0, 0}};
static const BMethod sb_m[] = {
    {"<init>", "()V", sb_init, 0}, {"<init>", "(I)V", sb_init_cap, 0}, {"<init>", "(Ljava/lang/String;)V", sb_init_str, 0},
    {"append", "(Ljava/lang/String;)Ljava/lang/StringBuilder;", sb_append_s, 0},
    {"append", "(I)Ljava/lang/StringBuilder;", sb_append_i, 0}, {"append", "(J)Ljava/lang/StringBuilder;", sb_append_j, 0},
    {"append", "(C)Ljava/lang/StringBuilder;", sb_append_c, 0}, {"append", "(Z)Ljava/lang/StringBuilder;", sb_append_z, 0},
    {"append", "(Ljava/lang/Object;)Ljava/lang/StringBuilder;", sb_append_o, 0},
    {"toString", "()Ljava/lang/String;", sb_tostring, 0}, {"length", "()I", sb_length, 0},
    {"charAt", "(I)C", sb_charat, 0}, {"setLength", "(I)V", sb_setlength, 0}, {0, 0, 0, 0}};
static const BMethod integer_m[] = {
    {"parseInt", "(Ljava/lang/String;)I", int_parse, S}, {"parseInt", "(Ljava/lang/String;I)I", int_parse_radix, S},
    {"toString", "(I)Ljava/lang/String;", str_valueof_i, S}, {"compare", "(II)I", int_compare, S}, {0, 0, 0, 0}};
static const BMethod math_m[] = {
    {"max", "(II)I", math_max, S}, {"min", "(II)I", math_min, S}, {"abs", "(I)I", math_abs, S},
    {"max", "(JJ)J", math_lmax, S}, {"min", "(JJ)J", math_lmin, S}, {"abs", "(J)J", math_labs, S}, {0, 0, 0, 0}};
static const BMethod long_m[] = {
    {"parseLong", "(Ljava/lang/String;)J", long_parse, S}, {"toString", "(J)Ljava/lang/String;", long_tostring, S},
    {"compare", "(JJ)I", long_compare, S},
    {0, 0, 0, 0}};
static const BMethod char_m[] = {
    {"isDigit", "(C)Z", chr_isdigit, S}, {"isLetter", "(C)Z", chr_isletter, S}, {"isWhitespace", "(C)Z", chr_isspace, S},
    {0, 0, 0, 0}};
static const BMethod system_m[] = {
    {"arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V", sys_arraycopy, S}, {0, 0, 0, 0}};
static const BMethod throwable_m[] = {
    {"<init>", "()V", thr_init, 0}, {"<init>", "(Ljava/lang/String;)V", thr_init_msg, 0},
    {"<init>", "(Ljava/lang/String;Ljava/lang/Throwable;)V", thr_init_msg_cause, 0},
    {"<init>", "(Ljava/lang/Throwable;)V", thr_init_cause, 0},
    {"getMessage", "()Ljava/lang/String;", thr_message, 0}, {"getLocalizedMessage", "()Ljava/lang/String;", thr_message, 0},
    {"getCause", "()Ljava/lang/Throwable;", thr_cause, 0}, {"toString", "()Ljava/lang/String;", thr_tostring, 0},
    {"addSuppressed", "(Ljava/lang/Throwable;)V", thr_suppressed, 0},
    {0, 0, 0, 0}};
static const BMethod none_m[] = {{0, 0, 0, 0}};
#undef S

static const BClass table[] = {
    {"java/lang/Object", NULL, 0, object_m, 0, NULL},
    {"java/lang/String", "java/lang/Object", STR_SLOTS, string_m, 0, "java/lang/CharSequence"},
    {"java/lang/CharSequence", "java/lang/Object", 0, none_m, ACC_INTERFACE | ACC_ABSTRACT, NULL},
    {"java/lang/Comparable", "java/lang/Object", 0, none_m, ACC_INTERFACE | ACC_ABSTRACT, NULL},
    {"java/lang/Runnable", "java/lang/Object", 0, none_m, ACC_INTERFACE | ACC_ABSTRACT, NULL},
    {"java/lang/AutoCloseable", "java/lang/Object", 0, none_m, ACC_INTERFACE | ACC_ABSTRACT, NULL},
    {"java/lang/Cloneable", "java/lang/Object", 0, none_m, ACC_INTERFACE | ACC_ABSTRACT, NULL},
    {"java/lang/StringBuilder", "java/lang/Object", SB_SLOTS, sb_m, 0, NULL},
    {"java/lang/Integer", "java/lang/Object", 0, integer_m, 0, NULL},
    {"java/lang/Math", "java/lang/Object", 0, math_m, 0, NULL},
    {"java/lang/Long", "java/lang/Object", 0, long_m, 0, NULL},
    {"java/lang/Character", "java/lang/Object", 0, char_m, 0, NULL},
    {"java/lang/System", "java/lang/Object", 0, system_m, 0, NULL},
    {"java/lang/Throwable", "java/lang/Object", THR_SLOTS, throwable_m, 0, NULL},
    {"java/lang/Exception", "java/lang/Throwable", 0, none_m, 0, NULL},
    {"java/lang/Error", "java/lang/Throwable", 0, none_m, 0, NULL},
    {"java/lang/VirtualMachineError", "java/lang/Error", 0, none_m, 0, NULL},
    {"java/lang/StackOverflowError", "java/lang/VirtualMachineError", 0, none_m, 0, NULL},
    {"java/lang/RuntimeException", "java/lang/Exception", 0, none_m, 0, NULL},
    {"java/lang/ArithmeticException", "java/lang/RuntimeException", 0, none_m, 0, NULL},
    {"java/lang/IndexOutOfBoundsException", "java/lang/RuntimeException", 0, none_m, 0, NULL},
    {"java/lang/ArrayIndexOutOfBoundsException", "java/lang/IndexOutOfBoundsException", 0, none_m, 0, NULL},
    {"java/lang/StringIndexOutOfBoundsException", "java/lang/IndexOutOfBoundsException", 0, none_m, 0, NULL},
    {"java/lang/NullPointerException", "java/lang/RuntimeException", 0, none_m, 0, NULL},
    {"java/lang/ClassCastException", "java/lang/RuntimeException", 0, none_m, 0, NULL},
    {"java/lang/NegativeArraySizeException", "java/lang/RuntimeException", 0, none_m, 0, NULL},
    {"java/lang/ArrayStoreException", "java/lang/RuntimeException", 0, none_m, 0, NULL},
    {"java/lang/IllegalArgumentException", "java/lang/RuntimeException", 0, none_m, 0, NULL},
    {"java/lang/NumberFormatException", "java/lang/IllegalArgumentException", 0, none_m, 0, NULL},
    {"java/lang/IllegalStateException", "java/lang/RuntimeException", 0, none_m, 0, NULL},
    {"java/lang/UnsupportedOperationException", "java/lang/RuntimeException", 0, none_m, 0, NULL},
    {"java/lang/IncompatibleClassChangeError", "java/lang/Error", 0, none_m, 0, NULL},
    {"java/lang/AbstractMethodError", "java/lang/IncompatibleClassChangeError", 0, none_m, 0, NULL},
};

Class *define_builtin(const char *name) {
    const BClass *b = NULL;
    for (u32 i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0) b = &table[i];
    if (!b) return NULL;
    Class *c = jalloc(sizeof(Class));
    c->name = name;
    c->builtin = 1;
    c->init_state = 2;
    c->flags = ACC_PUBLIC | b->flags;
    c->super = b->super ? load_class(intern(b->super, strlen(b->super))) : NULL;
    c->inst_slots = (c->super ? c->super->inst_slots : 0) + b->own_slots;
    u32 n = 0;
    while (b->methods[n].name) n++;
    c->nmethods = (u16)n;
    c->methods = jalloc(sizeof(Method) * (n + 1));
    for (u32 i = 0; i < n; i++) {
        Method *m = &c->methods[i];
        m->cls = c;
        m->name = intern(b->methods[i].name, strlen(b->methods[i].name));
        m->desc = intern(b->methods[i].desc, strlen(b->methods[i].desc));
        m->flags = b->methods[i].flags | ACC_PUBLIC | ACC_NATIVE;
        m->native = b->methods[i].fn;
        parse_desc(m);
    }
    c->ifaces = jalloc(2 * sizeof(Class *));
    c->next = vm.classes;
    vm.classes = c;
    if (b->iface) {                       /* String: CharSequence and Comparable */
        c->ifaces[c->nifaces++] = load_class(intern(b->iface, strlen(b->iface)));
        c->ifaces[c->nifaces++] = load_class(intern("java/lang/Comparable", 20));
    }
    return c;
}

void builtins_init(void) {
    vm.object_cls = load_class(intern("java/lang/Object", 16));
    vm.string_cls = load_class(intern("java/lang/String", 16));
    vm.sb_cls = load_class(intern("java/lang/StringBuilder", 23));
    vm.throwable_cls = load_class(intern("java/lang/Throwable", 19));
}
