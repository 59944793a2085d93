/* ATA PIO on the primary channel (0x1F0-0x1F7, control 0x3F6), master drive only, 28-bit
 * LBA, polled with interrupts disabled at the drive (nIEN). Exposed as /dev/hda when an ATA
 * disk answers IDENTIFY; absent disks leave no trace in the console output. */
#include "kernel.h"

#define ATA 0x1F0
#define ATA_CTL 0x3F6
#define ST_ERR 0x01
#define ST_DRQ 0x08
#define ST_BSY 0x80
#define SPIN 100000

u32 ata_sectors;              /* 0: no disk */
static u8 bounce[512];

/* Waits until BSY clears and (optionally) DRQ sets; -EIO on error or a stuck drive. */
static int ata_wait(int want_drq) {
    for (int i = 0; i < SPIN; i++) {
        u8 st = inb(ATA + 7);
        if (st & ST_BSY) continue;
        if (st & ST_ERR) return -EIO;
        if (!want_drq || (st & ST_DRQ)) return 0;
    }
    return -EIO;
}

int ata_init(void) {
    outb(ATA_CTL, 0x02);                      /* nIEN: no IRQ 14, we poll */
    outb(ATA + 6, 0xA0);
    u8 st = inb(ATA + 7);
    if (st == 0xFF || st == 0x00) return -ENODEV;
    outb(ATA + 2, 0); outb(ATA + 3, 0); outb(ATA + 4, 0); outb(ATA + 5, 0);
    outb(ATA + 7, 0xEC);                      /* IDENTIFY DEVICE */
    if (inb(ATA + 7) == 0) return -ENODEV;
    if (ata_wait(0)) return -ENODEV;
    if (inb(ATA + 4) || inb(ATA + 5)) return -ENODEV;   /* ATAPI or SATA signature */
    if (ata_wait(1)) return -ENODEV;
    u16 id[256];
    for (int i = 0; i < 256; i++) id[i] = inw(ATA);
    ata_sectors = id[60] | ((u32)id[61] << 16);
    if (ata_sectors > 0x0FFFFFFF) ata_sectors = 0x0FFFFFFF;
    return ata_sectors ? 0 : -ENODEV;
}

static int ata_cmd(u32 lba, u8 cmd) {
    if (ata_wait(0)) return -EIO;
    outb(ATA + 6, 0xE0 | ((lba >> 24) & 0x0F));
    outb(ATA + 2, 1);
    outb(ATA + 3, lba & 0xFF);
    outb(ATA + 4, (lba >> 8) & 0xFF);
    outb(ATA + 5, (lba >> 16) & 0xFF);
    outb(ATA + 7, cmd);
    return ata_wait(1);
}

static int ata_read_sector(u32 lba, u8 *dst) {
    if (ata_cmd(lba, 0x20)) return -EIO;
    u32 n = 256;
    void *d = dst;
    __asm__ volatile("rep insw" : "+D"(d), "+c"(n) : "d"(ATA) : "memory");
    return 0;
}

static int ata_write_sector(u32 lba, const u8 *src) {
    if (ata_cmd(lba, 0x30)) return -EIO;
    u32 n = 256;
    const void *s = src;
    __asm__ volatile("rep outsw" : "+S"(s), "+c"(n) : "d"(ATA) : "memory");
    if (ata_wait(0)) return -EIO;
    outb(ATA + 7, 0xE7);                      /* FLUSH CACHE */
    return ata_wait(0);
}

/* Byte-granular access through a one-sector bounce buffer; dst/src are kernel-accessible
 * (user ranges already checked by the caller). Returns bytes done or -EIO. */
int ata_rw(u32 off, u8 *buf, u32 n, int write) {
    u32 size = ata_sectors * 512;
    if (off >= size) return 0;
    if (n > size - off) n = size - off;
    u32 done = 0;
    while (done < n) {
        u32 lba = (off + done) / 512, o = (off + done) % 512;
        u32 chunk = 512 - o < n - done ? 512 - o : n - done;
        if (ata_read_sector(lba, bounce)) return done ? (int)done : -EIO;
        if (write) {
            memcpy(bounce + o, buf + done, chunk);
            if (ata_write_sector(lba, bounce)) return done ? (int)done : -EIO;
        } else {
            memcpy(buf + done, bounce + o, chunk);
        }
        done += chunk;
    }
    return done;
}
