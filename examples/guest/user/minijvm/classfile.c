/* minijvm: class loading. Every read of a class file is bounds-checked: a truncated or malformed
 * file ends the run with one "minijvm: bad class file ..." line (status 2), never a crash. */
#include "jvm.h"

typedef short i16;

typedef struct { const u8 *p, *end, *start; const char *file; } Reader;

static void bad(Reader *r, const char *what) {
    fatal("bad class file %s: %s at offset %u", r->file, what, (u32)(r->p - r->start));
}
static void need(Reader *r, u32 n) {
    if ((u32)(r->end - r->p) < n) bad(r, "truncated");
}
static u8 u1(Reader *r) { need(r, 1); return *r->p++; }
static u16 u2(Reader *r) { need(r, 2); u16 v = (u16)(r->p[0] << 8 | r->p[1]); r->p += 2; return v; }
static u32 u4(Reader *r) {
    need(r, 4);
    u32 v = (u32)r->p[0] << 24 | (u32)r->p[1] << 16 | (u32)r->p[2] << 8 | r->p[3];
    r->p += 4;
    return v;
}

static const char *cp_utf8(Class *c, Reader *r, u16 i) {
    if (i == 0 || i >= c->ncp || c->cp[i].tag != 1) bad(r, "constant is not a Utf8");
    return c->cp[i].utf8;
}

static void parse_cp(Class *c, Reader *r) {
    c->ncp = u2(r);
    c->cp = jalloc(sizeof(CpEntry) * (c->ncp ? c->ncp : 1));
    for (u32 i = 1; i < c->ncp; i++) {
        CpEntry *e = &c->cp[i];
        e->tag = u1(r);
        switch (e->tag) {
        case 1: { u16 n = u2(r); need(r, n); e->utf8 = intern((const char *)r->p, n); r->p += n; break; }
        case 3: case 4: e->a = u4(r); break;
        case 5: case 6:
            e->b = u4(r); e->a = u4(r);
            if (++i >= c->ncp) bad(r, "long constant at the end of the pool");
            break;
        case 7: case 8: case 16: case 19: case 20: e->a = u2(r); break;
        case 9: case 10: case 11: case 12: case 17: case 18: e->a = u2(r); e->b = u2(r); break;
        case 15: e->a = u1(r); e->b = u2(r); break;
        default: bad(r, "unknown constant tag");
        }
    }
    for (u32 i = 1; i < c->ncp; i++) {       /* indices checked once, so the interpreter need not */
        CpEntry *e = &c->cp[i];
        if (e->tag == 7 || e->tag == 8) cp_utf8(c, r, (u16)e->a);
        if (e->tag == 12) { cp_utf8(c, r, (u16)e->a); cp_utf8(c, r, (u16)e->b); }
        if (e->tag >= 9 && e->tag <= 11) {
            if (e->a == 0 || e->a >= c->ncp || c->cp[e->a].tag != 7 || e->b == 0 || e->b >= c->ncp
                    || c->cp[e->b].tag != 12)
                bad(r, "bad member reference");
        }
    }
}

static void parse_code(Class *c, Method *m, Reader *r, u32 len) {
    const u8 *end = r->p + len;
    m->max_stack = u2(r);
    m->max_locals = u2(r);
    m->code_len = u4(r);
    if (m->code_len == 0 || m->code_len > 65535) bad(r, "bad code length");
    need(r, m->code_len);
    m->code = r->p;
    r->p += m->code_len;
    m->nexc = u2(r);
    m->exc = jalloc(sizeof(ExcEntry) * (m->nexc + 1));
    for (u32 i = 0; i < m->nexc; i++) {
        ExcEntry *x = &m->exc[i];
        x->start = u2(r); x->end = u2(r); x->handler = u2(r); x->catch_type = u2(r);
        if (x->handler >= m->code_len || (x->catch_type && (x->catch_type >= c->ncp || c->cp[x->catch_type].tag != 7)))
            bad(r, "bad exception table entry");
    }
    u16 nattr = u2(r);
    for (u32 i = 0; i < nattr; i++) {
        const char *name = cp_utf8(c, r, u2(r));
        u32 alen = u4(r);
        need(r, alen);
        const u8 *next = r->p + alen;
        if (strcmp(name, "LineNumberTable") == 0 && m->lines == NULL) {
            m->nlines = u2(r);
            if ((u32)m->nlines * 4 + 2 > alen) bad(r, "bad LineNumberTable");
            m->lines = jalloc(sizeof(LineEntry) * (m->nlines + 1));
            for (u32 k = 0; k < m->nlines; k++) { m->lines[k].pc = u2(r); m->lines[k].line = u2(r); }
        }
        r->p = next;
    }
    if (r->p != end) bad(r, "bad Code attribute length");
}

