package dev.kerf.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Crafted bzImages for the loader tests: a setup header with the fields the 32-bit boot protocol
 * reads, one setup sector, and a small protected-mode kernel that proves what it was handed: it
 * writes the command line (through ESI and cmd_line_ptr) and the initrd (ramdisk_image/size) to
 * COM1, then CS + DS to the debug-exit port, so a correct boot exits with ((0x10 + 0x18) << 1) | 1.
 */
public final class BzImages {
    /** Its exit status under the debug-exit device. */
    public static final int EXIT_STATUS = ((0x10 + 0x18) << 1) | 1;
    public static final byte[] KERNEL = {
        (byte) 0x8B, (byte) 0x9E, 0x28, 0x02, 0, 0,        // mov ebx, [esi+0x228]   cmd_line_ptr
        0x66, (byte) 0xBA, (byte) 0xF8, 0x03,              // mov dx, 0x3f8
        (byte) 0x8A, 0x03,                                 // l1: mov al, [ebx]
        (byte) 0x84, (byte) 0xC0,                          // test al, al
        0x74, 0x04,                                        // jz l2
        (byte) 0xEE,                                       // out dx, al
        0x43,                                              // inc ebx
        (byte) 0xEB, (byte) 0xF6,                          // jmp l1
        (byte) 0x8B, (byte) 0x9E, 0x18, 0x02, 0, 0,        // l2: mov ebx, [esi+0x218]   ramdisk_image
        (byte) 0x8B, (byte) 0x8E, 0x1C, 0x02, 0, 0,        // mov ecx, [esi+0x21c]   ramdisk_size
        (byte) 0xE3, 0x06,                                 // jecxz l4
        (byte) 0x8A, 0x03,                                 // l3: mov al, [ebx]
        (byte) 0xEE,                                       // out dx, al
        0x43,                                              // inc ebx
        (byte) 0xE2, (byte) 0xFA,                          // loop l3
        (byte) 0x8C, (byte) 0xC8,                          // l4: mov eax, cs
        (byte) 0x8C, (byte) 0xD9,                          // mov ecx, ds
        0x01, (byte) 0xC8,                                 // add eax, ecx
        (byte) 0xE6, (byte) 0xF4,                          // out 0xf4, al
        (byte) 0xF4, (byte) 0xEB, (byte) 0xFD};            // hlt; jmp $-1

    private BzImages() {}

    /** The header fields a test varies. */
    public record Header(int version, int setupSects, int syssize, boolean relocatable, long prefAddress,
                         int initSize, long initrdAddrMax, int cmdlineSize) {
        /** A 2.15 relocatable image preferring 2 MiB, initrd anywhere below 2 GiB, 2047-byte command lines. */
        public static Header standard() {
            return new Header(0x020F, 1, 4, true, 0x200000, 0x3000, 0x7FFFFFFFL, 2047);
        }

        public Header withVersion(int v) { return new Header(v, setupSects, syssize, relocatable, prefAddress, initSize, initrdAddrMax, cmdlineSize); }
        public Header withSetupSects(int s) { return new Header(version, s, syssize, relocatable, prefAddress, initSize, initrdAddrMax, cmdlineSize); }
        public Header withSyssize(int s) { return new Header(version, setupSects, s, relocatable, prefAddress, initSize, initrdAddrMax, cmdlineSize); }
        public Header withRelocatable(boolean r) { return new Header(version, setupSects, syssize, r, prefAddress, initSize, initrdAddrMax, cmdlineSize); }
        public Header withInitrdAddrMax(long m) { return new Header(version, setupSects, syssize, relocatable, prefAddress, initSize, m, cmdlineSize); }
        public Header withCmdlineSize(int c) { return new Header(version, setupSects, syssize, relocatable, prefAddress, initSize, initrdAddrMax, c); }
    }

    /** The image: setup sectors of (1 + setupSects) * 512 bytes, then the kernel padded to 64 bytes. */
    public static byte[] image(Header h) {
        int setup = (Math.max(h.setupSects(), 1) + 1) * 512;
        ByteBuffer b = ByteBuffer.allocate(setup + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) h.setupSects());
        b.putInt(0x1F4, h.syssize());
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x200, (byte) 0xEB).put(0x201, (byte) 0x6A);           // jmp to 0x26c: the header ends there
        b.putInt(0x202, 0x53726448);                                  // "HdrS"
        b.putShort(0x206, (short) h.version());
        b.put(0x211, (byte) 0x01);                                    // LOADED_HIGH
        b.putInt(0x214, 0x100000);                                    // code32_start
        b.putInt(0x22C, (int) h.initrdAddrMax());
        b.putInt(0x230, 0x200000);                                    // kernel_alignment
        b.put(0x234, (byte) (h.relocatable() ? 1 : 0));
        b.putInt(0x238, h.cmdlineSize());
        b.putLong(0x258, h.prefAddress());
        b.putInt(0x260, h.initSize());
        b.position(setup);
        b.put(KERNEL);
        return b.array();
    }
}
