/* minijvm: a small interpreter of javac-compiled class files for the kerf guest (see docs/guest.md,
 * "minijvm"). All Java values are 32-bit slots; long takes two (low half first), as in the JVM's
 * local variables and operand stack. References are plain pointers. There is no garbage collector:
 * the heap only grows (a program's run is short). */
#ifndef JVM_H
#define JVM_H

#include "libc.h"

typedef int i32;
typedef long long i64;
typedef unsigned long long u64;

typedef struct Class Class;
typedef struct Method Method;
typedef struct Object Object;

/* Exit statuses (JVM-CONTRACT.md section 3). */
#define EXIT_OK 0
#define EXIT_UNCAUGHT 1
#define EXIT_ERROR 2

#define ACC_PUBLIC 0x0001
#define ACC_PRIVATE 0x0002
#define ACC_STATIC 0x0008
#define ACC_FINAL 0x0010
#define ACC_NATIVE 0x0100
#define ACC_INTERFACE 0x0200
#define ACC_ABSTRACT 0x0400

/* A native: args are the call's slots (receiver first); writes 0-2 result slots to ret.
 * Returns 0, or -1 with vm.exception set. */
typedef int (*NativeFn)(u32 *args, u32 *ret);

struct Object {
    Class *cls;
    u32 slots[];            /* instance fields; arrays: slots[0] is the length, data from slots[1] */
};

/* Arrays: header (cls, length) then the elements, 8-byte aligned for long[]. */
#define ARRAY_LEN(o) ((o)->slots[0])
#define ARRAY_DATA(o) ((void *)((o)->slots + 1))

typedef struct {
    const char *name, *desc;
    u16 flags;
    u8 wide;                /* long field: two slots */
    u32 offset;             /* slot index: in the object, or in the class's statics */
    Class *cls;
} Field;

typedef struct { u16 start, end, handler, catch_type; } ExcEntry;
typedef struct { u16 pc, line; } LineEntry;

struct Method {
    Class *cls;
    const char *name, *desc;
    u16 flags;
    u16 max_stack, max_locals;
    u16 nexc, nlines;
    u32 code_len;
    const u8 *code;
    ExcEntry *exc;
    LineEntry *lines;
    u16 arg_slots;          /* including the receiver */
    u8 ret_slots;           /* 0, 1 or 2 */
    NativeFn native;
};

typedef struct {
    u8 tag;
    u32 a, b;               /* indices, or the value (Integer; Long: a low, b high) */
    const char *utf8;       /* Utf8: interned */
    void *resolved;         /* Class*, Object* (String), Field*, Method* */
    Class *cache_cls;       /* invokevirtual: receiver class of the last call */
    Method *cache_m;
} CpEntry;

struct Class {
    const char *name;       /* internal name, interned */
    Class *super;
    Class **ifaces;
    u16 nifaces;
    u16 flags;
    const char *source;     /* SourceFile, or NULL */
    u16 ncp;
    CpEntry *cp;
    u16 nfields, nmethods;
    Field *fields;
    Method *methods;
    u32 inst_slots;         /* instance slots including the superclasses' */
    u32 nstatics;
    u32 *statics;
    u8 init_state;          /* 0 not initialized, 1 running <clinit>, 2 done */
    u8 builtin;
    char elem_type;         /* arrays: descriptor char of the element ('L' and '[' for references) */
    u8 elem_size;
    Class *elem_cls;        /* arrays of references: the element class (NULL when not loaded) */
    Class *next;            /* list of loaded classes */
};

/* A captured stack: (method, bytecode index) pairs, innermost first. */
typedef struct { u32 n; struct { Method *m; u32 pc; } e[]; } Trace;

/* Builtin classes with instance layouts the natives use. */
#define STR_CHARS 0     /* u16 * */
#define STR_LEN 1
#define STR_SLOTS 2
#define SB_BUF 0        /* u16 * */
#define SB_LEN 1
#define SB_CAP 2
#define SB_SLOTS 3
#define THR_MESSAGE 0
#define THR_TRACE 1
#define THR_CAUSE 2
#define THR_SLOTS 3

struct vm {
    const char *classpath;
    Class *classes;
    Object *exception;      /* pending exception of a native or of the runtime */
    Class *object_cls, *string_cls, *sb_cls, *throwable_cls;
    u32 native_seq;
};
extern struct vm vm;

/* util.c */
void *jalloc(u32 n);                                 /* zeroed, 8-aligned, never freed; exits on exhaustion */
const char *intern(const char *s, u32 len);          /* one pointer per distinct string */
void **intern_slot(const char *interned);            /* per-symbol cell (the literal's String object) */
void fatal(const char *fmt, ...) __attribute__((noreturn)); /* "minijvm: ..." on fd 1, status 2 */
void jvm_exit(int status) __attribute__((noreturn));
u64 udivmod64(u64 n, u64 d, u64 *rem);
int fmt_long(char *buf, i64 v);                      /* decimal, returns length */
void out_bytes(const void *p, u32 n);

/* classfile.c */
Class *load_class(const char *name);                 /* interned name; NULL with a message printed? no: fatal */
Class *find_loaded(const char *name);
Class *array_class(const char *desc);                /* "[I", "[Ljava/lang/String;" */
Method *find_method(Class *c, const char *name, const char *desc); /* c and its superclasses */
Method *find_virtual(Class *c, const char *name, const char *desc);
Field *find_field(Class *c, const char *name);
int is_subclass(Class *c, Class *of);
void parse_desc(Method *m);
const char *dotted(const char *internal);            /* "a.b.C" (a new string) */

/* builtins.c */
void builtins_init(void);
Class *define_builtin(const char *name);              /* NULL when name is not a builtin */
NativeFn sys_native(const char *name, const char *desc);
Object *new_object(Class *c);
Object *new_array(Class *c, i32 len);                /* len >= 0 */
Object *new_string(const u16 *chars, u32 len);
Object *new_string_ascii(const char *s);
Object *string_literal(const char *interned);
char *string_cstr(Object *s);                        /* low 8 bits of each char, NUL-terminated */
int throw_new(const char *cls, const char *msg);     /* sets vm.exception; returns -1 */
int throw_npe(void);
int throw_aioobe(i32 index, u32 length);
Trace *capture_trace(Object *exc);                   /* the interpreter's current stack */
void print_uncaught(Object *exc) __attribute__((noreturn));

/* interp.c */
int run_method(Method *m, u32 *args, u32 *ret);      /* 0, or -1 with vm.exception */
int init_class(Class *c);                            /* runs <clinit> once; 0 or -1 */
u32 frame_count(void);
void frame_at(u32 i, Method **m, u32 *pc);           /* i = 0 innermost */
void current_caller(Method **m, u32 *pc);            /* the frame that invoked the running native */

/* hooks.c (JVM-CONTRACT.md section 2) */
void hook_class(const char *name, const u8 *bytes, u32 length);
void hook_native(const char *native, u32 result_lo, u32 result_hi, const void *data, u32 data_length, u32 flags);
void hook_uncaught(const char *text, u32 length);
void hook_exit(u32 status);

#endif
