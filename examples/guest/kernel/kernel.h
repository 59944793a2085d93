/* kerf guest kernel: shared declarations. One header keeps the small kernel easy to read. */
#ifndef KERNEL_H
#define KERNEL_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef signed int i32;
typedef unsigned long long u64;
typedef long long i64;
typedef unsigned int size_t;
#define NULL ((void *)0)
#define offsetof(t, m) __builtin_offsetof(t, m)

/* ---- memory layout (see docs/guest.md) ---- */
#define PAGE 4096u
#define KERNEL_MAP_END 0x02000000u     /* 0..32 MiB identity mapped, supervisor only */
#define USER_BASE 0x08000000u
#define USER_TOP 0xC0000000u           /* user stack grows down from here */
#define USTACK_MAX (1024u * 1024u)     /* stack may grow on demand up to 1 MiB */
#define PTE_P 1u
#define PTE_W 2u
#define PTE_U 4u

/* ---- errno (Linux values) ---- */
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ENOTTY 25
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EEXIST 17
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOSPC 28
#define ESPIPE 29
#define EPIPE 32
#define ERANGE 34
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ENOTEMPTY 39

/* ---- x86 helpers ---- */
static inline void outb(u16 p, u8 v) { __asm__ volatile("outb %0,%1" ::"a"(v), "Nd"(p)); }
static inline u8 inb(u16 p) { u8 v; __asm__ volatile("inb %1,%0" : "=a"(v) : "Nd"(p)); return v; }
static inline void outw(u16 p, u16 v) { __asm__ volatile("outw %0,%1" ::"a"(v), "Nd"(p)); }
static inline u16 inw(u16 p) { u16 v; __asm__ volatile("inw %1,%0" : "=a"(v) : "Nd"(p)); return v; }
static inline void lcr3(u32 v) { __asm__ volatile("movl %0,%%cr3" ::"r"(v) : "memory"); }
static inline u32 rcr2(void) { u32 v; __asm__ volatile("movl %%cr2,%0" : "=r"(v)); return v; }

/* ---- trap frame: layout fixed by entry.S ---- */
struct trapframe {
    u32 edi, esi, ebp, oesp, ebx, edx, ecx, eax;   /* pushal */
    u32 gs, fs, es, ds;
    u32 trapno, err;
    u32 eip, cs, eflags;
    u32 esp, ss;               /* only present when coming from ring 3 */
};

/* ---- lib.c ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strncpy_z(char *d, const char *s, size_t n);   /* always NUL-terminates */
int kvsnprintf(char *buf, int size, const char *fmt, __builtin_va_list ap);
int ksnprintf(char *buf, int size, const char *fmt, ...);
void kprintf(const char *fmt, ...);
void panic(const char *msg) __attribute__((noreturn));

/* ---- console.c ---- */
void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, int n);
void serial_irq(void);
int console_read(char *dst, int n, int nonblock);
void poweroff(int status) __attribute__((noreturn));

/* ---- x86.c ---- */
void cpu_init(void);
void tss_set_esp0(u32 esp0);
void pic_eoi(int irq);
extern volatile u32 ticks;

/* ---- mm.c ---- */
extern u32 *kernel_pd;
/* Frees every page of [1 MiB, end) outside the nres [start, end) pairs in reserved. */
void mm_init(u32 end, const u32 *reserved, int nres);
void *page_alloc(void);          /* zeroed page, NULL when out of memory */
void page_free(void *p);
u32 pages_free(void);
u32 *pd_create(void);
void pd_free_user(u32 *pd);      /* frees user pages and page tables, not the directory */
int pd_map(u32 *pd, u32 va, void *pa);
u32 *pd_pte(u32 *pd, u32 va);    /* PTE pointer or NULL */
int pd_copy_user(u32 *dst, u32 *src);
int user_ok(u32 va, u32 len);    /* range mapped user-accessible in the current space */
int copy_from_user(void *dst, u32 src, u32 n);
int copy_to_user(u32 dst, const void *src, u32 n);
int fetch_str(u32 src, char *dst, int max);   /* length, -EFAULT or -ENAMETOOLONG */
int grow_stack(u32 va);

