/* vault: the password store. Loads /secret/vault.db ("name:secret" lines) and answers
 * requests on stdin, one per line:  "get NAME" -> "ok SECRET" | "err no such entry";
 * "quit" or end of file ends it. This is the sensitive component slices must keep out. */
#include "libc.h"

#define MAX_ENTRIES 32

struct entry { char name[32]; char secret[64]; };
static struct entry entries[MAX_ENTRIES];
static int count;

static int load(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return fd;
    char line[128];
    while (count < MAX_ENTRIES && read_line(fd, line, sizeof line) > 0) {
        char *colon = strchr(line, ':');
        if (!colon || line[0] == '#') continue;
        *colon = 0;
        char *nl = strchr(colon + 1, '\n');
        if (nl) *nl = 0;
        strncpy(entries[count].name, line, sizeof entries[count].name - 1);
        strncpy(entries[count].secret, colon + 1, sizeof entries[count].secret - 1);
        count++;
    }
    close(fd);
    return 0;
}

static const char *lookup(const char *name) {
    for (int i = 0; i < count; i++)
        if (!strcmp(entries[i].name, name)) return entries[i].secret;
    return NULL;
}

int main(void) {
    int r = load("/secret/vault.db");
    if (r < 0) { dprintf(2, "vault: /secret/vault.db: %s\n", strerror(r)); return 1; }
    char req[128];
    while (read_line(0, req, sizeof req) > 0) {
        char *nl = strchr(req, '\n');
        if (nl) *nl = 0;
        if (!strcmp(req, "quit")) break;
        if (!strncmp(req, "get ", 4)) {
            const char *s = lookup(req + 4);
            if (s) dprintf(1, "ok %s\n", s);
            else dprintf(1, "err no such entry\n");
        } else {
            dprintf(1, "err bad request\n");
        }
    }
    return 0;
}
