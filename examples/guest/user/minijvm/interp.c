/* minijvm: the bytecode interpreter. Java-to-Java calls do not recurse in C: frames live in one
 * array and their locals and operand stacks in one slot stack (a callee's locals start at the
 * caller's pushed arguments). Each frame's pc is stored before every instruction, so natives and
 * exception constructors see the bytecode index of the instruction that invoked them. */
#include "jvm.h"

#define MAX_FRAMES 2048
#define STACK_SLOTS (64 * 1024)

typedef struct {
    Method *m;
    u32 pc;
    u32 *locals;
    u32 *sp;        /* saved operand stack pointer while a callee runs */
    u32 *limit;     /* end of this frame's operand stack: where a callee's arguments may not go */
} Frame;

static Frame frames[MAX_FRAMES];
static u32 nframes;
static u32 stack_area[STACK_SLOTS];

typedef short i16;

typedef struct { Class *cls; const char *name, *desc; Method *m; u16 arg_slots; u8 ret_slots; } MRef;

u32 frame_count(void) { return nframes; }
void frame_at(u32 i, Method **m, u32 *pc) {
    Frame *f = &frames[nframes - 1 - i];
    *m = f->m;
    *pc = f->pc;
}
void current_caller(Method **m, u32 *pc) { frame_at(0, m, pc); }

#define GETL(p) ((i64)((u64)(p)[1] << 32 | (p)[0]))
#define PUTL(p, v) do { u64 v_ = (u64)(v); (p)[0] = (u32)v_; (p)[1] = (u32)(v_ >> 32); } while (0)
#define P(x) ((Object *)(x))

static i64 ldiv_(i64 a, i64 b, int rem) {
    if (b == -1) return rem ? 0 : (i64)(0 - (u64)a);          /* Long.MIN_VALUE / -1 wraps */
    u64 ua = a < 0 ? 0 - (u64)a : (u64)a, ub = b < 0 ? 0 - (u64)b : (u64)b, r;
    u64 q = udivmod64(ua, ub, &r);
    if (rem) return a < 0 ? (i64)(0 - r) : (i64)r;
    return (a < 0) != (b < 0) ? (i64)(0 - q) : (i64)q;
}

/* ---- resolution (results cached in the constant pool) ---- */

static Class *res_class(Class *c, u16 i) {
    CpEntry *e = &c->cp[i];
    if (!e->resolved) {
        if (i == 0 || i >= c->ncp || e->tag != 7) fatal("constant %u of %s is not a class", i, dotted(c->name));
        e->resolved = load_class(c->cp[e->a].utf8);
    }
    return e->resolved;
}

static Field *res_field(Class *c, u16 i, int want_static) {
    CpEntry *e = &c->cp[i];
    if (e->resolved) return e->resolved;
    Class *k = res_class(c, (u16)e->a);
    CpEntry *nat = &c->cp[e->b];
    Field *f = find_field(k, c->cp[nat->a].utf8);
    if (!f && k->builtin) fatal("field %s.%s is not supported (not in minijvm's runtime)", dotted(k->name), c->cp[nat->a].utf8);
    if (!f) fatal("no field %s.%s (referenced by %s)", dotted(k->name), c->cp[nat->a].utf8, dotted(c->name));
    if (!(f->flags & ACC_STATIC) != !want_static)
        fatal("field %s.%s is %sstatic", dotted(k->name), f->name, want_static ? "not " : "");
    e->resolved = f;
    return f;
}

static MRef *res_mref(Class *c, u16 i, int is_static) {
    CpEntry *e = &c->cp[i];
    if (e->resolved) return e->resolved;
    if (e->tag != 10 && e->tag != 11) fatal("constant %u of %s is not a method reference", i, dotted(c->name));
    MRef *r = jalloc(sizeof(MRef));
    CpEntry *nat = &c->cp[e->b];
    r->cls = res_class(c, (u16)e->a);
    r->name = c->cp[nat->a].utf8;
    r->desc = c->cp[nat->b].utf8;
    Method tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.desc = r->desc;
    tmp.flags = is_static ? ACC_STATIC : 0;
    parse_desc(&tmp);
    r->arg_slots = tmp.arg_slots;
    r->ret_slots = tmp.ret_slots;
    r->m = find_method(r->cls, r->name, r->desc);
    if (!r->m && r->cls->builtin && !(r->cls->flags & ACC_INTERFACE) && !(r->cls->elem_type && !is_static))
        fatal("method %s.%s%s is not supported (not in minijvm's runtime)", dotted(r->cls->name), r->name, r->desc);
    if (!r->m && e->tag == 10 && !(r->cls->flags & ACC_INTERFACE) && !(r->cls->flags & ACC_ABSTRACT))
        fatal("no method %s.%s%s (referenced by %s)", dotted(r->cls->name), r->name, r->desc, dotted(c->name));
    if (r->m && !(r->m->flags & ACC_STATIC) != !is_static)
        fatal("method %s.%s%s is %sstatic", dotted(r->cls->name), r->name, r->desc, is_static ? "not " : "");
    e->resolved = r;
    return r;
}