/* Structural checks of a method's code (not a verifier: operand types and stack depths are
 * trusted): instruction lengths, local variable indices, branch targets on instruction
 * boundaries, constant-pool references of the right kinds, exception table ranges. */
static int cp_is(Class *c, u32 i, u32 tags) {
    return i > 0 && i < c->ncp && ((tags >> c->cp[i].tag) & 1);
}
#define T(x) (1u << (x))

static u32 insn_len(const u8 *code, u32 pc, u32 len) {
    u8 op = code[pc];
    if (op == 0xaa || op == 0xab) {
        u32 b = (pc + 4) & ~3u;
        if (b + 12 > len) return 0;
        i32 a1 = (i32)((u32)code[b + 4] << 24 | (u32)code[b + 5] << 16 | (u32)code[b + 6] << 8 | code[b + 7]);
        i32 a2 = (i32)((u32)code[b + 8] << 24 | (u32)code[b + 9] << 16 | (u32)code[b + 10] << 8 | code[b + 11]);
        i64 n = op == 0xaa ? (i64)a2 - a1 + 1 : a1;
        if (n < 0 || n > 65536) return 0;
        return (b - pc) + (op == 0xaa ? 12 + 4 * (u32)n : 8 + 8 * (u32)n);
    }
    if (op == 0xc4) return pc + 1 < len && code[pc + 1] == 0x84 ? 6 : 4;
    if (op == 0x10 || op == 0x12 || (op >= 0x15 && op <= 0x19) || (op >= 0x36 && op <= 0x3a) || op == 0xa9 || op == 0xbc) return 2;
    if (op == 0x11 || op == 0x13 || op == 0x14 || op == 0x84 || (op >= 0x99 && op <= 0xa8) || (op >= 0xb2 && op <= 0xb8)
            || op == 0xbb || op == 0xbd || op == 0xc0 || op == 0xc1 || op == 0xc6 || op == 0xc7) return 3;
    if (op == 0xc5) return 4;
    if (op == 0xb9 || op == 0xba || op == 0xc8 || op == 0xc9) return 5;
    return op <= 0xc9 ? 1 : 0;
}

static i32 be32(const u8 *p) { return (i32)((u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]); }

