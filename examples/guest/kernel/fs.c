/* The RAM filesystem (filled from the ustar boot module), open files, pipes and the
 * device files /dev/console, /dev/net and /dev/null. File data lives in whole pages found
 * through one index page per file (at most 1024 pages = 4 MiB per file). */
#include "kernel.h"

#define NINODE 256
#define NFILE 128
#define NPIPE 32
#define PIPE_SIZE 4096
#define MAX_FILE (1024u * PAGE)

static struct inode inodes[NINODE];
static struct file files[NFILE];
struct pipe { u8 buf[PIPE_SIZE]; u32 head, tail; int readers, writers; };
static struct pipe pipes[NPIPE];
static int pipe_used[NPIPE];
static struct inode *root;

static struct inode *inode_new(int type, const char *name, struct inode *dir) {
    for (int i = 0; i < NINODE; i++) {
        struct inode *ip = &inodes[i];
        if (ip->type != I_FREE) continue;
        memset(ip, 0, sizeof *ip);
        ip->type = type;
        ip->ino = i + 1;
        strncpy_z(ip->name, name, sizeof ip->name);
        ip->parent = dir ? dir : ip;
        if (dir) {
            struct inode **pp = &dir->child;
            while (*pp) pp = &(*pp)->next;
            *pp = ip;
        }
        return ip;
    }
    return NULL;
}

static void inode_truncate(struct inode *ip) {
    if (ip->blocks) {
        for (int i = 0; i < 1024; i++)
            if (ip->blocks[i]) page_free(ip->blocks[i]);
        page_free(ip->blocks);
        ip->blocks = NULL;
    }
    ip->size = 0;
}

static struct inode *dir_lookup(struct inode *dir, const char *name, int len) {
    if (len == 1 && name[0] == '.') return dir;
    if (len == 2 && name[0] == '.' && name[1] == '.') return dir->parent;
    for (struct inode *c = dir->child; c; c = c->next)
        if ((int)strlen(c->name) == len && !memcmp(c->name, name, len)) return c;
    return NULL;
}

/* Resolves path (relative paths start at the root: there is no working directory).
 * With want_parent, returns the parent directory and leaves the last name in last. */
static struct inode *walk(const char *path, int want_parent, char *last) {
    struct inode *ip = root;
    while (*path) {
        while (*path == '/') path++;
        if (!*path) break;
        const char *e = path;
        while (*e && *e != '/') e++;
        int len = e - path;
        const char *rest = e;
        while (*rest == '/') rest++;
        if (want_parent && !*rest) {
            if (len > NAME_MAX) return NULL;
            memcpy(last, path, len);
            last[len] = 0;
            return ip;
        }
        if (ip->type != I_DIR) return NULL;
        ip = dir_lookup(ip, path, len);
        if (!ip) return NULL;
        path = e;
    }
    if (want_parent) return NULL;
    return ip;
}

struct inode *namei(const char *path) { return walk(path, 0, NULL); }

static struct inode *mkpath(const char *path, int type) {
    char last[NAME_MAX + 1];
    struct inode *dir = walk(path, 1, last);
    if (!dir || dir->type != I_DIR) return NULL;
    struct inode *ip = dir_lookup(dir, last, strlen(last));
    if (ip) return ip->type == type ? ip : NULL;
    return inode_new(type, last, dir);
}

int inode_read(struct inode *ip, u32 off, void *dst, u32 n) {
    if (off >= ip->size) return 0;
    if (n > ip->size - off) n = ip->size - off;
    u8 *d = dst;
    for (u32 done = 0; done < n;) {
        u32 b = (off + done) / PAGE, o = (off + done) % PAGE;
        u32 chunk = PAGE - o < n - done ? PAGE - o : n - done;
        u8 *page = ip->blocks ? ip->blocks[b] : NULL;
        if (page) memcpy(d + done, page + o, chunk);
        else memset(d + done, 0, chunk);
        done += chunk;
    }
    return n;
}