int init_class(Class *c) {
    if (c->init_state) return 0;              /* done, or running in this (the only) thread */
    c->init_state = 1;
    if (c->super && init_class(c->super) < 0) return -1;
    Method *m = NULL;
    for (u32 i = 0; i < c->nmethods; i++)
        if (strcmp(c->methods[i].name, "<clinit>") == 0) m = &c->methods[i];
    if (m && m->code) {
        u32 ret[2];
        if (run_method(m, NULL, ret) < 0) return -1;
    }
    c->init_state = 2;
    return 0;
}

static const char *module_of(Class *c) {
    while (c->elem_cls) c = c->elem_cls;
    return c->builtin ? "module java.base of loader 'bootstrap'" : "unnamed module of loader 'app'";
}

static int throw_cce(Class *from, Class *to) {
    const char *a = dotted(from->name), *b = dotted(to->name), *ma = module_of(from), *mb = module_of(to);
    u32 n = strlen(a) * 2 + strlen(b) * 2 + strlen(ma) + strlen(mb) + 80;
    char *m = jalloc(n);
    if (strcmp(ma, mb) == 0) snprintf(m, n, "class %s cannot be cast to class %s (%s and %s are in %s)", a, b, a, b, ma);
    else snprintf(m, n, "class %s cannot be cast to class %s (%s is in %s; %s is in %s)", a, b, a, ma, b, mb);
    return throw_new("java/lang/ClassCastException", m);
}

static Class *array_of(Class *elem) {
    u32 n = strlen(elem->name);
    char *d = jalloc(n + 4);
    d[0] = '[';
    if (elem->name[0] == '[') memcpy(d + 1, elem->name, n + 1);
    else { d[1] = 'L'; memcpy(d + 2, elem->name, n); d[n + 2] = ';'; d[n + 3] = 0; }
    return array_class(intern(d, strlen(d)));
}

static Object *multi_array(Class *c, i32 *dims, u32 ndims) {
    Object *a = new_array(c, dims[0]);
    if (ndims > 1 && c->elem_cls && c->elem_cls->elem_type)
        for (i32 i = 0; i < dims[0]; i++) ((Object **)ARRAY_DATA(a))[i] = multi_array(c->elem_cls, dims + 1, ndims - 1);
    return a;
}

/* Finds a handler for vm.exception in the frames above stop, unwinding the others.
 * 1: the top frame resumes at its handler; 0: the exception left frame `stop` (now popped). */
static int unwind(u32 stop) {
    Object *exc = vm.exception;
    while (nframes > stop) {
        Frame *f = &frames[nframes - 1];
        Method *m = f->m;
        for (u32 i = 0; i < m->nexc; i++) {
            ExcEntry *x = &m->exc[i];
            if (f->pc < x->start || f->pc >= x->end) continue;
            if (x->catch_type && !is_subclass(exc->cls, res_class(m->cls, x->catch_type))) continue;
            f->pc = x->handler;
            f->sp = f->locals + m->max_locals;
            *f->sp++ = (u32)exc;
            vm.exception = NULL;
            return 1;
        }
        nframes--;
    }
    return 0;
}

