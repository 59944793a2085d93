package dev.kerf.emulator.device;

/** Port scripts for {@link PortScriptQemuTest}: time-independent device behaviour, chip by chip. */
final class DeviceScripts {
    private DeviceScripts() {}

    static PortScript all() {
        PortScript s = new PortScript();
        uart(s);
        cmos(s);
        pic(s);
        ata(s);
        pit(s);
        interrupts(s);
        ne2000(s);
        return s;
    }

    static void uart(PortScript s) {
        int b = 0x3F8;
        s.inb("uart IER", b + 1).inb("uart LCR", b + 3).inb("uart MCR", b + 4)
                .inb("uart LSR", b + 5).inb("uart MSR", b + 6);
        s.outb(b + 7, 0x5A).inb("uart SCR", b + 7);
        s.outb(b + 3, 0x80).outb(b, 0x01).outb(b + 1, 0x00)
                .inb("uart DLL", b).inb("uart DLM", b + 1).outb(b + 3, 0x03).inb("uart LCR 8N1", b + 3);
        s.outb(b + 2, 0x07).inb("uart IIR fifo", b + 2);
        s.outb(b + 1, 0x02).inb("uart IIR thri", b + 2).inb("uart IIR after read", b + 2);
        s.outb(b + 1, 0x00).outb(b + 2, 0x00).inb("uart IIR no fifo", b + 2);
        s.outb(b + 4, 0x1B).inb("uart MSR loop", b + 6).inb("uart MSR loop again", b + 6);
        s.outb(b, 0x41).inb("uart LSR loop", b + 5).inb("uart RBR loop", b).inb("uart LSR after", b + 5);
        s.outb(b + 4, 0x0B).inb("uart MSR normal", b + 6).inb("uart MSR normal again", b + 6);
    }

    static void cmos(PortScript s) {
        for (int reg : new int[] {0x0B, 0x0D, 0x15, 0x16, 0x17, 0x18, 0x30, 0x31, 0x34, 0x35}) {
            s.outb(0x70, reg).inb(String.format("cmos %02x", reg), 0x71);
        }
        s.outb(0x70, 0x40).outb(0x71, 0xA5).outb(0x70, 0x40).inb("cmos ram", 0x71);
    }

    static void pic(PortScript s) {
        int[][] init = {{0x20, 0x11}, {0xA0, 0x11}, {0x21, 0x20}, {0xA1, 0x28}, {0x21, 0x04}, {0xA1, 0x02},
                {0x21, 0x01}, {0xA1, 0x01}};
        for (int[] w : init) {
            s.outb(w[0], w[1]);
        }
        s.inb("pic master IMR after init", 0x21).inb("pic slave IMR after init", 0xA1);
        s.outb(0x21, 0xFF).outb(0xA1, 0xFF).inb("pic IMR", 0x21);
        s.outb(0x20, 0x0B).inb("pic ISR", 0x20).outb(0xA0, 0x0B).inb("pic slave ISR", 0xA0);
        s.outb(0xA1, 0x5A).inb("pic slave IMR", 0xA1).outb(0xA1, 0xFF);
        s.inb("elcr master", 0x4D0).inb("elcr slave", 0x4D1);
        s.outb(0x4D0, 0xFF).outb(0x4D1, 0xFF).inb("elcr master mask", 0x4D0).inb("elcr slave mask", 0x4D1);
        s.outb(0x4D0, 0x00).outb(0x4D1, 0x0C);
    }

    /** PIT programming state (counts and OUT depend on time and are masked or left out). */
    static void pit(PortScript s) {
        s.outb(0x61, 0x00).inMasked("port 61 gate off", 0x61, 0x03);
        s.outb(0x43, 0xB0); // channel 2, LSB/MSB, mode 0
        s.outb(0x43, 0xE8).inMasked("pit ch2 status before count", 0x42, 0x7F);
        s.outb(0x42, 0x00).outb(0x42, 0x40);
        s.outb(0x43, 0xE8).inMasked("pit ch2 status after count", 0x42, 0x7F);
        s.outb(0x43, 0x96).outb(0x42, 0x20); // channel 2, LSB only, mode 3
        s.outb(0x43, 0xE8).inMasked("pit ch2 status mode 3", 0x42, 0x7F);
        s.outb(0x43, 0x7A).outb(0x41, 0x10).outb(0x41, 0x00); // channel 1, LSB/MSB, mode 5
        s.outb(0x43, 0xE4).inMasked("pit ch1 status mode 5", 0x41, 0x7F);
        s.outb(0x61, 0x03).inMasked("port 61 gate and speaker", 0x61, 0x03);
        s.outb(0x61, 0x00);
    }