static void check_code(Class *c, Method *m, Reader *r) {
    const u8 *code = m->code;
    u32 len = m->code_len, pc = 0;
    u8 *starts = jalloc(len + 1);
    for (pc = 0; pc < len; ) {                              /* pass 1: boundaries, operands */
        u32 n = insn_len(code, pc, len);
        if (n == 0 || n > len - pc) bad(r, "bad instruction in a method's code");
        starts[pc] = 1;
        u8 op = code[pc];
        u32 local = 0xFFFFFFFF, wide = 0, cpi = 0, tags = 0;
        if ((op >= 0x15 && op <= 0x19) || (op >= 0x36 && op <= 0x3a) || op == 0x84 || op == 0xa9) local = code[pc + 1];
        if (op >= 0x1a && op <= 0x2d) local = (op - 0x1a) & 3;
        if (op >= 0x3b && op <= 0x4e) local = (op - 0x3b) & 3;
        if (op == 0xc4) local = (u32)code[pc + 2] << 8 | code[pc + 3];
        if (op == 0x16 || op == 0x18 || op == 0x37 || op == 0x39 || (op >= 0x1e && op <= 0x21) || (op >= 0x26 && op <= 0x29)
                || (op >= 0x3f && op <= 0x42) || (op >= 0x47 && op <= 0x4a)) wide = 1;
        if (op == 0xc4) wide = code[pc + 1] == 0x16 || code[pc + 1] == 0x18 || code[pc + 1] == 0x37 || code[pc + 1] == 0x39;
        if (local != 0xFFFFFFFF && local + wide >= m->max_locals) bad(r, "local variable index out of range");
        if (op == 0x12) { cpi = code[pc + 1]; tags = T(3) | T(4) | T(7) | T(8) | T(15) | T(16) | T(17); }
        if (op == 0x13) tags = T(3) | T(4) | T(7) | T(8) | T(15) | T(16) | T(17);
        if (op == 0x14) tags = T(5) | T(6) | T(17);
        if (op >= 0xb2 && op <= 0xb5) tags = T(9);
        if (op >= 0xb6 && op <= 0xb8) tags = T(10) | T(11);
        if (op == 0xb9) tags = T(11);
        if (op == 0xba) tags = T(18);
        if (op == 0xbb || op == 0xbd || op == 0xc0 || op == 0xc1 || op == 0xc5) tags = T(7);
        if (tags && op != 0x12) cpi = (u32)code[pc + 1] << 8 | code[pc + 2];
        if (tags && !cp_is(c, cpi, tags)) bad(r, "instruction refers to a wrong constant");
        pc += n;
    }
    for (pc = 0; pc < len; pc += insn_len(code, pc, len)) {  /* pass 2: branch targets */
        u8 op = code[pc];
        i64 t[3] = {-1, -1, -1};
        if ((op >= 0x99 && op <= 0xa8) || op == 0xc6 || op == 0xc7) t[0] = (i64)pc + (i16)(code[pc + 1] << 8 | code[pc + 2]);
        if (op == 0xc8 || op == 0xc9) t[0] = (i64)pc + be32(code + pc + 1);
        if (op == 0xaa || op == 0xab) {
            u32 b = (pc + 4) & ~3u, end = pc + insn_len(code, pc, len);
            t[0] = (i64)pc + be32(code + b);
            for (u32 k = op == 0xaa ? b + 12 : b + 12; k < end; k += op == 0xaa ? 4 : 8)
                if (be32(code + k) + (i64)pc < 0 || be32(code + k) + (i64)pc >= len || !starts[pc + be32(code + k)])
                    bad(r, "switch target outside the code");
        }
        for (u32 k = 0; k < 3; k++)
            if (t[k] != -1 && (t[k] < 0 || t[k] >= len || !starts[t[k]])) bad(r, "branch target outside the code");
    }
    if (!(code[len - 1] == 0xa7 || code[len - 1] == 0xc8 || (code[len - 1] >= 0xac && code[len - 1] <= 0xb1) || code[len - 1] == 0xbf)) {
        /* the last instruction must not fall off the end: checked per boundary below */
        u32 last = 0;
        for (pc = 0; pc < len; pc += insn_len(code, pc, len)) last = pc;
        u8 op = code[last];
        if (!(op == 0xa7 || op == 0xc8 || (op >= 0xac && op <= 0xb1) || op == 0xbf || op == 0xaa || op == 0xab))
            bad(r, "code falls off its end");
    }
    for (u32 i = 0; i < m->nexc; i++) {
        ExcEntry *x = &m->exc[i];
        if (x->start >= x->end || x->end > len || !starts[x->start] || (x->end < len && !starts[x->end]) || !starts[x->handler])
            bad(r, "bad exception table range");
    }
}

static void parse_members(Class *c, Reader *r) {
    c->nfields = u2(r);
    c->fields = jalloc(sizeof(Field) * (c->nfields + 1));
    for (u32 i = 0; i < c->nfields; i++) {
        Field *f = &c->fields[i];
        f->flags = u2(r);
        f->name = cp_utf8(c, r, u2(r));
        f->desc = cp_utf8(c, r, u2(r));
        f->cls = c;
        f->wide = f->desc[0] == 'J' || f->desc[0] == 'D';
        for (u32 n = u2(r); n; n--) { u2(r); u32 l = u4(r); need(r, l); r->p += l; }
    }
    c->nmethods = u2(r);
    c->methods = jalloc(sizeof(Method) * (c->nmethods + 1));
    for (u32 i = 0; i < c->nmethods; i++) {
        Method *m = &c->methods[i];
        m->cls = c;
        m->flags = u2(r);
        m->name = cp_utf8(c, r, u2(r));
        m->desc = cp_utf8(c, r, u2(r));
        for (u32 n = u2(r); n; n--) {
            const char *an = cp_utf8(c, r, u2(r));
            u32 l = u4(r);
            need(r, l);
            if (strcmp(an, "Code") == 0 && !m->code) parse_code(c, m, r, l);
            else r->p += l;
        }
        parse_desc(m);
        if (m->code && m->max_locals < m->arg_slots) bad(r, "max_locals below the argument size");
        if (m->code) check_code(c, m, r);
    }
}