/* Pushes a frame for m with its arguments already at locals; -1 (StackOverflowError) when full. */
static int push_frame(Method *m, u32 *locals) {
    u32 *limit = locals + m->max_locals + m->max_stack;
    if (nframes == MAX_FRAMES || limit > stack_area + STACK_SLOTS) return throw_new("java/lang/StackOverflowError", NULL);
    if (!m->code) {
        if (m->flags & ACC_NATIVE) fatal("native method %s.%s%s is not available", dotted(m->cls->name), m->name, m->desc);
        return throw_new("java/lang/AbstractMethodError", NULL);
    }
    Frame *f = &frames[nframes++];
    f->m = m;
    f->pc = 0;
    f->locals = locals;
    f->sp = locals + m->max_locals;
    f->limit = limit;
    for (u32 i = m->arg_slots; i < m->max_locals; i++) locals[i] = 0;
    return 0;
}

static void unsupported(Method *m, u32 pc, u8 op) {
    const char *why = (op >= 0x0b && op <= 0x0f) || op == 0x17 || op == 0x18 || (op >= 0x22 && op <= 0x29)
            || op == 0x30 || op == 0x31 || op == 0x38 || op == 0x39 || (op >= 0x43 && op <= 0x4a) || op == 0x51
            || op == 0x52 || (op >= 0x62 && op <= 0x77 && (op & 2)) || (op >= 0x86 && op <= 0x90)
            || (op >= 0x95 && op <= 0x98) || op == 0xae || op == 0xaf ? " (float and double are not supported)"
            : op == 0xba ? " (invokedynamic: compile with javac --release 8, no lambdas)"
            : op == 0xa8 || op == 0xa9 || op == 0xc9 ? " (jsr/ret)" : "";
    fatal("unsupported bytecode 0x%02x%s in %s.%s at pc %u", op, why, dotted(m->cls->name), m->name, pc);
}

static int execute(u32 stop, u32 *out);

int run_method(Method *m, u32 *args, u32 *ret) {
    if (m->native) return m->native(args, ret);
    u32 *base = nframes ? frames[nframes - 1].limit : stack_area;
    if (base + m->arg_slots > stack_area + STACK_SLOTS) return throw_new("java/lang/StackOverflowError", NULL);
    for (u32 i = 0; i < m->arg_slots; i++) base[i] = args[i];
    u32 stop = nframes;
    if (push_frame(m, base) < 0) return -1;
    return execute(stop, ret);
}

#define LOAD() do { f = &frames[nframes - 1]; m = f->m; code = m->code; pc = f->pc; sp = f->sp; \
                    locals = f->locals; cls = m->cls; } while (0)
#define SAVE() do { f->pc = pc; f->sp = sp; } while (0)
#define U16(o) ((u16)(code[pc + (o)] << 8 | code[pc + (o) + 1]))
#define S16(o) ((i16)U16(o))
#define S32(o) ((i32)((u32)code[pc + (o)] << 24 | (u32)code[pc + (o) + 1] << 16 | (u32)code[pc + (o) + 2] << 8 | code[pc + (o) + 3]))
#define THROW(expr) do { SAVE(); expr; goto exception; } while (0)
#define NULLCHK(o) do { if (!(o)) THROW(throw_npe()); } while (0)
#define BOUNDS(a, i) do { NULLCHK(a); if ((u32)(i) >= ARRAY_LEN(a)) THROW(throw_aioobe((i), ARRAY_LEN(a))); } while (0)
#define BRANCH(cond) do { if (cond) { pc += S16(1); } else { pc += 3; } } while (0)

