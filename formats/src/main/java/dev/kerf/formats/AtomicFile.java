package dev.kerf.formats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Whole files or none: every kerf output that is written in one piece (manifests, images,
 * checkpoints, slices and logs, timelines) goes through here, so a crash or a full disk never
 * leaves a half-written file under its final name.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /**
     * Writes {@code bytes} to {@code target}: a hidden temporary sibling ({@code .NAME.tmp}), forced
     * to disk, renamed into place in one step (replacing an existing file); on failure no file is
     * left under either name.
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
