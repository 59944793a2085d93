package dev.kerf.formats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Whole files or none: every file kerf writes (manifests, images, checkpoints, slices and logs,
 * timelines, packed recordings, pcap captures) goes through here, so a crash, a full disk or a
 * signal never leaves a half-written file under its final name, and nothing is ever written
 * through a link.
 *
 * <p>The bytes go to a hidden sibling with a fresh random name ({@code .NAME.<16 hex>.tmp}),
 * created exclusively (it must not exist; a link there is not followed) and registered with
 * {@link TempFiles} so Ctrl-C or SIGTERM removes it; it is forced to disk and renamed onto the
 * target in one step. A target that is a symbolic link, a directory or any other non-regular file
 * is refused by name before anything is written; an existing regular file is replaced.
 */
public final class AtomicFile implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private final FileChannel channel;
    private boolean done;

    private AtomicFile(Path target, Path tmp, FileChannel channel) {
        this.target = target;
        this.tmp = tmp;
        this.channel = channel;
    }

    /**
     * Writes {@code bytes} to {@code target} atomically (see the class comment); on failure no file
     * is left under either name and the exception names {@code target}.
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        try (AtomicFile f = create(target)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) f.channel().write(b);
            f.commit();
        } catch (IOException e) {
            throw FileErrors.named(target, e);
        }
    }

    /**
     * Starts writing {@code target}: write through {@link #channel()}, then {@link #commit()}; closing
     * without a commit deletes the temporary file.
     */
    public static AtomicFile create(Path target) throws IOException {
        return create(target, TempFiles.siblingName(target, ".tmp"));
    }

    /** {@link #create(Path)} with the temporary file named {@code tmp} (tests plant links at a name they know). */
    static AtomicFile create(Path target, Path tmp) throws IOException {
        checkTarget(target);
        FileChannel ch;
        try {
            TempFiles.register(tmp); // before it exists: removed at exit, a signal right after creation included
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            TempFiles.unregister(tmp); // a file or link already there (planted?) is not ours: left alone
            throw FileErrors.named(target, e);
        }
        return new AtomicFile(target, tmp, ch);
    }

    /**
     * Refuses a target kerf must not replace: a symbolic link (kerf never writes through one, and
     * does not silently replace it either), a directory, a device or pipe.
     */
    public static void checkTarget(Path target) throws IOException {
        if (Files.isSymbolicLink(target)) {
            throw new FileSystemException(target.toString(), null,
                    "is a symbolic link; kerf does not write through links (remove it or name another file)");
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) throw new FileSystemException(target.toString(), null, "is a directory");
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileSystemException(target.toString(), null, "is not a regular file (a device, pipe or socket); kerf will not replace it");
        }
    }

    /** Where the bytes go until {@link #commit()}. */
    public FileChannel channel() {
        return channel;
    }

    /** Forces the bytes to disk and renames them onto the target (replacing a regular file there). */
    public void commit() throws IOException {
        try {
            channel.force(true);
            channel.close();
            checkTarget(target); // it may have changed while we wrote
            Files.move(tmp, target.toAbsolutePath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            TempFiles.unregister(tmp);
        } catch (IOException e) {
            throw FileErrors.named(target, e);
        }
    }

    /** Deletes the temporary file unless {@link #commit()} renamed it. */
    @Override
    public void close() throws IOException {
        channel.close();
        if (!done) TempFiles.delete(tmp);
    }
}
