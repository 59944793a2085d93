/* buggy FILE: totals customer orders, one per line:
 *     item=NAME;customer=NAME;qty=N
 * It has a real memory-safety bug: the customer name is copied into a fixed 16-byte field
 * without a bounds check (see parse_field). A name of 16 characters or more overwrites the
 * price pointer that follows it, and the total computation then dereferences the garbage:
 * "customer=ACME Corporation International" faults at 0x746e4920 (" Int"). */
#include "libc.h"

struct price { int cents; const char *item; };

static const struct price prices[] = {
    {250, "widget"}, {1999, "gadget"}, {75, "sprocket"}, {12000, "turbine"},
};

struct order {
    char customer[16];
    const struct price *price;   /* looked up from item= */
    int qty;
};

static const struct price *find_price(const char *item) {
    for (unsigned i = 0; i < sizeof prices / sizeof prices[0]; i++)
        if (!strcmp(prices[i].item, item)) return &prices[i];
    return &prices[0];
}

/* noinline: parse_* are a component to slice (docs/slicing.md), so they keep their symbols */
__attribute__((noinline)) static void parse_field(struct order *o, char *key, char *value) {
    if (!strcmp(key, "item")) o->price = find_price(value);
    else if (!strcmp(key, "customer")) strcpy(o->customer, value);   /* BUG: no bounds check */
    else if (!strcmp(key, "qty")) o->qty = atoi(value);
}

__attribute__((noinline)) static void parse_line(struct order *o, char *line) {
    memset(o, 0, sizeof *o);
    o->price = &prices[0];
    o->qty = 1;
    char *field = line;
    while (field && *field) {
        char *next = strchr(field, ';');
        if (next) *next++ = 0;
        char *eq = strchr(field, '=');
        if (eq) { *eq = 0; parse_field(o, field, eq + 1); }
        field = next;
    }
}

int main(int argc, char **argv) {
    if (argc != 2) { dprintf(2, "usage: buggy FILE\n"); return 2; }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) { dprintf(2, "buggy: %s: %s\n", argv[1], strerror(fd)); return 1; }
    char line[256];
    int total = 0, n = 0;
    while (read_line(fd, line, sizeof line) > 0) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = 0;
        if (!line[0]) continue;
        struct order o;
        parse_line(&o, line);
        int cents = o.price->cents * o.qty;
        printf("buggy: %-16s %-8s x%-3d %6d.%02d\n", o.customer, o.price->item, o.qty,
               cents / 100, cents % 100);
        total += cents;
        n++;
    }
    close(fd);
    printf("buggy: %d orders, total %d.%02d\n", n, total / 100, total % 100);
    return 0;
}
