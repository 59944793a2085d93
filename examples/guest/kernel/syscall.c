/* int 0x80 dispatch: Linux i386 numbers and conventions (eax = number, ebx, ecx, edx, esi,
 * edi = arguments, result in eax, -errno on failure). */
#include "kernel.h"

int debug_syscalls;

static struct file *fd_get(u32 fd) { return fd < NOFILE ? current->fd[fd] : NULL; }

static int fd_alloc(struct file *f) {
    for (int i = 0; i < NOFILE; i++)
        if (!current->fd[i]) { current->fd[i] = f; return i; }
    return -EMFILE;
}

static int path_arg(u32 upath, char *buf) {
    int r = fetch_str(upath, buf, 128);
    return r < 0 ? r : 0;
}

static int sys_open(u32 upath, int flags) {
    char path[128];
    int r = path_arg(upath, path);
    if (r) return r;
    struct file *f = file_open(path, flags, &r);
    if (!f) return r;
    r = fd_alloc(f);
    if (r < 0) file_close(f);
    return r;
}

static int sys_close(u32 fd) {
    struct file *f = fd_get(fd);
    if (!f) return -EBADF;
    current->fd[fd] = NULL;
    file_close(f);
    return 0;
}

static int sys_pipe(u32 ufds) {
    if (!user_ok(ufds, 8)) return -EFAULT;
    struct file *r, *w;
    int e = pipe_create(&r, &w);
    if (e) return e;
    int a = fd_alloc(r);
    int b = a < 0 ? a : fd_alloc(w);
    if (b < 0) {
        if (a >= 0) current->fd[a] = NULL;
        file_close(r);
        file_close(w);
        return -EMFILE;
    }
    int fds[2] = {a, b};
    return copy_to_user(ufds, fds, 8);
}

static int sys_dup2(u32 oldfd, u32 newfd) {
    struct file *f = fd_get(oldfd);
    if (!f || newfd >= NOFILE) return -EBADF;
    if (oldfd == newfd) return newfd;
    if (current->fd[newfd]) file_close(current->fd[newfd]);
    current->fd[newfd] = file_dup(f);
    return newfd;
}

static int sys_brk(u32 want) {
    struct proc *p = current;
    if (want < p->heap_start || want > USER_TOP - USTACK_MAX) return p->brk;
    u32 old_end = (p->brk + PAGE - 1) & ~(PAGE - 1);
    u32 new_end = (want + PAGE - 1) & ~(PAGE - 1);
    for (u32 va = old_end; va < new_end; va += PAGE) {
        void *pg = page_alloc();
        if (!pg || pd_map((u32 *)p->cr3, va, pg)) {
            if (pg) page_free(pg);
            for (u32 v = old_end; v < va; v += PAGE) {      /* undo: all or nothing */
                u32 *pte = pd_pte((u32 *)p->cr3, v);
                page_free((void *)(*pte & ~0xFFFu));
                *pte = 0;
            }
            lcr3(p->cr3);
            return p->brk;
        }
    }
    for (u32 va = new_end; va < old_end; va += PAGE) {
        u32 *pte = pd_pte((u32 *)p->cr3, va);
        page_free((void *)(*pte & ~0xFFFu));
        *pte = 0;
    }
    lcr3(p->cr3);            /* flush the TLB after unmapping */
    p->brk = want;
    return want;
}

static int sys_time(u32 ut) {
    u32 t = rtc_time();
    if (ut && copy_to_user(ut, &t, 4)) return -EFAULT;
    return t;
}

static int sys_nanosleep(u32 ureq) {
    u32 ts[2];
    if (copy_from_user(ts, ureq, 8)) return -EFAULT;
    if (ts[1] >= 1000000000u) return -EINVAL;
    /* round up to whole 10 ms ticks; at least one tick */
    u32 t = ts[0] * 100 + (ts[1] + 9999999u) / 10000000u;
    return do_nanosleep(t ? t : 1);
}

