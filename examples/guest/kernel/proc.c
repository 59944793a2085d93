/* Processes: the table, round-robin scheduling, sleep/wakeup, fork/exit/wait/kill.
 * The kernel is not preemptible: it runs with interrupts off and gives up the CPU only in
 * sleep_on() and yield(). The scheduler loop runs on the boot stack with the kernel's
 * page directory and halts when nothing is runnable. */
#include "kernel.h"

struct proc procs[NPROC];
struct proc *current;
static u8 kstacks[NPROC][KSTACK] __attribute__((aligned(4096)));
static struct context *sched_ctx;
static u32 next_pid = 1;
static int last_slot = -1;

void proc_init(void) {
    for (int i = 0; i < NPROC; i++) procs[i].kstack = kstacks[i];
}

/* A fresh slot with a kernel stack holding a trap frame and a context that returns
 * through trapret. The caller fills the trap frame. Pids are handed out in order. */
struct proc *proc_alloc(void) {
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state != P_UNUSED) continue;
        u8 *kst = p->kstack;
        memset(p, 0, sizeof *p);
        p->kstack = kst;
        p->state = P_EMBRYO;
        p->pid = next_pid++;
        u8 *sp = kst + KSTACK - sizeof(struct trapframe);
        p->tf = (struct trapframe *)sp;
        /* swtch pops the context and RETs to trapret with esp at the trap frame */
        sp -= sizeof(struct context);
        p->ctx = (struct context *)sp;
        memset(p->ctx, 0, sizeof *p->ctx);
        p->ctx->eip = (u32)trapret;
        return p;
    }
    return NULL;
}

void scheduler(void) {
    for (;;) {
        struct proc *next = NULL;
        for (int k = 1; k <= NPROC; k++) {
            int i = (last_slot + k) % NPROC;
            if (procs[i].state == P_RUNNABLE) { next = &procs[i]; last_slot = i; break; }
        }
        if (!next) {
            __asm__ volatile("sti; hlt; cli");
            continue;
        }
        current = next;
        next->state = P_RUNNING;
        tss_set_esp0((u32)next->kstack + KSTACK);
        lcr3(next->cr3);
        swtch(&sched_ctx, next->ctx);
        lcr3((u32)kernel_pd);
        current = NULL;
    }
}

static void sched(void) { swtch(&current->ctx, sched_ctx); }

void yield(void) {
    current->state = P_RUNNABLE;
    sched();
}

void sleep_on(void *chan) {
    current->chan = chan;
    current->state = P_SLEEPING;
    sched();
    current->chan = NULL;
}

void wakeup(void *chan) {
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == P_SLEEPING && procs[i].chan == chan) procs[i].state = P_RUNNABLE;
}

void timer_tick(void) {
    ticks++;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state == P_SLEEPING && p->chan == &ticks && p->wake_tick <= ticks)
            p->state = P_RUNNABLE;
    }
}

int do_nanosleep(u32 n) {
    current->wake_tick = ticks + n;
    while (ticks < current->wake_tick) {
        sleep_on((void *)&ticks);
        if (current->killed) return -EINTR;
    }
    return 0;
}

int sys_fork_impl(void) {
    struct proc *p = proc_alloc();
    if (!p) return -EAGAIN;
    u32 *pd = pd_create();
    if (!pd || pd_copy_user(pd, (u32 *)current->cr3)) {
        if (pd) { pd_free_user(pd); page_free(pd); }
        p->state = P_UNUSED;
        next_pid--;      /* keep pids dense: a failed fork does not consume one */
        return -ENOMEM;
    }
    p->cr3 = (u32)pd;
    p->ppid = current->pid;
    memcpy(p->name, current->name, PNAME);
    p->entry = current->entry;
    p->ustack = current->ustack;
    p->brk = current->brk;
    p->heap_start = current->heap_start;
    p->stack_low = current->stack_low;
    *p->tf = *current->tf;
    p->tf->eax = 0;
    p->sig_ignored = current->sig_ignored;
    for (int i = 0; i < NOFILE; i++)
        if (current->fd[i]) p->fd[i] = file_dup(current->fd[i]);
    p->state = P_RUNNABLE;
    return p->pid;
}

static struct proc *find_pid(u32 pid) {
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != P_UNUSED && procs[i].pid == pid) return &procs[i];
    return NULL;
}