static int inode_write(struct inode *ip, u32 off, const void *src, u32 n) {
    if (off > MAX_FILE || n > MAX_FILE - off) n = off > MAX_FILE ? 0 : MAX_FILE - off;
    if (n == 0) return -ENOSPC;
    if (!ip->blocks && !(ip->blocks = page_alloc())) return -ENOSPC;
    const u8 *s = src;
    u32 done = 0;
    while (done < n) {
        u32 b = (off + done) / PAGE, o = (off + done) % PAGE;
        u32 chunk = PAGE - o < n - done ? PAGE - o : n - done;
        if (!ip->blocks[b] && !(ip->blocks[b] = page_alloc())) break;
        memcpy(ip->blocks[b] + o, s + done, chunk);
        done += chunk;
    }
    if (off + done > ip->size) ip->size = off + done;
    return done ? (int)done : -ENOSPC;
}

static u32 octal(const char *s, int n) {
    u32 v = 0;
    for (int i = 0; i < n && s[i] >= '0' && s[i] <= '7'; i++) v = v * 8 + (s[i] - '0');
    return v;
}

static void load_tar(u8 *tar, u32 len) {
    char path[256];
    for (u32 off = 0; off + 512 <= len;) {
        const char *h = (const char *)tar + off;
        if (!h[0]) break;
        u32 size = octal(h + 124, 12);
        char type = h[156];
        path[0] = 0;
        if (h[345]) {
            strncpy_z(path, h + 345, 156);
            u32 l = strlen(path);
            path[l++] = '/';
            strncpy_z(path + l, h, 101);
        } else {
            strncpy_z(path, h, 101);
        }
        const char *p = path;
        if (p[0] == '.' && p[1] == '/') p += 2;
        if (*p) {
            if (type == '5') {
                mkpath(p, I_DIR);
            } else if (type == '0' || type == 0) {
                struct inode *ip = mkpath(p, I_FILE);
                if (ip && size) inode_write(ip, 0, tar + off + 512, size);
            }
        }
        off += 512 + ((size + 511) & ~511u);
    }
}

void fs_init(u8 *tar, u32 len) {
    root = inode_new(I_DIR, "", NULL);
    if (tar) load_tar(tar, len);
    mkpath("/dev", I_DIR);
    mkpath("/tmp", I_DIR);
    mkpath("/dev/console", I_CONSOLE);
    mkpath("/dev/net", I_NET);
    mkpath("/dev/null", I_NULL);
}

static struct file *file_alloc(void) {
    for (int i = 0; i < NFILE; i++)
        if (files[i].refs == 0) {
            memset(&files[i], 0, sizeof files[i]);
            files[i].refs = 1;
            return &files[i];
        }
    return NULL;
}

struct file *file_open(const char *path, int flags, int *err) {
    struct inode *ip = namei(path);
    if (!ip && (flags & O_CREAT)) {
        char last[NAME_MAX + 1];
        struct inode *dir = walk(path, 1, last);
        if (!dir || dir->type != I_DIR) { *err = -ENOENT; return NULL; }
        ip = inode_new(I_FILE, last, dir);
        if (!ip) { *err = -ENOSPC; return NULL; }
    } else if (!ip) {
        *err = -ENOENT;
        return NULL;
    } else if ((flags & O_CREAT) && (flags & O_EXCL)) {
        *err = -EEXIST;
        return NULL;
    }
    if (ip->type == I_DIR && (flags & O_ACCMODE) != 0) { *err = -EISDIR; return NULL; }
    struct file *f = file_alloc();
    if (!f) { *err = -ENFILE; return NULL; }
    if ((flags & O_TRUNC) && ip->type == I_FILE && (flags & O_ACCMODE)) inode_truncate(ip);
    f->type = F_INODE;
    f->ip = ip;
    f->flags = flags;
    ip->opens++;
    return f;
}

struct file *file_dup(struct file *f) {
    f->refs++;
    return f;
}

static void inode_free(struct inode *ip) {
    inode_truncate(ip);
    ip->type = I_FREE;
}