    /** IRQ lines as the PIC's IRR sees them (other bits masked: the timer ticks meanwhile). */
    static void interrupts(PortScript s) {
        s.outb(0x20, 0x0A).outb(0xA0, 0x0A); // OCW3: read IRR
        s.outb(0x3F9, 0x00).outb(0x3FC, 0x0B).outb(0x3FA, 0x00).inb("uart IIR quiet", 0x3FA);
        s.outb(0x3F9, 0x02).inMasked("irr IRQ4 after THRI enable", 0x20, 0x10);
        s.inb("uart IIR thri pending", 0x3FA).inb("uart IIR after", 0x3FA);
        s.outb(0x3F9, 0x00);
        s.outb(0x3F6, 0x00).inb("ata status before irq", 0x1F7).inMasked("irr IRQ14 before", 0xA0, 0x40);
        s.outb(0x1F6, 0xE0).outb(0x1F7, 0xE7).waitFor(0x3F6, 0x80, 0).inb("ata alt status", 0x3F6);
        s.inMasked("irr IRQ14 after flush", 0xA0, 0x40);
        s.inb("ata status clears irq", 0x1F7);
        s.outb(0x3F6, 0x02);
        s.outb(0x20, 0x0B).outb(0xA0, 0x0B); // back to reading ISR
    }

    static void ata(PortScript s) {
        s.outb(0x3F6, 0x02); // nIEN: no interrupts needed
        s.outb(0x1F6, 0xE0).inb("ata status", 0x1F7).inb("ata select", 0x1F6);
        s.outb(0x1F7, 0xEC).waitFor(0x1F7, 0x80, 0).inb("ata identify status", 0x1F7);
        for (int w = 0; w < 256; w++) {
            boolean compared = w <= 1 || w == 3 || w == 6 || (w >= 54 && w <= 58) || w == 60 || w == 61;
            s.in((compared ? "" : PortScript.NOT_COMPARED) + "ata identify word " + w, 0x1F0, 2);
        }
        s.inb("ata identify done status", 0x1F7);
        readSectors(s, 3, 2);
        s.outb(0x1F6, 0xE0).outb(0x1F2, 1).outb(0x1F3, 7).outb(0x1F4, 0).outb(0x1F5, 0).outb(0x1F7, 0x30);
        s.waitFor(0x1F7, 0x88, 0x08).inb("ata write DRQ status", 0x1F7);
        for (int i = 0; i < 256; i++) {
            s.out(0x1F0, 2, 0x1000 + i * 3);
        }
        s.waitFor(0x1F7, 0x80, 0).inb("ata write done status", 0x1F7).inb("ata write nsector", 0x1F2);
        readSectors(s, 7, 1);
        s.outb(0x1F6, 0xE0).outb(0x1F2, 4).outb(0x1F3, 62).outb(0x1F4, 0).outb(0x1F5, 0).outb(0x1F7, 0x20);
        s.waitFor(0x1F7, 0x80, 0).inb("ata out of range status", 0x1F7).inb("ata out of range error", 0x1F1);
        s.outb(0x1F7, 0xE7).inb("ata command ignored while DRQ", 0x1F7);
        s.outb(0x3F6, 0x06).outb(0x3F6, 0x02).waitFor(0x1F7, 0x80, 0); // software reset
        s.inb("ata status after reset", 0x1F7).inb("ata error after reset", 0x1F1)
                .inb("ata nsector after reset", 0x1F2).inb("ata sector after reset", 0x1F3)
                .inb("ata lcyl after reset", 0x1F4).inb("ata hcyl after reset", 0x1F5);
    }

    private static void readSectors(PortScript s, int lba, int count) {
        s.outb(0x1F6, 0xE0).outb(0x1F2, count).outb(0x1F3, lba).outb(0x1F4, 0).outb(0x1F5, 0).outb(0x1F7, 0x20);
        for (int sector = 0; sector < count; sector++) {
            s.waitFor(0x1F7, 0x80, 0).inb("ata read status sector " + sector, 0x1F7);
            for (int i = 0; i < 256; i++) {
                s.in("ata read lba " + (lba + sector) + " word " + i, 0x1F0, 2);
            }
        }
        s.waitFor(0x1F7, 0x80, 0).inb("ata read done status", 0x1F7).inb("ata read error", 0x1F1).inb("ata read nsector", 0x1F2);
        s.inb("ata read lba low", 0x1F3);
    }