static int sys_uname(u32 ubuf) {
    static char u[6][65];
    memset(u, 0, sizeof u);
    strncpy_z(u[0], "kerf", 65);
    strncpy_z(u[1], "guest", 65);
    strncpy_z(u[2], "0.1", 65);
    strncpy_z(u[3], "kerf guest kernel", 65);
    strncpy_z(u[4], "i686", 65);
    return copy_to_user(ubuf, u, sizeof u);
}

static int sys_path(int nr, u32 upath) {
    char path[128];
    int r = path_arg(upath, path);
    if (r) return r;
    return nr == 10 ? fs_unlink(path) : fs_mkdir(path);
}

static int dispatch(struct trapframe *tf) {
    u32 a = tf->ebx, b = tf->ecx, c = tf->edx;
    struct file *f;
    switch (tf->eax) {
    case 1: case 252: do_exit((a & 0xff) << 8);
    case 2: return sys_fork_impl();
    case 3: return (f = fd_get(a)) ? file_read(f, b, c) : -EBADF;
    case 4: return (f = fd_get(a)) ? file_write(f, b, c) : -EBADF;
    case 5: return sys_open(a, b);
    case 6: return sys_close(a);
    case 7: return do_waitpid(a, b, c);
    case 8: return sys_open(a, O_CREAT | O_WRONLY | O_TRUNC);
    case 10: case 39: return sys_path(tf->eax, a);
    case 11: return sys_execve_impl(a, b);
    case 13: return sys_time(a);
    case 19: return (f = fd_get(a)) ? file_lseek(f, b, c) : -EBADF;
    case 20: return current->pid;
    case 37: return do_kill(a, b);
    case 41: return (f = fd_get(a)) ? fd_alloc(file_dup(f)) : -EBADF;
    case 42: return sys_pipe(a);
    case 45: return sys_brk(a);
    case 48: return do_signal(a, b);
    case 54: /* ioctl: only SIOCGIFHWADDR-like on /dev/net, copies the 6-byte MAC */
        if (!(f = fd_get(a))) return -EBADF;
        if (b != 0x8927 || f->type != F_INODE || f->ip->type != I_NET) return -ENOTTY;
        return net_mac(c);
    case 63: return sys_dup2(a, b);
    case 64: return current->ppid;
    case 108: return (f = fd_get(a)) ? file_stat(f, b) : -EBADF;
    case 122: return sys_uname(a);
    case 158: yield(); return 0;
    case 162: return sys_nanosleep(a);
    case 220: return (f = fd_get(a)) ? file_getdents(f, b, c) : -EBADF;
    case 500: return proc_list(a, b);
    default: return -ENOSYS;
    }
}

/* debug=syscalls: one line per call, written when it returns; exit (which never returns)
 * is logged on entry with the result "?". Format:
 *   [sys] PID NAME NR (EBX, ECX, EDX, ESI, EDI) = RESULT
 * arguments in lowercase hex without 0x, result in signed decimal. NAME is the process name
 * at entry (execve logs the old name). */
static void log_call(const u32 *args, u32 nr, u32 pid, const char *name, int ret, int done) {
    char line[160];
    int n = ksnprintf(line, sizeof line, "[sys] %u %s %u (%x, %x, %x, %x, %x) = ", pid, name, nr,
                      args[0], args[1], args[2], args[3], args[4]);
    if (done) ksnprintf(line + n, sizeof line - n, "%d\n", ret);
    else ksnprintf(line + n, sizeof line - n, "?\n");
    kprintf("%s", line);
}

void syscall(struct trapframe *tf) {
    u32 nr = tf->eax;
    if (!debug_syscalls) {
        tf->eax = dispatch(tf);
        return;
    }
    u32 args[5] = {tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi};
    u32 pid = current->pid;
    char name[PNAME];
    memcpy(name, current->name, PNAME);
    if (nr == 1 || nr == 252) log_call(args, nr, pid, name, 0, 0);
    int ret = dispatch(tf);
    log_call(args, nr, pid, name, ret, 1);
    tf->eax = ret;
}