void file_close(struct file *f) {
    if (--f->refs > 0) return;
    if (f->type == F_INODE) {
        if (--f->ip->opens == 0 && f->ip->unlinked) inode_free(f->ip);
    } else if (f->type == F_PIPE_R || f->type == F_PIPE_W) {
        struct pipe *p = f->pipe;
        if (f->type == F_PIPE_R) p->readers--;
        else p->writers--;
        wakeup(p);
        if (p->readers == 0 && p->writers == 0) pipe_used[p - pipes] = 0;
    }
    f->type = F_NONE;
}

static int pipe_read(struct file *f, u8 *dst, u32 n) {
    struct pipe *p = f->pipe;
    while (p->head == p->tail) {
        if (p->writers == 0) return 0;
        if (f->flags & O_NONBLOCK) return -EAGAIN;
        sleep_on(p);
        if (current->killed) return -EINTR;
    }
    u32 got = 0;
    while (got < n && p->head != p->tail) dst[got++] = p->buf[p->head++ % PIPE_SIZE];
    wakeup(p);
    return got;
}

static int pipe_write(struct file *f, const u8 *src, u32 n) {
    struct pipe *p = f->pipe;
    u32 done = 0;
    while (done < n) {
        if (p->readers == 0) return done ? (int)done : -EPIPE;
        if (p->tail - p->head == PIPE_SIZE) {
            if (f->flags & O_NONBLOCK) return done ? (int)done : -EAGAIN;
            wakeup(p);
            sleep_on(p);
            if (current->killed) return done ? (int)done : -EINTR;
            continue;
        }
        while (done < n && p->tail - p->head < PIPE_SIZE) p->buf[p->tail++ % PIPE_SIZE] = src[done++];
    }
    wakeup(p);
    return done;
}

int pipe_create(struct file **r, struct file **w) {
    int i = 0;
    while (i < NPIPE && pipe_used[i]) i++;
    if (i == NPIPE) return -ENFILE;
    struct file *fr = file_alloc();
    struct file *fw = fr ? file_alloc() : NULL;
    if (!fw) { if (fr) fr->refs = 0; return -ENFILE; }
    pipe_used[i] = 1;
    struct pipe *p = &pipes[i];
    p->head = p->tail = 0;
    p->readers = p->writers = 1;
    fr->type = F_PIPE_R; fr->pipe = p;
    fw->type = F_PIPE_W; fw->pipe = p; fw->flags = O_WRONLY;
    *r = fr;
    *w = fw;
    return 0;
}

int file_read(struct file *f, u32 ubuf, u32 n) {
    if (!user_ok(ubuf, n)) return -EFAULT;
    u8 *dst = (u8 *)ubuf;
    if (f->type == F_PIPE_R) return pipe_read(f, dst, n);
    if (f->type != F_INODE || (f->flags & O_ACCMODE) == O_WRONLY) return -EBADF;
    struct inode *ip = f->ip;
    switch (ip->type) {
    case I_FILE: {
        int r = inode_read(ip, f->off, dst, n);
        f->off += r;
        return r;
    }
    case I_DIR: return -EISDIR;
    case I_CONSOLE: return console_read((char *)dst, n, f->flags & O_NONBLOCK);
    case I_NET: return net_read(ubuf, n, f->flags & O_NONBLOCK);
    case I_DISK: {
        int r = ata_rw(f->off, dst, n, 0);
        if (r > 0) f->off += r;
        return r;
    }
    default: return 0;
    }
}

