/* COM1 (16550A at 0x3F8, IRQ4): polled output, interrupt-driven input with a
 * canonical line discipline (echo, backspace, ^D = end of file, ^U kills the line). */
#include "kernel.h"

#define COM1 0x3F8
#define LINE_MAX 256

static char edit[LINE_MAX];      /* line being typed */
static int edit_len;
static char ready[1024];         /* completed lines waiting for read() */
static u32 ready_head, ready_tail;
static int eof_pending;

void serial_init(void) {
    outb(COM1 + 1, 0x00);        /* no interrupts while configuring */
    outb(COM1 + 3, 0x80);        /* DLAB */
    outb(COM1 + 0, 0x01);        /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);        /* 8N1 */
    outb(COM1 + 2, 0x00);        /* FIFO off: one interrupt per byte, simplest to model */
    outb(COM1 + 4, 0x0B);        /* DTR, RTS, OUT2 (gates the IRQ line) */
    outb(COM1 + 1, 0x01);        /* interrupt on received data */
}

void serial_putc(char c) {
    /* bounded: a UART model that never reports THRE must not hang the kernel */
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++) {}
    outb(COM1, (u8)c);
}

void serial_write(const char *s, int n) {
    for (int i = 0; i < n; i++) serial_putc(s[i]);
}

static void ready_put(char c) {
    if (ready_tail - ready_head < sizeof ready) ready[ready_tail++ % sizeof ready] = c;
}

static void discipline(char c) {
    if (c == '\r') c = '\n';
    if (c == 0x7f || c == 0x08) {
        if (edit_len > 0) { edit_len--; serial_write("\b \b", 3); }
        return;
    }
    if (c == 0x15) {             /* ^U */
        while (edit_len > 0) { edit_len--; serial_write("\b \b", 3); }
        return;
    }
    if (c == 0x03) {             /* ^C: drop the line, interrupt console readers */
        edit_len = 0;
        serial_write("^C\n", 3);
        console_interrupt();
        return;
    }
    if (c == 0x04) {             /* ^D: flush the line, or end of file on an empty one */
        if (edit_len == 0) eof_pending = 1;
        for (int i = 0; i < edit_len; i++) ready_put(edit[i]);
        edit_len = 0;
        wakeup(ready);
        return;
    }
    if (c == '\n' || edit_len < LINE_MAX - 1) {
        if (c != '\n') edit[edit_len++] = c;
        serial_putc(c);
    }
    if (c == '\n') {
        for (int i = 0; i < edit_len; i++) ready_put(edit[i]);
        ready_put('\n');
        edit_len = 0;
        wakeup(ready);
    }
}

void serial_irq(void) {
    while (inb(COM1 + 5) & 0x01) discipline((char)inb(COM1));
}

/* Returns at most one line. Blocks until a line (or ^D) arrives. */
int console_read(char *dst, int n, int nonblock) {
    while (ready_head == ready_tail && !eof_pending) {
        if (nonblock) return -EAGAIN;
        sleep_on(ready);
        if (current->killed) return -EINTR;
    }
    int got = 0;
    while (got < n && ready_head != ready_tail) {
        char c = ready[ready_head++ % sizeof ready];
        dst[got++] = c;
        if (c == '\n') break;
    }
    if (got == 0 && eof_pending) eof_pending = 0;
    return got;
}

/* QEMU's isa-debug-exit (and kerf's) end the machine with status (v << 1) | 1. */
void poweroff(int status) {
    __asm__ volatile("cli");
    outb(0xF4, (u8)status);
    for (;;) __asm__ volatile("hlt");
}
