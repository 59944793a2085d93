/* Boot: Multiboot info, memory, devices, the RAM filesystem, pid 1. Also the introspection
 * export read by replay-time tools (docs/guest.md describes it byte for byte). */
#include "kernel.h"

struct mb_info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
};
struct mb_module { u32 start, end, string, reserved; };

/* Version 1.0 of the introspection export. Only ever append fields (bump minor);
 * change a meaning only with a new major. */
struct kerf_introspect {
    char magic[8];                 /* "KERFINTR" */
    u16 version_major, version_minor;
    u32 size;                      /* sizeof this structure */
    u32 proc_table, proc_size, proc_count;
    u32 current_ptr;               /* address of the 'struct proc *current' variable */
    u32 off_pid, off_ppid, off_name, name_len, off_state, off_cr3;
    u32 off_entry, off_ustack, off_brk, off_exit_status, off_tf, off_kstack;
    u32 kstack_size;
    u32 state_unused, state_embryo, state_sleeping, state_runnable, state_running, state_zombie;
    u32 user_base, user_top, kernel_map_end;
    u32 ticks_ptr, hz;
    u32 syscall_vector;
    u32 cmdline_ptr;               /* NUL-terminated copy of the kernel command line */
};

static char cmdline[256];

__attribute__((used, section(".kerf_introspect")))
const struct kerf_introspect kerf_introspect = {
    {'K', 'E', 'R', 'F', 'I', 'N', 'T', 'R'}, 1, 0, sizeof(struct kerf_introspect),
    (u32)procs, sizeof(struct proc), NPROC, (u32)&current,
    offsetof(struct proc, pid), offsetof(struct proc, ppid), offsetof(struct proc, name), PNAME,
    offsetof(struct proc, state), offsetof(struct proc, cr3), offsetof(struct proc, entry),
    offsetof(struct proc, ustack), offsetof(struct proc, brk), offsetof(struct proc, exit_status),
    offsetof(struct proc, tf), offsetof(struct proc, kstack), KSTACK,
    P_UNUSED, P_EMBRYO, P_SLEEPING, P_RUNNABLE, P_RUNNING, P_ZOMBIE,
    USER_BASE, USER_TOP, KERNEL_MAP_END, (u32)&ticks, 100, 0x80, (u32)cmdline};

extern u8 _end[];

static int has_word(const char *s, const char *w) {
    int l = strlen(w);
    for (const char *p = s; *p; p++)
        if ((p == s || p[-1] == ' ') && !strncmp(p, w, l) && (p[l] == ' ' || !p[l])) return 1;
    return 0;
}

/* QEMU and GRUB put the kernel's file name first ("/path/kernel.elf scenario=x"); other
 * loaders pass only the arguments. Dropping a first word without '=' makes the command line,
 * and so init's argv and stack, the same everywhere. */
static void drop_image_name(char *s) {
    char *p = s;
    while (*p == ' ') p++;
    char *w = p;
    while (*p && *p != ' ' && *p != '=') p++;
    if (*p == '=') return;
    while (*p && *p != ' ') p++;
    while (*p == ' ') p++;
    if (w == s && p == s) return;
    memmove(s, p, strlen(p) + 1);
}

void kmain(u32 magic, struct mb_info *mb) {
    serial_init();
    if (magic != 0x2BADB002) panic("not booted by a Multiboot loader");
    /* Reserved while the kernel runs: its image and the modules (module 0 is read by
     * fs_init after paging is on). The info block and strings are used only before. */
    u32 reserved[2 * 5] = {0x100000, (u32)_end};
    int nres = 1;
    if ((mb->flags & 4) && mb->cmdline) {
        strncpy_z(cmdline, (const char *)mb->cmdline, sizeof cmdline);
        drop_image_name(cmdline);
    }
    u8 *tar = NULL;
    u32 tar_len = 0;
    if ((mb->flags & 8) && mb->mods_count > 0) {
        struct mb_module *m = (struct mb_module *)mb->mods_addr;
        tar = (u8 *)m[0].start;
        tar_len = m[0].end - m[0].start;
        for (u32 i = 0; i < mb->mods_count && nres < 5; i++, nres++) {
            reserved[2 * nres] = m[i].start;
            reserved[2 * nres + 1] = m[i].end;
        }
    }
    u32 upper_kib = mb->mem_upper < (KERNEL_MAP_END >> 10) ? mb->mem_upper : KERNEL_MAP_END >> 10;
    u32 mem_end = (mb->flags & 1) ? 0x100000 + upper_kib * 1024 : 0x1000000;
    if (mem_end > KERNEL_MAP_END) mem_end = KERNEL_MAP_END;
    if (tar && (u32)tar + tar_len > KERNEL_MAP_END) panic("boot module above 32 MiB");
    debug_syscalls = has_word(cmdline, "debug=syscalls");
    cpu_init();
    mm_init(mem_end, reserved, nres);
    if (pages_free() < 256) panic("not enough memory (need 1 MiB free)");
    proc_init();
    fs_init(tar, tar_len);
    kprintf("kerf guest kernel 0.1, initrd %u bytes\n", tar_len);
    if (ne2k_init() == 0) kprintf("ne2k: NE2000 at 0x300, irq 9\n");
    else kprintf("ne2k: no NE2000 at 0x300\n");
    if (ata_init() == 0) {             /* printed only when a disk exists */
        kprintf("ata: /dev/hda, %u sectors\n", ata_sectors);
        fs_add_device("/dev/hda", I_DISK);
    }
    start_init(cmdline);
    scheduler();
}
