/* ls [-l] [PATH...]: names in directory order, one per line; -l adds type and size. */
#include "libc.h"

static int list(const char *path, int longfmt) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { dprintf(2, "ls: %s: %s\n", path, strerror(fd)); return 1; }
    struct stat st;
    fstat(fd, &st);
    if (!S_ISDIR(st.st_mode)) {
        if (longfmt) printf("- %8u %s\n", st.st_size, path);
        else printf("%s\n", path);
        close(fd);
        return 0;
    }
    char buf[1024];
    int n;
    while ((n = getdents64(fd, buf, sizeof buf)) > 0) {
        for (int off = 0; off < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            if (longfmt) {
                char full[160];
                snprintf(full, sizeof full, "%s/%s", path, d->d_name);
                struct stat cs = {0};
                int cfd = open(full, O_RDONLY);
                if (cfd >= 0) { fstat(cfd, &cs); close(cfd); }
                char t = d->d_type == 4 ? 'd' : d->d_type == 8 ? '-' : 'c';
                printf("%c %8u %s\n", t, cs.st_size, d->d_name);
            } else {
                printf("%s\n", d->d_name);
            }
            off += d->d_reclen;
        }
    }
    close(fd);
    return n < 0;
}

int main(int argc, char **argv) {
    int longfmt = 0, i = 1, bad = 0;
    if (argc > 1 && !strcmp(argv[1], "-l")) longfmt = 1, i++;
    if (i == argc) return list("/", longfmt);
    for (; i < argc; i++) bad |= list(argv[i], longfmt);
    return bad;
}