/* ---- fs.c ---- */
#define NAME_MAX 27
enum { I_FREE, I_FILE, I_DIR, I_CONSOLE, I_NET, I_NULL, I_DISK };
struct inode {
    int type;
    u32 ino;
    u32 size;
    char name[NAME_MAX + 1];
    struct inode *parent, *child, *next;
    u8 **blocks;           /* page of block pointers, NULL for empty files */
    int opens;             /* open files referring to it */
    int unlinked;          /* removed from its directory; freed at the last close */
};
enum { F_NONE, F_INODE, F_PIPE_R, F_PIPE_W };
struct pipe;
struct file {
    int type;
    int refs;
    int flags;
    u32 off;
    struct inode *ip;
    struct pipe *pipe;
};
#define O_ACCMODE 3
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
void fs_init(u8 *tar, u32 len);
struct inode *namei(const char *path);
int inode_read(struct inode *ip, u32 off, void *dst, u32 n);
struct file *file_open(const char *path, int flags, int *err);
struct file *file_dup(struct file *f);
void file_close(struct file *f);
int file_read(struct file *f, u32 ubuf, u32 n);
int file_write(struct file *f, u32 ubuf, u32 n);
int file_lseek(struct file *f, i32 off, int whence);
int file_stat(struct file *f, u32 ustat);
int file_getdents(struct file *f, u32 ubuf, u32 n);
int pipe_create(struct file **r, struct file **w);
int fs_unlink(const char *path);
int fs_mkdir(const char *path);
void fs_add_device(const char *path, int type);

/* ---- proc.c ---- */
#define NPROC 32
#define NOFILE 16
#define PNAME 16
#define KSTACK 8192
enum { P_UNUSED, P_EMBRYO, P_SLEEPING, P_RUNNABLE, P_RUNNING, P_ZOMBIE };
struct context { u32 edi, esi, ebx, ebp, eip; };
struct proc {
    u32 pid;
    u32 ppid;
    u32 state;
    char name[PNAME];
    u32 cr3;                /* physical address of the page directory */
    u32 entry;              /* ELF entry of the current image */
    u32 ustack;             /* initial user stack pointer after exec */
    u32 brk;
    u32 heap_start;
    u32 stack_low;          /* lowest mapped stack page */
    i32 exit_status;        /* Linux wait status */
    u32 killed;             /* signal number that will end it, 0 if none */
    void *chan;
    u32 wake_tick;
    struct trapframe *tf;
    struct context *ctx;
    u8 *kstack;
    struct file *fd[NOFILE];
    u32 sig_ignored;        /* bit n set: signal n is ignored (SIG_IGN); never for 9 */
};
extern struct proc procs[NPROC];
extern struct proc *current;
extern int debug_syscalls;
void proc_init(void);
void scheduler(void) __attribute__((noreturn));
void sleep_on(void *chan);
void wakeup(void *chan);
void yield(void);
void timer_tick(void);
int sys_fork_impl(void);
void do_exit(i32 status) __attribute__((noreturn));
int do_waitpid(i32 pid, u32 ustatus, int options);
int do_kill(i32 pid, int sig);
int do_nanosleep(u32 ticks_to_wait);
int proc_list(u32 ubuf, u32 max);
void console_interrupt(void);
int do_signal(int sig, u32 handler);
struct proc *proc_alloc(void);
void user_fault(struct trapframe *tf, const char *what, int sig, int with_addr);
void start_init(const char *cmdline);

/* ---- exec.c ---- */
int exec_image(struct proc *p, const char *path, char **argv, int argc);
int sys_execve_impl(u32 upath, u32 uargv);

/* ---- syscall.c ---- */
void syscall(struct trapframe *tf);

/* ---- ne2k.c ---- */
int ne2k_init(void);
void ne2k_irq(void);
int net_read(u32 ubuf, u32 n, int nonblock);
int net_write(u32 ubuf, u32 n);
int net_mac(u32 ubuf);
extern int ne2k_present;

/* ---- ata.c ---- */
extern u32 ata_sectors;
int ata_init(void);
int ata_rw(u32 off, u8 *buf, u32 n, int write);

/* ---- rtc ---- */
u32 rtc_time(void);

/* ---- entry.S ---- */
void swtch(struct context **old, struct context *new);
void trapret(void);

#endif
