/* NE2000 (DP8390) on the ISA bus at 0x300, IRQ 9, 16-bit remote DMA.
 * On-card memory: transmit buffer at page 0x40 (6 pages), receive ring 0x46..0x80.
 * Received frames wait in a small queue until a process reads /dev/net. */
#include "kernel.h"

#define NE 0x300
#define TX_PAGE 0x40
#define RX_START 0x46
#define RX_STOP 0x80
#define QLEN 8
#define FRAME_MAX 1536

int ne2k_present;
static u8 mac[6];
static u8 queue[QLEN][FRAME_MAX];
static u16 queue_len[QLEN];
static u32 q_head, q_tail;
static u32 dropped;

static void dma_setup(u32 addr, u32 count, u8 cmd) {
    outb(NE + 0x0A, count & 0xFF);
    outb(NE + 0x0B, count >> 8);
    outb(NE + 0x08, addr & 0xFF);
    outb(NE + 0x09, addr >> 8);
    outb(NE + 0x00, cmd);
}

static void dma_done(void) {
    for (int i = 0; i < 10000 && !(inb(NE + 0x07) & 0x40); i++) {}
    outb(NE + 0x07, 0x40);
}

static void dma_read(u32 addr, u8 *dst, u32 n) {
    u32 words = (n + 1) / 2;
    dma_setup(addr, words * 2, 0x0A);
    for (u32 i = 0; i < words; i++) {
        u16 w = inw(NE + 0x10);
        dst[2 * i] = w & 0xFF;
        if (2 * i + 1 < n) dst[2 * i + 1] = w >> 8;
    }
    dma_done();
}

int ne2k_init(void) {
    outb(NE + 0x00, 0x21);                     /* an empty ISA bus reads 0xFF */
    if (inb(NE + 0x00) != 0x21) return -ENODEV;
    outb(NE + 0x1F, inb(NE + 0x1F));           /* reset */
    int i;
    for (i = 0; i < 10000 && !(inb(NE + 0x07) & 0x80); i++) {}
    if (i == 10000) return -ENODEV;
    outb(NE + 0x07, 0xFF);
    outb(NE + 0x00, 0x21);                     /* page 0, stop, no DMA */
    outb(NE + 0x0E, 0x49);                     /* word transfers, normal, FIFO 8 */
    outb(NE + 0x0A, 0); outb(NE + 0x0B, 0);
    outb(NE + 0x0C, 0x20);                     /* monitor while setting up */
    outb(NE + 0x0D, 0x02);                     /* loopback while setting up */
    u8 prom[32];
    dma_read(0, prom, 32);
    for (i = 0; i < 6; i++) mac[i] = prom[2 * i];
    outb(NE + 0x04, TX_PAGE);
    outb(NE + 0x01, RX_START);
    outb(NE + 0x02, RX_STOP);
    outb(NE + 0x03, RX_STOP - 1);              /* boundary trails the next frame by one page */
    outb(NE + 0x07, 0xFF);
    outb(NE + 0x0F, 0x11);                     /* interrupt on receive and overwrite */
    outb(NE + 0x00, 0x61);                     /* page 1 */
    for (i = 0; i < 6; i++) outb(NE + 0x01 + i, mac[i]);
    for (i = 0; i < 8; i++) outb(NE + 0x08 + i, 0xFF);
    outb(NE + 0x07, RX_START);                 /* CURR */
    outb(NE + 0x00, 0x22);                     /* page 0, start */
    outb(NE + 0x0D, 0x00);                     /* normal transmit */
    outb(NE + 0x0C, 0x04);                     /* accept unicast to us and broadcast */
    ne2k_present = 1;
    return 0;
}

static void receive_all(void) {
    for (int guard = 0; guard < 64; guard++) {
        outb(NE + 0x00, 0x62);
        u8 curr = inb(NE + 0x07);
        outb(NE + 0x00, 0x22);
        u8 frame = inb(NE + 0x03) + 1;
        if (frame >= RX_STOP) frame = RX_START;
        if (frame == curr) return;
        u8 hdr[4];
        dma_read(frame << 8, hdr, 4);
        u32 len = hdr[2] | (hdr[3] << 8);
        u8 next = hdr[1];
        if (len < 4 || next < RX_START || next >= RX_STOP) {   /* confused card: resync */
            outb(NE + 0x03, curr == RX_START ? RX_STOP - 1 : curr - 1);
            return;
        }
        len -= 4;
        if (len > FRAME_MAX) len = FRAME_MAX;
        if (q_tail - q_head < QLEN) {
            u32 slot = q_tail % QLEN;
            /* the frame may wrap around the ring end */
            u32 start = (frame << 8) + 4, ring_end = RX_STOP << 8;
            u32 first = start + len > ring_end ? ring_end - start : len;
            dma_read(start, queue[slot], first);
            if (first < len) dma_read(RX_START << 8, queue[slot] + first, len - first);
            queue_len[slot] = len;
            q_tail++;
        } else {
            dropped++;
        }
        outb(NE + 0x03, next == RX_START ? RX_STOP - 1 : next - 1);
    }
}

void ne2k_irq(void) {
    if (!ne2k_present) return;
    u8 isr = inb(NE + 0x07);
    outb(NE + 0x07, isr & ~0x40);
    if (isr & 0x11) {
        receive_all();
        wakeup(queue);
    }
}

int net_read(u32 ubuf, u32 n, int nonblock) {
    if (!ne2k_present) return -ENODEV;
    while (q_head == q_tail) {
        if (nonblock) return -EAGAIN;
        sleep_on(queue);
        if (current->killed) return -EINTR;
    }
    u32 slot = q_head % QLEN;
    u32 len = queue_len[slot] < n ? queue_len[slot] : n;
    memcpy((void *)ubuf, queue[slot], len);      /* range checked by file_read */
    q_head++;
    return len;
}

int net_write(u32 ubuf, u32 n) {
    if (!ne2k_present) return -ENODEV;
    if (n < 14 || n > 1514) return -EINVAL;
    static u8 buf[FRAME_MAX];
    memcpy(buf, (void *)ubuf, n);                /* range checked by file_write */
    u32 len = n < 60 ? 60 : n;
    if (n < 60) memset(buf + n, 0, 60 - n);
    for (int i = 0; i < 100000 && (inb(NE + 0x00) & 0x04); i++) {}   /* previous send */
    u32 words = (len + 1) / 2;
    dma_setup(TX_PAGE << 8, words * 2, 0x12);
    for (u32 i = 0; i < words; i++) outw(NE + 0x10, buf[2 * i] | (buf[2 * i + 1] << 8));
    dma_done();
    outb(NE + 0x04, TX_PAGE);
    outb(NE + 0x05, len & 0xFF);
    outb(NE + 0x06, len >> 8);
    outb(NE + 0x00, 0x26);
    return n;
}

int net_mac(u32 ubuf) {
    if (!ne2k_present) return -ENODEV;
    return copy_to_user(ubuf, mac, 6);
}
