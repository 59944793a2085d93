/* minijvm: class loading. Every read of a class file is bounds-checked: a truncated or malformed
 * file ends the run with one "minijvm: bad class file ..." line (status 2), never a crash. */
#include "jvm.h"

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

Method *find_virtual(Class *c, const char *name, const char *desc) {
    for (; c; c = c->super)
        for (u32 i = 0; i < c->nmethods; i++) {
            Method *m = &c->methods[i];
            if (m->name == name && m->desc == desc && !(m->flags & ACC_STATIC) && !(m->flags & ACC_ABSTRACT))
                return m;
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
