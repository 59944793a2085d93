/*
 * hello: the smallest useful kerf guest. Prints a banner on COM1, reads one line from COM1
 * (polling the UART), echoes it, and leaves through QEMU's isa-debug-exit port 0xF4.
 *
 * Exit value written to 0xF4: the kernel command line may say "exit=N" (0..127); otherwise it
 * is the length of the line read. The host sees (value << 1) | 1.
 */
#include <stdint.h>

#define COM1 0x3F8
#define MB_INFO_CMDLINE 0x4

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

static void serial_init(void) {
    outb(COM1 + 1, 0x00);   /* no interrupts: we poll */
    outb(COM1 + 3, 0x80);   /* DLAB on */
    outb(COM1 + 0, 0x01);   /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8N1, DLAB off */
    outb(COM1 + 4, 0x03);   /* DTR, RTS */
}

static void putc(char c) {
    while (!(inb(COM1 + 5) & 0x20)) { }
    outb(COM1, (uint8_t) c);
}

static void puts(const char *s) {
    for (; *s; s++) {
        if (*s == '\n') putc('\r');
        putc(*s);
    }
}

static char getc(void) {
    while (!(inb(COM1 + 5) & 0x01)) { }
    return (char) inb(COM1);
}

/* Reads up to n-1 characters, stopping at CR or LF; returns the length. */
static int read_line(char *buf, int n) {
    int len = 0;
    for (;;) {
        char c = getc();
        if (c == '\r' || c == '\n') break;
        if (len < n - 1) buf[len++] = c;
    }
    buf[len] = 0;
    return len;
}

/* "exit=N" anywhere in the command line, else -1. */
static int exit_from_cmdline(const char *s) {
    for (; s && *s; s++) {
        if (s[0] == 'e' && s[1] == 'x' && s[2] == 'i' && s[3] == 't' && s[4] == '=') {
            int v = 0;
            for (s += 5; *s >= '0' && *s <= '9'; s++) v = v * 10 + (*s - '0');
            return v & 0x7F;
        }
    }
    return -1;
}

void hello_main(uint32_t magic, const struct multiboot_info *mbi) {
    static char line[128];
    serial_init();
    puts("hello from kerf guest\n");
    if (magic != 0x2BADB002) {
        puts("bad multiboot magic\n");
        outl(0xF4, 0x7F);
    }
    const char *cmdline = (mbi->flags & MB_INFO_CMDLINE) ? (const char *) mbi->cmdline : "";
    puts("cmdline: ");
    puts(cmdline);
    puts("\ntype a line: ");
    int len = read_line(line, sizeof line);
    puts("\necho: ");
    puts(line);
    puts("\n");
    int status = exit_from_cmdline(cmdline);
    outl(0xF4, (uint32_t) (status >= 0 ? status : len));
}
