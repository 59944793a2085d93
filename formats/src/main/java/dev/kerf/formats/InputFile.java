package dev.kerf.formats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reading a whole input file into memory as hostile input (docs/cli.md, "Input limits"): only a
 * regular file is read (a directory, device, FIFO or socket is refused by name before anything is
 * read: {@code /dev/zero} would otherwise fill the heap), and the bytes read are bounded twice,
 * before anything is allocated: by the caller's documented limit and by the file's own size (a
 * file that grows while it is read is refused, never followed).
 *
 * <p>Problems are {@link FileSystemException}s whose {@code getFile()} names the file and whose
 * reason is one line: {@code not a regular file}, {@code is a directory}, {@code 3 GiB: larger
 * than the 2 GiB limit for a kernel}.
 */
public final class InputFile {
    private InputFile() {}

    /** Refuses anything but an existing regular file (symbolic links are followed). */
    public static void requireRegular(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
        if (Files.isDirectory(file)) throw new FileSystemException(file.toString(), null, "is a directory");
        if (!Files.isRegularFile(file)) throw new FileSystemException(file.toString(), null, "not a regular file");
    }

    /** {@link #requireRegular} and the file's size, refused when above {@code limit} bytes ({@code what} names the limit). */
    public static long checkedSize(Path file, long limit, String what) throws IOException {
        requireRegular(file);
        long size = Files.size(file);
        if (size > limit) throw tooLarge(file, size, limit, what);
        return size;
    }

    /**
     * The whole of {@code file}, a regular file of at most {@code limit} bytes ({@code what} names
     * the limit in the refusal: "a kernel", "a secret file").
     */
    public static byte[] readAll(Path file, long limit, String what) throws IOException {
        long size = checkedSize(file, Math.min(limit, Integer.MAX_VALUE - 8), what);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) throw new FileSystemException(file.toString(), null, "shrank while being read");
            }
            if (ch.read(ByteBuffer.allocate(1)) > 0) throw new FileSystemException(file.toString(), null, "grew while being read");
            return b.array();
        }
    }

    /** The refusal of a {@code size}-byte file above {@code limit} bytes. */
    public static FileSystemException tooLarge(Path file, long size, long limit, String what) {
        return new FileSystemException(file.toString(), null,
                String.format("%s: larger than the %s limit for %s", bytes(size), bytes(limit), what));
    }

    /** {@code 1,234 bytes}, or {@code 3.0 MiB} and up from 1 MiB. */
    static String bytes(long n) {
        if (n < (1 << 20)) return String.format("%,d bytes", n);
        if (n < (1L << 30)) return String.format("%.1f MiB", n / (double) (1 << 20));
        return String.format("%.1f GiB", n / (double) (1L << 30));
    }
}