void do_exit(i32 status) {
    struct proc *p = current;
    for (int i = 0; i < NOFILE; i++)
        if (p->fd[i]) { file_close(p->fd[i]); p->fd[i] = NULL; }
    lcr3((u32)kernel_pd);
    u32 *pd = (u32 *)p->cr3;
    pd_free_user(pd);
    page_free(pd);
    p->cr3 = (u32)kernel_pd;
    if (p->pid == 1) {
        int code = (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
        kprintf("kernel: init exited with status %d, powering off\n", code);
        poweroff(code);
    }
    struct proc *init = find_pid(1);
    for (int i = 0; i < NPROC; i++) {
        if (procs[i].state != P_UNUSED && procs[i].ppid == p->pid) {
            procs[i].ppid = 1;
            if (procs[i].state == P_ZOMBIE && init) wakeup(init);
        }
    }
    p->exit_status = status;
    p->state = P_ZOMBIE;
    struct proc *parent = find_pid(p->ppid);
    if (parent) wakeup(parent);
    sched();
    panic("zombie ran");
}

int do_waitpid(i32 pid, u32 ustatus, int options) {
    if (ustatus && !user_ok(ustatus, 4)) return -EFAULT;
    for (;;) {
        int have = 0;
        for (int i = 0; i < NPROC; i++) {
            struct proc *c = &procs[i];
            if (c->state == P_UNUSED || c->ppid != current->pid) continue;
            if (pid > 0 && c->pid != (u32)pid) continue;
            have = 1;
            if (c->state != P_ZOMBIE) continue;
            int cpid = c->pid;
            if (ustatus && copy_to_user(ustatus, &c->exit_status, 4)) return -EFAULT;
            c->state = P_UNUSED;
            return cpid;
        }
        if (!have) return -ECHILD;
        if (options & 1) return 0;     /* WNOHANG */
        sleep_on(current);
        if (current->killed) return -EINTR;
    }
}

int do_kill(i32 pid, int sig) {
    if (sig < 0 || sig > 64) return -EINVAL;
    struct proc *p = pid > 0 ? find_pid(pid) : NULL;
    if (!p || p->state == P_ZOMBIE || p->state == P_EMBRYO) return -ESRCH;
    if (sig == 0) return 0;
    if (sig != 9 && sig < 32 && (p->sig_ignored & (1u << sig))) return 0;
    if (!p->killed) p->killed = sig;
    if (p->state == P_SLEEPING) p->state = P_RUNNABLE;
    return 0;
}

/* signal(sig, handler): only SIG_DFL (0, the signal ends the process) and SIG_IGN (1). */
int do_signal(int sig, u32 handler) {
    if (sig < 1 || sig > 31 || sig == 9 || handler > 1) return -EINVAL;
    u32 old = (current->sig_ignored >> sig) & 1;
    if (handler) current->sig_ignored |= 1u << sig;
    else current->sig_ignored &= ~(1u << sig);
    return old;
}

/* ^C on the console: SIGINT to every process reading the console on fd 0 (no process
 * groups here); the interactive shell ignores it, its children do not. */
void console_interrupt(void) {
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        struct file *f = p->fd[0];
        if (p->pid == 1 || !f || f->type != F_INODE || f->ip->type != I_CONSOLE) continue;
        if (p->state == P_SLEEPING || p->state == P_RUNNABLE || p->state == P_RUNNING) do_kill(p->pid, 2);
    }
}

/* Record layout shared with user space (struct kerf_proc_info in libc.h). */
struct pinfo { u32 pid, ppid, state; char name[PNAME]; };

int proc_list(u32 ubuf, u32 max) {
    u32 n = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state == P_UNUSED || p->state == P_EMBRYO) continue;
        if (n < max) {
            struct pinfo pi = {p->pid, p->ppid, p->state, {0}};
            memcpy(pi.name, p->name, PNAME);
            if (copy_to_user(ubuf + n * sizeof pi, &pi, sizeof pi)) return -EFAULT;
        }
        n++;
    }
    return n;
}

void user_fault(struct trapframe *tf, const char *what, int sig, int with_addr) {
    if (with_addr)
        kprintf("%s[%u]: %s at %p, eip %p\n", current->name, current->pid, what, rcr2(), tf->eip);
    else
        kprintf("%s[%u]: %s, eip %p\n", current->name, current->pid, what, tf->eip);
    do_exit(sig);
}

/* Builds pid 1 from /bin/init; argv is "init" followed by the kernel command line words. */
void start_init(const char *cmdline) {
    static char args[256];
    char *argv[16];
    int argc = 0;
    argv[argc++] = "init";
    strncpy_z(args, cmdline, sizeof args);
    for (char *s = args; *s && argc < 15;) {
        while (*s == ' ') *s++ = 0;
        if (!*s) break;
        argv[argc++] = s;
        while (*s && *s != ' ') s++;
    }
    argv[argc] = NULL;
    struct proc *p = proc_alloc();
    u32 *pd = pd_create();
    if (!p || !pd) panic("cannot create init");
    p->cr3 = (u32)pd;
    int err;
    struct file *con = file_open("/dev/console", O_RDWR, &err);
    if (!con) panic("no /dev/console");
    p->fd[0] = con;
    p->fd[1] = file_dup(con);
    p->fd[2] = file_dup(con);
    if (exec_image(p, "/bin/init", argv, argc) < 0) panic("cannot exec /bin/init");
    p->state = P_RUNNABLE;
}