static int execute(u32 stop, u32 *out) {
    Frame *f;
    Method *m;
    const u8 *code;
    u32 pc, *sp, *locals;
    Class *cls;
    LOAD();
    for (;;) {
        if (pc >= m->code_len) fatal("pc %u outside the code of %s.%s", pc, dotted(cls->name), m->name);
        f->pc = pc;
        u8 op = code[pc];
        switch (op) {
        case 0x00: pc++; break;                                            /* nop */
        case 0x01: *sp++ = 0; pc++; break;                                 /* aconst_null */
        case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x07: case 0x08:
            *sp++ = (u32)(op - 0x03); pc++; break;                         /* iconst_<n> */
        case 0x09: case 0x0a: PUTL(sp, op - 0x09); sp += 2; pc++; break;   /* lconst_<n> */
        case 0x10: *sp++ = (u32)(i32)(signed char)code[pc + 1]; pc += 2; break; /* bipush */
        case 0x11: *sp++ = (u32)(i32)S16(1); pc += 3; break;              /* sipush */
        case 0x12: case 0x13: {                                            /* ldc, ldc_w */
            u16 i = op == 0x12 ? code[pc + 1] : U16(1);
            if (i == 0 || i >= cls->ncp) fatal("bad constant index in %s.%s", dotted(cls->name), m->name);
            CpEntry *e = &cls->cp[i];
            if (e->tag == 3) *sp++ = e->a;
            else if (e->tag == 8) {
                if (!e->resolved) e->resolved = string_literal(cls->cp[e->a].utf8);
                *sp++ = (u32)e->resolved;
            } else if (e->tag == 4) unsupported(m, pc, 0x0b);
            else fatal("ldc of constant tag %u is not supported (%s.%s)", e->tag, dotted(cls->name), m->name);
            pc += op == 0x12 ? 2 : 3;
            break;
        }
        case 0x14: {                                                       /* ldc2_w */
            CpEntry *e = &cls->cp[U16(1)];
            if (e->tag != 5) unsupported(m, pc, 0x0e);
            sp[0] = e->a; sp[1] = e->b; sp += 2; pc += 3;
            break;
        }
        case 0x15: case 0x19: *sp++ = locals[code[pc + 1]]; pc += 2; break;            /* iload, aload */
        case 0x16: sp[0] = locals[code[pc + 1]]; sp[1] = locals[code[pc + 1] + 1]; sp += 2; pc += 2; break;
        case 0x1a: case 0x1b: case 0x1c: case 0x1d: *sp++ = locals[op - 0x1a]; pc++; break;
        case 0x1e: case 0x1f: case 0x20: case 0x21:
            sp[0] = locals[op - 0x1e]; sp[1] = locals[op - 0x1e + 1]; sp += 2; pc++; break;
        case 0x2a: case 0x2b: case 0x2c: case 0x2d: *sp++ = locals[op - 0x2a]; pc++; break;
        case 0x2e: case 0x32: { Object *a = P(sp[-2]); i32 i = (i32)sp[-1]; BOUNDS(a, i);  /* iaload aaload */
            sp[-2] = ((u32 *)ARRAY_DATA(a))[i]; sp--; pc++; break; }
        case 0x2f: { Object *a = P(sp[-2]); i32 i = (i32)sp[-1]; BOUNDS(a, i);              /* laload */
            u32 *p = (u32 *)ARRAY_DATA(a) + 2 * i; sp[-2] = p[0]; sp[-1] = p[1]; pc++; break; }
        case 0x33: { Object *a = P(sp[-2]); i32 i = (i32)sp[-1]; BOUNDS(a, i);              /* baload */
            sp[-2] = (u32)(i32)((signed char *)ARRAY_DATA(a))[i]; sp--; pc++; break; }
        case 0x34: { Object *a = P(sp[-2]); i32 i = (i32)sp[-1]; BOUNDS(a, i);              /* caload */
            sp[-2] = ((u16 *)ARRAY_DATA(a))[i]; sp--; pc++; break; }
        case 0x35: { Object *a = P(sp[-2]); i32 i = (i32)sp[-1]; BOUNDS(a, i);              /* saload */
            sp[-2] = (u32)(i32)((i16 *)ARRAY_DATA(a))[i]; sp--; pc++; break; }
        case 0x36: case 0x3a: locals[code[pc + 1]] = *--sp; pc += 2; break;             /* istore astore */
        case 0x37: sp -= 2; locals[code[pc + 1]] = sp[0]; locals[code[pc + 1] + 1] = sp[1]; pc += 2; break;
        case 0x3b: case 0x3c: case 0x3d: case 0x3e: locals[op - 0x3b] = *--sp; pc++; break;
        case 0x3f: case 0x40: case 0x41: case 0x42:
            sp -= 2; locals[op - 0x3f] = sp[0]; locals[op - 0x3f + 1] = sp[1]; pc++; break;
        case 0x4b: case 0x4c: case 0x4d: case 0x4e: locals[op - 0x4b] = *--sp; pc++; break;
        case 0x4f: { Object *a = P(sp[-3]); i32 i = (i32)sp[-2]; BOUNDS(a, i);              /* iastore */
            ((u32 *)ARRAY_DATA(a))[i] = sp[-1]; sp -= 3; pc++; break; }
        case 0x50: { Object *a = P(sp[-4]); i32 i = (i32)sp[-3]; BOUNDS(a, i);              /* lastore */
            u32 *p = (u32 *)ARRAY_DATA(a) + 2 * i; p[0] = sp[-2]; p[1] = sp[-1]; sp -= 4; pc++; break; }
        case 0x53: { Object *a = P(sp[-3]); i32 i = (i32)sp[-2]; Object *v = P(sp[-1]); BOUNDS(a, i); /* aastore */
            if (v && a->cls->elem_cls && !is_subclass(v->cls, a->cls->elem_cls))
                THROW(throw_new("java/lang/ArrayStoreException", dotted(v->cls->name)));
            ((u32 *)ARRAY_DATA(a))[i] = (u32)v; sp -= 3; pc++; break; }
        case 0x54: { Object *a = P(sp[-3]); i32 i = (i32)sp[-2]; BOUNDS(a, i);              /* bastore */
            ((u8 *)ARRAY_DATA(a))[i] = (u8)(a->cls->elem_type == 'Z' ? sp[-1] & 1 : sp[-1]); sp -= 3; pc++; break; }
        case 0x55: case 0x56: { Object *a = P(sp[-3]); i32 i = (i32)sp[-2]; BOUNDS(a, i);   /* castore sastore */
            ((u16 *)ARRAY_DATA(a))[i] = (u16)sp[-1]; sp -= 3; pc++; break; }
        case 0x57: sp--; pc++; break;                                                   /* pop */
        case 0x58: sp -= 2; pc++; break;                                                /* pop2 */
        case 0x59: sp[0] = sp[-1]; sp++; pc++; break;                                   /* dup */
        case 0x5a: { u32 a = sp[-1], b = sp[-2]; sp[-2] = a; sp[-1] = b; sp[0] = a; sp++; pc++; break; }
        case 0x5b: { u32 a = sp[-1], b = sp[-2], c = sp[-3];                            /* dup_x2 */
            sp[-3] = a; sp[-2] = c; sp[-1] = b; sp[0] = a; sp++; pc++; break; }
        case 0x5c: sp[0] = sp[-2]; sp[1] = sp[-1]; sp += 2; pc++; break;                /* dup2 */
        case 0x5d: { u32 a = sp[-1], b = sp[-2], c = sp[-3];                            /* dup2_x1 */
            sp[-3] = b; sp[-2] = a; sp[-1] = c; sp[0] = b; sp[1] = a; sp += 2; pc++; break; }
        case 0x5e: { u32 a = sp[-1], b = sp[-2], c = sp[-3], d = sp[-4];                /* dup2_x2 */
            sp[-4] = b; sp[-3] = a; sp[-2] = d; sp[-1] = c; sp[0] = b; sp[1] = a; sp += 2; pc++; break; }
        case 0x5f: { u32 a = sp[-1]; sp[-1] = sp[-2]; sp[-2] = a; pc++; break; }        /* swap */
        case 0x60: sp[-2] += sp[-1]; sp--; pc++; break;
        case 0x61: PUTL(sp - 4, GETL(sp - 4) + GETL(sp - 2)); sp -= 2; pc++; break;
        case 0x64: sp[-2] -= sp[-1]; sp--; pc++; break;
        case 0x65: PUTL(sp - 4, GETL(sp - 4) - GETL(sp - 2)); sp -= 2; pc++; break;
        case 0x68: sp[-2] *= sp[-1]; sp--; pc++; break;
        case 0x69: PUTL(sp - 4, (u64)GETL(sp - 4) * (u64)GETL(sp - 2)); sp -= 2; pc++; break;
        case 0x6c: case 0x70: {                                                          /* idiv irem */
            i32 b = (i32)sp[-1], a = (i32)sp[-2];
            if (b == 0) THROW(throw_new("java/lang/ArithmeticException", "/ by zero"));
            if (b == -1) sp[-2] = op == 0x6c ? 0 - (u32)a : 0;
            else sp[-2] = (u32)(op == 0x6c ? a / b : a % b);
            sp--; pc++; break;
        }
        case 0x6d: case 0x71: {                                                          /* ldiv lrem */
            i64 b = GETL(sp - 2), a = GETL(sp - 4);
            if (b == 0) THROW(throw_new("java/lang/ArithmeticException", "/ by zero"));
            PUTL(sp - 4, ldiv_(a, b, op == 0x71)); sp -= 2; pc++; break;
        }
        case 0x74: sp[-1] = 0 - sp[-1]; pc++; break;                                    /* ineg */
        case 0x75: PUTL(sp - 2, 0 - (u64)GETL(sp - 2)); pc++; break;                    /* lneg */
        case 0x78: sp[-2] <<= (sp[-1] & 31); sp--; pc++; break;                         /* ishl */
        case 0x79: { u32 s = sp[-1] & 63; sp--; PUTL(sp - 2, (u64)GETL(sp - 2) << s); pc++; break; }
        case 0x7a: sp[-2] = (u32)((i32)sp[-2] >> (sp[-1] & 31)); sp--; pc++; break;     /* ishr */
        case 0x7b: { u32 s = sp[-1] & 63; sp--; PUTL(sp - 2, GETL(sp - 2) >> s); pc++; break; }
        case 0x7c: sp[-2] >>= (sp[-1] & 31); sp--; pc++; break;                         /* iushr */
        case 0x7d: { u32 s = sp[-1] & 63; sp--; PUTL(sp - 2, (u64)GETL(sp - 2) >> s); pc++; break; }
        case 0x7e: sp[-2] &= sp[-1]; sp--; pc++; break;
        case 0x7f: sp[-4] &= sp[-2]; sp[-3] &= sp[-1]; sp -= 2; pc++; break;
        case 0x80: sp[-2] |= sp[-1]; sp--; pc++; break;
        case 0x81: sp[-4] |= sp[-2]; sp[-3] |= sp[-1]; sp -= 2; pc++; break;
        case 0x82: sp[-2] ^= sp[-1]; sp--; pc++; break;
        case 0x83: sp[-4] ^= sp[-2]; sp[-3] ^= sp[-1]; sp -= 2; pc++; break;
        case 0x84: locals[code[pc + 1]] += (u32)(i32)(signed char)code[pc + 2]; pc += 3; break; /* iinc */
        case 0x85: { i32 v = (i32)sp[-1]; PUTL(sp - 1, (i64)v); sp++; pc++; break; }    /* i2l */
        case 0x88: sp--; pc++; break;                                                   /* l2i: keep the low half */
        case 0x91: sp[-1] = (u32)(i32)(signed char)sp[-1]; pc++; break;                 /* i2b */
        case 0x92: sp[-1] &= 0xFFFF; pc++; break;                                       /* i2c */
        case 0x93: sp[-1] = (u32)(i32)(i16)sp[-1]; pc++; break;                         /* i2s */
        case 0x94: { i64 b = GETL(sp - 2), a = GETL(sp - 4);                             /* lcmp */
            sp -= 4; *sp++ = a > b ? 1 : a < b ? (u32)-1 : 0; pc++; break; }
        case 0x99: sp--; BRANCH(sp[0] == 0); break;
        case 0x9a: sp--; BRANCH(sp[0] != 0); break;
        case 0x9b: sp--; BRANCH((i32)sp[0] < 0); break;
        case 0x9c: sp--; BRANCH((i32)sp[0] >= 0); break;
        case 0x9d: sp--; BRANCH((i32)sp[0] > 0); break;
        case 0x9e: sp--; BRANCH((i32)sp[0] <= 0); break;
        case 0x9f: case 0xa5: sp -= 2; BRANCH(sp[0] == sp[1]); break;
        case 0xa0: case 0xa6: sp -= 2; BRANCH(sp[0] != sp[1]); break;
        case 0xa1: sp -= 2; BRANCH((i32)sp[0] < (i32)sp[1]); break;
        case 0xa2: sp -= 2; BRANCH((i32)sp[0] >= (i32)sp[1]); break;
        case 0xa3: sp -= 2; BRANCH((i32)sp[0] > (i32)sp[1]); break;
        case 0xa4: sp -= 2; BRANCH((i32)sp[0] <= (i32)sp[1]); break;
        case 0xa7: pc += S16(1); break;                                                 /* goto */
        case 0xc8: pc += S32(1); break;                                                 /* goto_w */
        case 0xc6: sp--; BRANCH(sp[0] == 0); break;                                     /* ifnull */
        case 0xc7: sp--; BRANCH(sp[0] != 0); break;                                     /* ifnonnull */
        case 0xaa: {                                                                    /* tableswitch */
            u32 at = pc, b = (pc + 4) & ~3u;
            pc = b;
            i32 def = S32(0), lo = S32(4), hi = S32(8), v = (i32)*--sp;
            i32 target = v < lo || v > hi ? def : S32(12 + 4 * (u32)(v - lo));
            pc = at + (u32)target;
            break;
        }
        case 0xab: {                                                                    /* lookupswitch */
            u32 at = pc, b = (pc + 4) & ~3u;
            pc = b;
            i32 def = S32(0), n = S32(4), v = (i32)*--sp, target = def;
            for (i32 i = 0; i < n; i++)
                if (S32(8 + 8 * i) == v) { target = S32(12 + 8 * i); break; }
            pc = at + (u32)target;
            break;
        }
        case 0xac: case 0xb0: case 0xad: case 0xb1: {                                   /* returns */
            u32 n = op == 0xb1 ? 0 : op == 0xad ? 2 : 1;
            u32 r0 = n ? sp[-(i32)n] : 0, r1 = n == 2 ? sp[-1] : 0;
            nframes--;
            if (nframes == stop) { out[0] = r0; out[1] = r1; return 0; }
            LOAD();
            if (n) *sp++ = r0;
            if (n == 2) *sp++ = r1;
            pc += code[pc] == 0xb9 ? 5 : 3;
            break;
        }
        case 0xb2: case 0xb3: {                                                          /* getstatic putstatic */
            SAVE();
            Field *fl = res_field(cls, U16(1), 1);
            if (fl->cls->init_state != 2 && init_class(fl->cls) < 0) goto exception;
            u32 *p = fl->cls->statics + fl->offset;
            if (op == 0xb2) { *sp++ = p[0]; if (fl->wide) *sp++ = p[1]; }
            else if (fl->wide) { sp -= 2; p[0] = sp[0]; p[1] = sp[1]; }
            else p[0] = *--sp;
            pc += 3;
            break;
        }
        case 0xb4: {                                                                    /* getfield */
            Field *fl = cls->cp[U16(1)].resolved;
            if (!fl) { SAVE(); fl = res_field(cls, U16(1), 0); }
            Object *o = P(sp[-1]);
            NULLCHK(o);
            sp[-1] = o->slots[fl->offset];
            if (fl->wide) *sp++ = o->slots[fl->offset + 1];
            pc += 3;
            break;
        }
        case 0xb5: {                                                                    /* putfield */
            Field *fl = cls->cp[U16(1)].resolved;
            if (!fl) { SAVE(); fl = res_field(cls, U16(1), 0); }
            sp -= 1 + fl->wide;
            Object *o = P(sp[-1]);
            NULLCHK(o);
            o->slots[fl->offset] = sp[0];
            if (fl->wide) o->slots[fl->offset + 1] = sp[1];
            sp--;
            pc += 3;
            break;
        }
        case 0xb6: case 0xb7: case 0xb8: case 0xb9: {                                   /* invokes */
            SAVE();
            u16 idx = U16(1);
            MRef *r = res_mref(cls, idx, op == 0xb8);
            u32 *args = sp - r->arg_slots;
            Method *t = r->m;
            if (op == 0xb8) {
                if (r->cls->init_state != 2 && init_class(r->cls) < 0) goto exception;
            } else {
                Object *recv = P(args[0]);
                NULLCHK(recv);
                if (op != 0xb7 && (!t || !(t->flags & (ACC_PRIVATE | ACC_FINAL)))) {
                    CpEntry *e = &cls->cp[idx];
                    if (e->cache_cls == recv->cls) t = e->cache_m;
                    else {
                        t = find_virtual(recv->cls, r->name, r->desc);
                        if (!t) fatal("no method %s.%s%s for a %s", dotted(r->cls->name), r->name, r->desc,
                                      dotted(recv->cls->name));
                        e->cache_cls = recv->cls;
                        e->cache_m = t;
                    }
                }
            }
            if (!t) fatal("no method %s.%s%s", dotted(r->cls->name), r->name, r->desc);
            if (t->native) {
                u32 ret[2] = {0, 0};
                f->sp = args;
                if (t->native(args, ret) < 0) goto exception;
                sp = args;
                if (r->ret_slots) *sp++ = ret[0];
                if (r->ret_slots == 2) *sp++ = ret[1];
                pc += op == 0xb9 ? 5 : 3;
                break;
            }
            f->sp = args;
            if (push_frame(t, args) < 0) goto exception;
            LOAD();
            break;
        }
        case 0xbb: {                                                                    /* new */
            SAVE();
            Class *k = res_class(cls, U16(1));
            if (k->flags & (ACC_INTERFACE | ACC_ABSTRACT) || k->elem_type)
                fatal("cannot instantiate %s", dotted(k->name));
            if (k->init_state != 2 && init_class(k) < 0) goto exception;
            *sp++ = (u32)new_object(k);
            pc += 3;
            break;
        }
        case 0xbc: {                                                                    /* newarray */
            static const char types[] = "ZCFDBSIJ";
            u8 t = code[pc + 1];
            if (t < 4 || t > 11) fatal("bad newarray type %u in %s.%s", t, dotted(cls->name), m->name);
            if (t == 6 || t == 7) unsupported(m, pc, 0x0b);
            i32 n = (i32)sp[-1];
            if (n < 0) { char b[16]; snprintf(b, sizeof b, "%d", n); THROW(throw_new("java/lang/NegativeArraySizeException", b)); }
            char d[3] = {'[', types[t - 4], 0};
            sp[-1] = (u32)new_array(array_class(intern(d, 2)), n);
            pc += 2;
            break;
        }
        case 0xbd: {                                                                    /* anewarray */
            SAVE();
            CpEntry *e = &cls->cp[U16(1)];
            if (!e->cache_cls) e->cache_cls = array_of(res_class(cls, U16(1)));
            i32 n = (i32)sp[-1];
            if (n < 0) { char b[16]; snprintf(b, sizeof b, "%d", n); THROW(throw_new("java/lang/NegativeArraySizeException", b)); }
            sp[-1] = (u32)new_array(e->cache_cls, n);
            pc += 3;
            break;
        }
        case 0xbe: { Object *a = P(sp[-1]); NULLCHK(a); sp[-1] = ARRAY_LEN(a); pc++; break; } /* arraylength */
        case 0xbf: {                                                                    /* athrow */
            Object *e = P(sp[-1]);
            NULLCHK(e);
            SAVE();
            vm.exception = e;
            goto exception;
        }
        case 0xc0: case 0xc1: {                                                          /* checkcast instanceof */
            SAVE();
            Class *k = res_class(cls, U16(1));
            Object *o = P(sp[-1]);
            if (op == 0xc1) sp[-1] = o && is_subclass(o->cls, k);
            else if (o && !is_subclass(o->cls, k)) THROW(throw_cce(o->cls, k));
            pc += 3;
            break;
        }
        case 0xc2: case 0xc3: { Object *o = P(sp[-1]); NULLCHK(o); sp--; pc++; break; }  /* monitors: one thread */
        case 0xc4: {                                                                    /* wide */
            u8 w = code[pc + 1];
            u16 i = U16(2);
            if (i >= m->max_locals) fatal("bad local %u in %s.%s", i, dotted(cls->name), m->name);
            if (w == 0x84) { locals[i] += (u32)(i32)S16(4); pc += 6; break; }
            if (w == 0x15 || w == 0x19) *sp++ = locals[i];
            else if (w == 0x16) { sp[0] = locals[i]; sp[1] = locals[i + 1]; sp += 2; }
            else if (w == 0x36 || w == 0x3a) locals[i] = *--sp;
            else if (w == 0x37) { sp -= 2; locals[i] = sp[0]; locals[i + 1] = sp[1]; }
            else unsupported(m, pc, w);
            pc += 4;
            break;
        }
        case 0xc5: {                                                                    /* multianewarray */
            SAVE();
            Class *k = res_class(cls, U16(1));
            u8 nd = code[pc + 3];
            if (nd == 0 || !k->elem_type) fatal("bad multianewarray in %s.%s", dotted(cls->name), m->name);
            i32 dims[256];
            for (u32 i = 0; i < nd; i++) {
                dims[i] = (i32)sp[(i32)i - nd];
                if (dims[i] < 0) { char b[16]; snprintf(b, sizeof b, "%d", dims[i]); THROW(throw_new("java/lang/NegativeArraySizeException", b)); }
            }
            sp -= nd;
            *sp++ = (u32)multi_array(k, dims, nd);
            pc += 4;
            break;
        }
        default:
            unsupported(m, pc, op);
        }
        continue;
    exception:
        if (!unwind(stop)) return -1;
        LOAD();
    }
}
