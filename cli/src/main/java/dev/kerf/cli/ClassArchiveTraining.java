package dev.kerf.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run behind the {@code kerf} launcher's class archive (AppCDS, docs/cli.md "The
 * launcher"): the launcher starts this class once per jar with {@code -XX:ArchiveClassesAtExit},
 * and the JVM archives every class it loaded, so later commands map them instead of loading,
 * verifying and linking them again. It runs the commonest commands — {@code run}, {@code record},
 * {@code replay}, {@code info} — in this JVM, as {@code kerf} would run them, on a tiny guest it
 * writes itself (a loop long enough for the block translator to compile it, one port read, a line
 * on COM1, then the debug-exit port): what a recording loads, the journal's libraries included,
 * ends up in the archive. Nothing here changes what any command does; the output is discarded.
 *
 * <p>Usage: {@code ClassArchiveTraining DIR} (an empty scratch directory, which the caller
 * removes). Exits 0 when every command did what it should, 1 otherwise (the launcher then keeps no
 * archive: a training that failed may have missed classes, and it should not happen).
 */
public final class ClassArchiveTraining {
    private ClassArchiveTraining() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ClassArchiveTraining DIR");
            System.exit(2);
        }
        System.exit(train(Path.of(args[0])) ? 0 : 1);
    }

    /** Runs the commands in {@code dir}; true when each ended as it should. */
    static boolean train(Path dir) throws IOException {
        Path kernel = Files.write(dir.resolve("guest.elf"), guest());
        Path rec = dir.resolve("guest.kerf");
        String k = kernel.toString();
        return kerf(1, "run", k)
                && kerf(1, "record", "-o", rec.toString(), "--hash-every", "65536", k)
                && kerf(0, "replay", rec.toString())
                && kerf(0, "info", rec.toString())
                && kerf(0, "info", "--json", rec.toString());
    }

    private static boolean kerf(int expected, String... args) {
        HostIo io = new HostIo(new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(),
                new PrintWriter(Writer.nullWriter(), true), false);
        return Kerf.commandLine(io).execute(args) == expected;
    }

    /**
     * An ELF32 Multiboot kernel loaded at 1 MiB: 200,000 rounds of a two-instruction loop (the
     * translator compiles a block after 5,000 runs), one IN from port 0x61, "k\n" on COM1, then
     * status 0 to the debug-exit port 0xF4 (kerf exits 1).
     */
    static byte[] guest() {
        byte[] code = {
                (byte) 0xB9, 0x40, 0x0D, 0x03, 0x00,          // mov ecx, 200000
                0x01, (byte) 0xC8,                            // l: add eax, ecx
                0x49,                                         // dec ecx
                0x75, (byte) 0xFB,                            // jnz l
                (byte) 0xE4, 0x61,                            // in al, 0x61
                0x66, (byte) 0xBA, (byte) 0xF8, 0x03,         // mov dx, 0x3F8
                (byte) 0xB0, 'k', (byte) 0xEE,                // mov al, 'k'; out dx, al
                (byte) 0xB0, '\n', (byte) 0xEE,               // mov al, '\n'; out dx, al
                0x66, (byte) 0xBA, (byte) 0xF4, 0x00,         // mov dx, 0xF4
                (byte) 0xB0, 0x00, (byte) 0xEE,               // mov al, 0; out dx, al
                (byte) 0xF4, (byte) 0xEB, (byte) 0xFD,        // hlt; jmp $-1
        };
        int load = 0x100000, offset = 0x1000, header = 12, size = header + code.length;
        ByteBuffer b = ByteBuffer.allocate(offset + size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) 3).putInt(20, 1); // ET_EXEC, EM_386, version 1
        b.putInt(24, load + header);                                     // entry: the first code byte
        b.putInt(28, 52);                                                // program headers right after this one
        b.putShort(40, (short) 52).putShort(42, (short) 32).putShort(44, (short) 1);
        b.putInt(52, 1).putInt(56, offset).putInt(60, load).putInt(64, load); // PT_LOAD
        b.putInt(68, size).putInt(72, size).putInt(76, 7).putInt(80, 0x1000);
        int magic = 0x1BADB002, flags = 3;
        b.putInt(offset, magic).putInt(offset + 4, flags).putInt(offset + 8, -(magic + flags));
        b.position(offset + header);
        b.put(code);
        return b.array();
    }
}