    static void ne2000(PortScript s) {
        int io = 0x300;
        s.inb("ne isr power-on", io + 7);
        s.inb("ne reset", io + 0x1F);
        s.outb(io + 0x1F, 0);
        s.inb("ne isr after reset", io + 7);
        s.outb(io, 0x21).outb(io + 0x0E, 0x48).outb(io + 0x0A, 0).outb(io + 0x0B, 0)
                .outb(io + 0x0C, 0x04).outb(io + 0x0D, 0x02).outb(io + 4, 0x40).outb(io + 1, 0x46)
                .outb(io + 2, 0x80).outb(io + 3, 0x46).outb(io + 7, 0xFF).outb(io + 0x0F, 0x00);
        // the PROM, byte-wide
        s.outb(io + 0x0A, 32).outb(io + 0x0B, 0).outb(io + 8, 0).outb(io + 9, 0).outb(io, 0x0A);
        for (int i = 0; i < 32; i++) {
            s.inb("ne prom " + i, io + 0x10);
        }
        s.inb("ne isr rdc", io + 7).inb("ne crda0", io + 8).inb("ne crda1", io + 9);
        s.outb(io + 7, 0x40);
        s.outb(io + 0x0E, 0x49); // word transfers from now on
        s.outb(io, 0x61);
        for (int i = 0; i < 6; i++) {
            s.outb(io + 1 + i, new int[] {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}[i]);
        }
        s.outb(io + 7, 0x47);
        for (int r = 1; r <= 7; r++) {
            s.inb("ne page1 reg " + r, io + r);
        }
        s.outb(io, 0x22).outb(io + 7, 0xFF).outb(io + 0x0F, 0x3F).outb(io + 0x0D, 0x00);
        s.inb("ne cr started", io).inb("ne isr started", io + 7);
        s.outb(io, 0xA2);
        for (int r : new int[] {1, 2, 4, 0x0C, 0x0D, 0x0E, 0x0F}) {
            s.inb("ne page2 reg " + r, io + r);
        }
        s.outb(io, 0x22);
        // remote write of a 64-byte frame at 0x4000, read back, then transmit
        s.outb(io + 0x0A, 64).outb(io + 0x0B, 0).outb(io + 8, 0x00).outb(io + 9, 0x40).outb(io, 0x12);
        int[] mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
        for (int i = 0; i < 32; i++) {
            int lo = i < 3 ? 0xFF : i < 6 ? mac[2 * (i - 3)] : (i * 7) & 0xFF;
            int hi = i < 3 ? 0xFF : i < 6 ? mac[2 * (i - 3) + 1] : (i * 13 + 1) & 0xFF;
            s.out(io + 0x10, 2, lo | hi << 8);
        }
        s.inb("ne isr after remote write", io + 7).outb(io + 7, 0x40);
        s.outb(io + 0x0A, 64).outb(io + 0x0B, 0).outb(io + 8, 0x00).outb(io + 9, 0x40).outb(io, 0x0A);
        for (int i = 0; i < 32; i++) {
            s.in("ne readback word " + i, io + 0x10, 2);
        }
        s.outb(io + 7, 0x40);
        s.outb(io + 4, 0x40).outb(io + 5, 64).outb(io + 6, 0).outb(io, 0x26);
        s.inb("ne cr after tx", io).inb("ne tsr", io + 4).inb("ne isr tx", io + 7);
        s.outb(io + 7, 0xFF).inb("ne isr cleared", io + 7);
        s.outb(io + 0x0A, 0).outb(io + 0x0B, 0).outb(io, 0x0A).inb("ne isr zero-length dma", io + 7);
        s.outb(io + 7, 0xFF).outb(io, 0x22);
        arpRoundTrip(s, io);
        s.outb(io, 0x21); // stop
    }

    /** An ARP request for QEMU's user-mode gateway 10.0.2.2; the reply lands in the receive ring. */
    private static void arpRoundTrip(PortScript s, int io) {
        int[] arp = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x08, 0x06,
                0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
                10, 0, 2, 15, 0, 0, 0, 0, 0, 0, 10, 0, 2, 2};
        int length = 60;
        s.outb(io + 0x0A, length).outb(io + 0x0B, 0).outb(io + 8, 0x00).outb(io + 9, 0x40).outb(io, 0x12);
        for (int i = 0; i < length; i += 2) {
            int lo = i < arp.length ? arp[i] : 0;
            int hi = i + 1 < arp.length ? arp[i + 1] : 0;
            s.out(io + 0x10, 2, lo | hi << 8);
        }
        s.outb(io + 7, 0x40);
        s.outb(io + 4, 0x40).outb(io + 5, length).outb(io + 6, 0).outb(io, 0x26);
        s.waitFor(io + 7, 0x01, 0x01).inb("ne isr rx", io + 7).inb("ne rsr", io + 0x0C).inb("ne bnry", io + 3);
        s.outb(io, 0x62).inb("ne curr after rx", io + 7).outb(io, 0x22);
        s.outb(io + 0x0A, 64).outb(io + 0x0B, 0).outb(io + 8, 0x00).outb(io + 9, 0x47).outb(io, 0x0A);
        for (int i = 0; i < 32; i++) {
            s.in("ne rx ring word " + i, io + 0x10, 2);
        }
        s.outb(io + 7, 0xFF);
    }
}
