/* Loading static ELF32 executables from the RAM filesystem into a fresh address space. */
#include "kernel.h"

struct elfhdr {
    u8 ident[16];
    u16 type, machine;
    u32 version, entry, phoff, shoff, flags;
    u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct proghdr { u32 type, offset, vaddr, paddr, filesz, memsz, flags, align; };

#define MAX_ARGS 32
#define ARG_BYTES 2048

static int load_segment(u32 *pd, struct inode *ip, struct proghdr *ph) {
    if (ph->vaddr < USER_BASE || ph->memsz > USER_TOP - USTACK_MAX - ph->vaddr ||
        ph->filesz > ph->memsz)
        return -ENOEXEC;
    for (u32 va = ph->vaddr & ~(PAGE - 1); va < ph->vaddr + ph->memsz; va += PAGE) {
        u32 *pte = pd_pte(pd, va);
        u8 *page;
        if (pte && (*pte & PTE_P)) {
            page = (u8 *)(*pte & ~0xFFFu);
        } else {
            page = page_alloc();
            if (!page || pd_map(pd, va, page)) return -ENOMEM;
        }
        /* copy the part of [vaddr, vaddr+filesz) that falls in this page */
        u32 lo = va > ph->vaddr ? va : ph->vaddr;
        u32 hi = va + PAGE < ph->vaddr + ph->filesz ? va + PAGE : ph->vaddr + ph->filesz;
        if (lo < hi && inode_read(ip, ph->offset + (lo - ph->vaddr), page + (lo - va), hi - lo) !=
                           (int)(hi - lo))
            return -ENOEXEC;
    }
    return 0;
}

/* Builds argc, argv[], NULL, envp NULL and the strings under USER_TOP. */
static int setup_stack(u32 *pd, struct proc *p, char **argv, int argc) {
    u8 *page = page_alloc();
    if (!page || pd_map(pd, USER_TOP - PAGE, page)) return -ENOMEM;
    u32 sp = USER_TOP;
    u32 uargv[MAX_ARGS + 1];
    for (int i = argc - 1; i >= 0; i--) {
        u32 l = strlen(argv[i]) + 1;
        sp -= l;
        memcpy(page + (sp - (USER_TOP - PAGE)), argv[i], l);
        uargv[i] = sp;
    }
    uargv[argc] = 0;
    sp &= ~3u;
    u32 words[MAX_ARGS + 4];
    int n = 0;
    words[n++] = argc;
    for (int i = 0; i <= argc; i++) words[n++] = uargv[i];
    words[n++] = 0;             /* empty environment */
    sp -= n * 4;
    sp &= ~15u;
    memcpy(page + (sp - (USER_TOP - PAGE)), words, n * 4);
    p->ustack = sp;
    p->stack_low = USER_TOP - PAGE;
    return 0;
}

static void set_name(struct proc *p, const char *path) {
    const char *base = path;
    for (const char *s = path; *s; s++)
        if (*s == '/') base = s + 1;
    strncpy_z(p->name, base, PNAME);
}

/* Replaces p's image. On failure p keeps its old address space. */
int exec_image(struct proc *p, const char *path, char **argv, int argc) {
    struct inode *ip = namei(path);
    if (!ip) return -ENOENT;
    if (ip->type != I_FILE) return -ENOEXEC;
    struct elfhdr eh;
    if (inode_read(ip, 0, &eh, sizeof eh) != sizeof eh || memcmp(eh.ident, "\177ELF\1\1\1", 7) ||
        eh.type != 2 || eh.machine != 3 || eh.phentsize != sizeof(struct proghdr) || eh.phnum > 16)
        return -ENOEXEC;
    u32 *pd = pd_create();
    if (!pd) return -ENOMEM;
    u32 end = 0;
    int err = 0;
    for (int i = 0; i < eh.phnum && !err; i++) {
        struct proghdr ph;
        if (inode_read(ip, eh.phoff + i * sizeof ph, &ph, sizeof ph) != sizeof ph) { err = -ENOEXEC; break; }
        if (ph.type != 1 || ph.memsz == 0) continue;
        err = load_segment(pd, ip, &ph);
        if (ph.vaddr + ph.memsz > end) end = ph.vaddr + ph.memsz;
    }
    if (!err) err = setup_stack(pd, p, argv, argc);
    if (err) { pd_free_user(pd); page_free(pd); return err; }
    u32 *old = (u32 *)p->cr3;
    p->cr3 = (u32)pd;
    if (p == current) lcr3((u32)pd);
    if (old && old != kernel_pd) { pd_free_user(old); page_free(old); }
    set_name(p, path);
    p->entry = eh.entry;
    p->heap_start = p->brk = (end + PAGE - 1) & ~(PAGE - 1);
    struct trapframe *tf = p->tf;
    memset(tf, 0, sizeof *tf);
    tf->cs = 0x1B;
    tf->ds = tf->es = tf->fs = tf->gs = tf->ss = 0x23;
    tf->eflags = 0x202;
    tf->eip = eh.entry;
    tf->esp = p->ustack;
    return 0;
}

int sys_execve_impl(u32 upath, u32 uargv) {
    static char buf[ARG_BYTES];      /* safe: the kernel is not preemptible */
    char path[128];
    char *argv[MAX_ARGS + 1];
    int r = fetch_str(upath, path, sizeof path);
    if (r < 0) return r;
    int argc = 0, used = 0;
    for (;; argc++) {
        u32 ua;
        if (copy_from_user(&ua, uargv + argc * 4, 4)) return -EFAULT;
        if (!ua) break;
        if (argc == MAX_ARGS) return -E2BIG;
        r = fetch_str(ua, buf + used, ARG_BYTES - used);
        if (r == -ENAMETOOLONG) return -E2BIG;
        if (r < 0) return r;
        argv[argc] = buf + used;
        used += r + 1;
    }
    argv[argc] = NULL;
    return exec_image(current, path, argv, argc);
}