static void parse_class(Class *c, Reader *r) {
    if (u4(r) != 0xCAFEBABE) bad(r, "no CAFEBABE magic");
    u2(r);
    u16 major = u2(r);
    if (major < 45 || major > 61) bad(r, "unsupported class file version");
    parse_cp(c, r);
    c->flags = u2(r);
    u16 this_i = u2(r), super_i = u2(r);
    if (this_i == 0 || this_i >= c->ncp || c->cp[this_i].tag != 7) bad(r, "bad this_class");
    if (cp_utf8(c, r, (u16)c->cp[this_i].a) != c->name) bad(r, "class name does not match its file name");
    if (super_i && (super_i >= c->ncp || c->cp[super_i].tag != 7)) bad(r, "bad super_class");
    c->nifaces = u2(r);
    c->ifaces = jalloc(sizeof(Class *) * (c->nifaces + 1));
    u16 *iface_i = jalloc(2 * (c->nifaces + 1));
    for (u32 i = 0; i < c->nifaces; i++) {
        iface_i[i] = u2(r);
        if (iface_i[i] == 0 || iface_i[i] >= c->ncp || c->cp[iface_i[i]].tag != 7) bad(r, "bad interface");
    }
    parse_members(c, r);
    for (u32 n = u2(r); n; n--) {
        const char *an = cp_utf8(c, r, u2(r));
        u32 l = u4(r);
        need(r, l);
        if (strcmp(an, "SourceFile") == 0 && l == 2) c->source = cp_utf8(c, r, u2(r));
        else r->p += l;
    }
    if (r->p != r->end) bad(r, "trailing bytes");
    /* Linking: superclass and interfaces first (loading them may end the run). */
    if (super_i) c->super = load_class(c->cp[c->cp[super_i].a].utf8);
    else if (c->name != vm.object_cls->name) bad(r, "no superclass");
    for (u32 i = 0; i < c->nifaces; i++) c->ifaces[i] = load_class(c->cp[c->cp[iface_i[i]].a].utf8);
}

static void layout(Class *c) {
    u32 inst = c->super ? c->super->inst_slots : 0, stat = 0;
    for (u32 i = 0; i < c->nfields; i++) {
        Field *f = &c->fields[i];
        if (f->flags & ACC_STATIC) { f->offset = stat; stat += 1 + f->wide; }
        else { f->offset = inst; inst += 1 + f->wide; }
    }
    c->inst_slots = inst;
    c->nstatics = stat;
    c->statics = jalloc(4 * (stat + 1));
    for (u32 i = 0; i < c->nmethods; i++) {
        Method *m = &c->methods[i];
        if (!(m->flags & ACC_NATIVE)) continue;
        if (strcmp(c->name, "kerf/Sys") == 0) m->native = sys_native(m->name, m->desc);
        /* an unbound native fails when called (interp.c), not here */
    }
}

static u8 *read_file(const char *path, u32 *len) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return NULL;
    u32 cap = 4096, n = 0;
    u8 *buf = jalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap >= (4u << 20)) { close(fd); return NULL; }
            u8 *nb = jalloc(cap * 2);
            memcpy(nb, buf, n);
            buf = nb;
            cap *= 2;
        }
        int k = read(fd, buf + n, cap - n);
        if (k < 0) { close(fd); return NULL; }
        if (k == 0) break;
        n += k;
    }
    close(fd);
    *len = n;
    return buf;
}

Class *find_loaded(const char *name) {
    for (Class *c = vm.classes; c; c = c->next)
        if (c->name == name) return c;
    return NULL;
}

Class *load_class(const char *name) {
    Class *c = find_loaded(name);
    if (c) return c;
    if (name[0] == '[') return array_class(name);
    c = define_builtin(name);
    if (c) return c;
    if (strncmp(name, "java/", 5) == 0 || strncmp(name, "javax/", 6) == 0 || strncmp(name, "jdk/", 4) == 0
            || strncmp(name, "sun/", 4) == 0)
        fatal("class %s is not supported (not in minijvm's runtime)", dotted(name));
    u32 plen = strlen(vm.classpath), nlen = strlen(name);
    char *path = jalloc(plen + nlen + 8);
    memcpy(path, vm.classpath, plen);
    path[plen] = '/';
    memcpy(path + plen + 1, name, nlen);
    memcpy(path + plen + 1 + nlen, ".class", 7);
    u32 len = 0;
    u8 *bytes = read_file(path, &len);
    if (!bytes) fatal("class %s not found (no %s)", dotted(name), path);
    hook_class(name, bytes, len);
    c = jalloc(sizeof(Class));
    c->name = name;
    c->next = vm.classes;          /* registered first: a class may refer to itself while linking */
    vm.classes = c;
    Reader r = {bytes, bytes + len, bytes, path};
    parse_class(c, &r);
    if (c->super && (c->super->flags & ACC_INTERFACE)) fatal("class %s: superclass is an interface", dotted(name));
    for (Class *s = c->super; s; s = s->super)
        if (s == c) fatal("class %s: circular superclass", dotted(name));
    layout(c);
    return c;
}

