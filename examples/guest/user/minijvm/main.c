/* minijvm [-cp DIR] MAINCLASS [ARGS...]: runs MAINCLASS.main(String[]) from class files under DIR
 * (default /java). Exit status 0, 1 after an uncaught exception, 2 for a minijvm error. */
#include "jvm.h"

struct vm vm;

int main(int argc, char **argv) {
    int i = 1;
    vm.classpath = "/java";
    if (i + 1 < argc && strcmp(argv[i], "-cp") == 0) { vm.classpath = argv[i + 1]; i += 2; }
    if (i >= argc || argv[i][0] == '-') {
        const char *usage = "usage: minijvm [-cp DIR] MAINCLASS [ARGS...]\n";
        out_bytes(usage, strlen(usage));
        jvm_exit(EXIT_ERROR);
    }
    builtins_init();
    u32 n = strlen(argv[i]);
    char *name = jalloc(n + 1);
    for (u32 k = 0; k < n; k++) name[k] = argv[i][k] == '.' ? '/' : argv[i][k];
    Class *c = load_class(intern(name, n));
    Method *m = find_method(c, intern("main", 4), intern("([Ljava/lang/String;)V", 22));
    if (!m || m->cls != c || !(m->flags & ACC_STATIC))
        fatal("class %s has no method public static void main(String[])", dotted(c->name));
    i++;
    Object *args = new_array(array_class(intern("[Ljava/lang/String;", 19)), argc - i);
    for (int k = i; k < argc; k++) ((Object **)ARRAY_DATA(args))[k - i] = new_string_ascii(argv[k]);
    u32 a[1] = {(u32)args}, ret[2];
    if (init_class(c) < 0 || run_method(m, a, ret) < 0) print_uncaught(vm.exception);
    jvm_exit(EXIT_OK);
}
