package dev.kerf.emulator.loader;

import dev.kerf.emulator.machine.BootException;

/**
 * The setup header of a Linux/x86 bzImage (Documentation/arch/x86/boot.rst), read and checked:
 * the fields the 32-bit boot protocol needs, where the protected-mode kernel sits in the file,
 * and how much RAM it needs. Offsets are the header's own, which are both file offsets and
 * offsets in the zero page ({@code struct boot_params}).
 *
 * @param version          boot protocol version, 0x0206 and up (0x020F is 2.15)
 * @param headerEnd        first offset past the setup header (0x202 + the byte at 0x201)
 * @param kernelOffset     file offset of the protected-mode kernel: (setup_sects + 1) * 512
 * @param kernelSize       its size: syssize * 16
 * @param loadflags        the header's loadflags
 * @param relocatable      relocatable_kernel (2.05+) is set
 * @param initrdAddrMax    highest address the initrd may occupy
 * @param cmdlineSize      longest command line the kernel takes, without the NUL
 * @param prefAddress      preferred load address (2.10+; 0 before)
 * @param initSize         memory the kernel needs from its load address while it decompresses
 *                         itself (2.10+; the image size before)
 */
public record BzImage(int version, int headerEnd, int kernelOffset, long kernelSize, int loadflags,
                      boolean relocatable, long initrdAddrMax, long cmdlineSize, long prefAddress, long initSize) {
    public static final int SETUP_HEADER = 0x1F1;
    static final int SETUP_SECTS = 0x1F1, SYSSIZE = 0x1F4, JUMP = 0x200, MAGIC = 0x202, VERSION = 0x206,
            TYPE_OF_LOADER = 0x210, LOADFLAGS = 0x211, CODE32_START = 0x214, RAMDISK_IMAGE = 0x218,
            RAMDISK_SIZE = 0x21C, HEAP_END_PTR = 0x224, CMD_LINE_PTR = 0x228, INITRD_ADDR_MAX = 0x22C,
            RELOCATABLE_KERNEL = 0x234, CMDLINE_SIZE = 0x238, PREF_ADDRESS = 0x258, INIT_SIZE = 0x260;
    /** "HdrS", little-endian. */
    static final int HDRS = 0x53726448;
    public static final int MIN_VERSION = 0x0206;
    static final int LOADED_HIGH = 0x01, CAN_USE_HEAP = 0x80;

    /** True when {@code file} carries a Linux boot protocol header ("HdrS" at 0x202). */
    public static boolean hasMagic(byte[] file) {
        return file.length >= MAGIC + 4 && le32(file, MAGIC) == HDRS;
    }

    /** Reads and checks the header of a file that {@link #hasMagic has the magic}; one-line errors name the offset. */
    public static BzImage parse(String name, byte[] file) {
        int headerEnd = JUMP + 2 + (file[JUMP + 1] & 0xFF);
        if (file.length < VERSION + 2) throw bad(name, VERSION, "truncated: the file ends inside the setup header");
        int version = le16(file, VERSION);
        if (version < MIN_VERSION) {
            throw bad(name, VERSION, String.format("Linux boot protocol %d.%02d is older than 2.06, the oldest kerf"
                    + " loads (it needs cmdline_size)", version >> 8, version & 0xFF));
        }
        int need = version >= 0x020A ? INIT_SIZE + 4 : CMDLINE_SIZE + 4;
        if (headerEnd < need) {
            throw bad(name, JUMP + 1, String.format("the setup header ends at 0x%x, before the fields boot protocol"
                    + " %d.%02d has (up to 0x%x)", headerEnd, version >> 8, version & 0xFF, need));
        }
        int sects = file[SETUP_SECTS] & 0xFF;
        int kernelOffset = ((sects == 0 ? 4 : sects) + 1) * 512;
        if (kernelOffset > file.length) {
            throw bad(name, SETUP_SECTS, String.format("truncated: setup_sects %d puts the protected-mode kernel at"
                    + " offset 0x%x, past the end of the file (%d bytes)", sects, kernelOffset, file.length));
        }
        long kernelSize = (le32(file, SYSSIZE) & 0xFFFFFFFFL) * 16;
        if (kernelSize == 0 || kernelOffset + kernelSize > file.length) {
            throw bad(name, SYSSIZE, String.format("truncated: syssize says %d bytes of protected-mode kernel from"
                    + " offset 0x%x, but the file has %d", kernelSize, kernelOffset, file.length - kernelOffset));
        }
        int loadflags = file[LOADFLAGS] & 0xFF;
        if ((loadflags & LOADED_HIGH) == 0) {
            throw bad(name, LOADFLAGS, "loadflags LOADED_HIGH is clear: a zImage, loaded at 0x10000, is not supported");
        }
        boolean relocatable = file[RELOCATABLE_KERNEL] != 0;
        long pref = version >= 0x020A ? le64(file, PREF_ADDRESS) : 0;
        long initSize = version >= 0x020A ? Math.max(le32(file, INIT_SIZE) & 0xFFFFFFFFL, kernelSize) : kernelSize;
        return new BzImage(version, headerEnd, kernelOffset, kernelSize, loadflags, relocatable,
                le32(file, INITRD_ADDR_MAX) & 0xFFFFFFFFL, le32(file, CMDLINE_SIZE) & 0xFFFFFFFFL, pref, initSize);
    }

    /** "2.15" */
    public String protocol() {
        return String.format("%d.%02d", version >> 8, version & 0xFF);
    }

    static BootException bad(String name, int offset, String what) {
        return new BootException(String.format("%s: offset 0x%x: %s", name, offset, what));
    }

    static int le16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    static int le32(byte[] b, int at) {
        return le16(b, at) | le16(b, at + 2) << 16;
    }

    static long le64(byte[] b, int at) {
        return (le32(b, at) & 0xFFFFFFFFL) | (long) le32(b, at + 4) << 32;
    }
}