Class *array_class(const char *desc) {
    Class *c = find_loaded(desc);
    if (c) return c;
    c = jalloc(sizeof(Class));
    c->name = desc;
    c->super = vm.object_cls;
    c->elem_type = desc[1];
    switch (desc[1]) {
    case 'Z': case 'B': c->elem_size = 1; break;
    case 'C': case 'S': c->elem_size = 2; break;
    case 'I': case 'F': case 'L': case '[': c->elem_size = 4; break;
    case 'J': case 'D': c->elem_size = 8; break;
    default: fatal("bad array descriptor %s", desc);
    }
    c->init_state = 2;
    c->builtin = 1;
    c->next = vm.classes;
    vm.classes = c;
    if (desc[1] == 'L') {
        u32 n = strlen(desc);
        if (n < 4 || desc[n - 1] != ';') fatal("bad array descriptor %s", desc);
        c->elem_cls = load_class(intern(desc + 2, n - 3));
    } else if (desc[1] == '[') {
        c->elem_cls = array_class(intern(desc + 1, strlen(desc + 1)));
    }
    return c;
}

Method *find_method(Class *c, const char *name, const char *desc) {
    for (; c; c = c->super)
        for (u32 i = 0; i < c->nmethods; i++)
            if (c->methods[i].name == name && c->methods[i].desc == desc) return &c->methods[i];
    return NULL;
}

static Method *declared_concrete(Class *c, const char *name, const char *desc) {
    for (u32 i = 0; i < c->nmethods; i++) {
        Method *m = &c->methods[i];
        if (m->name == name && m->desc == desc && !(m->flags & ACC_STATIC) && !(m->flags & ACC_ABSTRACT)) return m;
    }
    return NULL;
}

/* An interface's default method (first found, depth first). */
static Method *find_default(Class *c, const char *name, const char *desc) {
    for (u32 i = 0; i < c->nifaces; i++) {
        Method *m = declared_concrete(c->ifaces[i], name, desc);
        if (!m) m = find_default(c->ifaces[i], name, desc);
        if (m) return m;
    }
    return NULL;
}

Method *find_virtual(Class *c, const char *name, const char *desc) {
    for (Class *k = c; k; k = k->super) {
        Method *m = declared_concrete(k, name, desc);
        if (m) return m;
    }
    for (Class *k = c; k; k = k->super) {
        Method *m = find_default(k, name, desc);
        if (m) return m;
    }
    return NULL;
}

Field *find_field(Class *c, const char *name) {
    for (; c; c = c->super) {
        for (u32 i = 0; i < c->nfields; i++)
            if (c->fields[i].name == name) return &c->fields[i];
        for (u32 i = 0; i < c->nifaces; i++) {
            Field *f = find_field(c->ifaces[i], name);
            if (f) return f;
        }
    }
    return NULL;
}

int is_subclass(Class *c, Class *of) {
    if (c == of || of == vm.object_cls) return 1;
    if (c->elem_type && of->elem_type) {          /* arrays: covariant in reference elements */
        if (c->elem_type != of->elem_type) return (c->elem_type == 'L' || c->elem_type == '[') &&
                (of->elem_type == 'L' || of->elem_type == '[') && c->elem_cls && of->elem_cls && is_subclass(c->elem_cls, of->elem_cls);
        return c->elem_cls == of->elem_cls || (c->elem_cls && of->elem_cls && is_subclass(c->elem_cls, of->elem_cls));
    }
    for (Class *k = c; k; k = k->super) {
        if (k == of) return 1;
        for (u32 i = 0; i < k->nifaces; i++)
            if (is_subclass(k->ifaces[i], of)) return 1;
    }
    return 0;
}

/* Argument and result slot counts from the descriptor; a bad descriptor is a bad class file. */
void parse_desc(Method *m) {
    const char *p = m->desc;
    u32 slots = (m->flags & ACC_STATIC) ? 0 : 1;
    if (*p++ != '(') fatal("bad method descriptor %s", m->desc);
    while (*p && *p != ')') {
        while (*p == '[') p++;
        if (*p == 'L') { while (*p && *p != ';') p++; if (!*p) break; slots++; p++; }
        else if (p > m->desc + 1 && p[-1] == '[') { slots++; p++; }
        else if (*p == 'J' || *p == 'D') { slots += 2; p++; }
        else if (*p) { slots++; p++; }
    }
    if (*p != ')') fatal("bad method descriptor %s", m->desc);
    p++;
    m->arg_slots = (u16)slots;
    m->ret_slots = *p == 'V' ? 0 : (*p == 'J' || *p == 'D') ? 2 : 1;
}

const char *dotted(const char *internal) {
    u32 n = strlen(internal);
    char *s = jalloc(n + 1);
    for (u32 i = 0; i < n; i++) s[i] = internal[i] == '/' ? '.' : internal[i];
    return s;
}