int file_write(struct file *f, u32 ubuf, u32 n) {
    if (!user_ok(ubuf, n)) return -EFAULT;
    const u8 *src = (const u8 *)ubuf;
    if (f->type == F_PIPE_W) return pipe_write(f, src, n);
    if (f->type != F_INODE || (f->flags & O_ACCMODE) == 0) return -EBADF;
    struct inode *ip = f->ip;
    switch (ip->type) {
    case I_FILE: {
        if (n == 0) return 0;
        if (f->flags & O_APPEND) f->off = ip->size;
        int r = inode_write(ip, f->off, src, n);
        if (r > 0) f->off += r;
        return r;
    }
    case I_CONSOLE: serial_write((const char *)src, n); return n;
    case I_NET: return net_write(ubuf, n);
    case I_NULL: return n;
    case I_DISK: {
        int r = ata_rw(f->off, (u8 *)src, n, 1);
        if (r > 0) f->off += r;
        return r;
    }
    default: return -EISDIR;
    }
}

int file_lseek(struct file *f, i32 off, int whence) {
    if (f->type != F_INODE) return -ESPIPE;
    int t = f->ip->type;
    if (t != I_FILE && t != I_DIR && t != I_DISK) return -ESPIPE;
    i32 end = t == I_DISK ? (i32)(ata_sectors * 512) : (i32)f->ip->size;
    i32 base = whence == 0 ? 0 : whence == 1 ? (i32)f->off : whence == 2 ? end : -1;
    if (whence < 0 || whence > 2 || base + off < 0) return -EINVAL;
    f->off = base + off;
    return f->off;
}

/* struct stat of the i386 fstat (108) call: 64 bytes. */
struct kstat {
    u32 dev, ino;
    u16 mode, nlink, uid, gid;
    u32 rdev, size, blksize, blocks;
    u32 atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns, unused4, unused5;
};

int file_stat(struct file *f, u32 ustat) {
    struct kstat st;
    memset(&st, 0, sizeof st);
    st.nlink = 1;
    st.blksize = PAGE;
    if (f->type == F_INODE) {
        struct inode *ip = f->ip;
        st.ino = ip->ino;
        st.size = ip->type == I_FILE ? ip->size : ip->type == I_DISK ? ata_sectors * 512 : 0;
        st.mode = ip->type == I_DIR ? 040755 : ip->type == I_FILE ? 0100644 :
                  ip->type == I_DISK ? 060660 : 020666;
        st.blocks = (st.size + 511) / 512;
    } else {
        st.mode = 010600;            /* FIFO */
    }
    return copy_to_user(ustat, &st, sizeof st);
}

/* linux_dirent64 records; the file offset counts entries. No "." or ".." entries. */
int file_getdents(struct file *f, u32 ubuf, u32 n) {
    if (f->type != F_INODE || f->ip->type != I_DIR) return -ENOTDIR;
    if (!user_ok(ubuf, n)) return -EFAULT;
    struct inode *c = f->ip->child;
    for (u32 i = 0; c && i < f->off; i++) c = c->next;
    u32 used = 0;
    for (; c; c = c->next) {
        u32 nl = strlen(c->name);
        u32 reclen = (19 + nl + 1 + 7) & ~7u;
        if (used + reclen > n) {
            if (used == 0) return -EINVAL;
            break;
        }
        u8 *d = (u8 *)ubuf + used;
        memset(d, 0, reclen);
        *(u32 *)d = c->ino;
        *(u32 *)(d + 8) = f->off + 1;
        *(u16 *)(d + 16) = reclen;
        d[18] = c->type == I_DIR ? 4 : c->type == I_FILE ? 8 : 2;
        memcpy(d + 19, c->name, nl);
        used += reclen;
        f->off++;
    }
    return used;
}

int fs_unlink(const char *path) {
    struct inode *ip = namei(path);
    if (!ip || ip == root) return -ENOENT;
    if (ip->type == I_DIR) return -EISDIR;
    struct inode **pp = &ip->parent->child;
    while (*pp != ip) pp = &(*pp)->next;
    *pp = ip->next;
    ip->unlinked = 1;
    if (ip->opens == 0) inode_free(ip);
    return 0;
}

void fs_add_device(const char *path, int type) { mkpath(path, type); }

int fs_mkdir(const char *path) {
    if (namei(path)) return -EEXIST;
    return mkpath(path, I_DIR) ? 0 : -ENOENT;
}
