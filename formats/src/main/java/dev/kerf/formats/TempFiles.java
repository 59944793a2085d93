package dev.kerf.formats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one register of the temporary files and directories kerf makes (stdin spools, unpacked
 * packs, the hidden siblings outputs are written to before they are renamed into place): each is
 * created exclusively under a fresh unpredictable name, and whatever is still registered when the
 * process ends (normally, by Ctrl-C or SIGTERM) is deleted by one shutdown hook. A SIGKILL cannot
 * be caught; what it leaves is named {@code kerf-*} in the temporary directory, or {@code .NAME.*.tmp}
 * beside an output.
 *
 * <p>This is the one piece of process-wide state kerf keeps, on purpose: the temporary directory
 * and the JVM's shutdown are process-wide too. It holds only paths, is thread-safe and never
 * changes what a machine computes, so two machines in one JVM cannot interfere through it.
 */
public final class TempFiles {
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static volatile boolean hooked;
    private static volatile boolean shuttingDown;

    private TempFiles() {}

    /** A fresh empty file in the temporary directory ({@code java.io.tmpdir}), registered. */
    public static Path createFile(String prefix, String suffix) throws IOException {
        Path p = tmpdir().resolve(prefix + randomHex() + suffix);
        register(p); // before it exists: a signal right after creation still finds it
        try {
            Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException | RuntimeException e) {
            LIVE.remove(p); // not ours: whatever is there stays
            throw e;
        }
        return p;
    }

    /** A fresh empty directory in the temporary directory ({@code java.io.tmpdir}), registered. */
    public static Path createDirectory(String prefix) throws IOException {
        return createDirectory(tmpdir(), prefix);
    }

    /** A fresh empty directory {@code PREFIX<16 hex>} in {@code parent}, registered. */
    public static Path createDirectory(Path parent, String prefix) throws IOException {
        Path p = parent.resolve(prefix + randomHex());
        register(p);
        try {
            Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException | RuntimeException e) {
            LIVE.remove(p);
            throw e;
        }
        return p;
    }

    private static Path tmpdir() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static String randomHex() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * A fresh name for a hidden sibling of {@code target}: {@code .NAME.<16 random hex>.tmp} in the
     * same directory. The caller registers it, then creates it exclusively (CREATE_NEW, no links
     * followed), and {@link #unregister}s it if that fails.
     */
    public static Path siblingName(Path target, String suffix) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling("." + abs.getFileName() + "." + randomHex() + suffix);
    }

    /**
     * Registers {@code p} for deletion at exit and returns it; register a fresh name before creating
     * it, so no signal falls between the two. When the process is already shutting down (Ctrl-C
     * arrived meanwhile) {@code p} is deleted at once and this fails.
     */
    public static Path register(Path p) throws IOException {
        installHook();
        LIVE.add(p);
        if (shuttingDown) {
            delete(p);
            throw new IOException(p + ": not created: kerf is shutting down");
        }
        return p;
    }

    /** Forgets {@code p} without deleting it (it was renamed into place). */
    public static void unregister(Path p) {
        LIVE.remove(p);
    }

    /** Deletes {@code p} (a file, or a directory with everything in it; links are removed, never followed) and forgets it. */
    public static void delete(Path p) throws IOException {
        try {
            deleteTree(p);
        } finally {
            LIVE.remove(p);
        }
    }

    /** Deletes {@code p}, and everything in it if it is a directory; a link is removed, not followed. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (var s = Files.walk(p)) { // walk does not follow links
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
            }
        } else {
            Files.deleteIfExists(p);
        }
    }

    /** The paths registered now (for tests). */
    public static List<Path> live() {
        return new ArrayList<>(LIVE);
    }

    private static void installHook() {
        if (hooked) return;
        synchronized (TempFiles.class) {
            if (hooked) return;
            Runtime.getRuntime().addShutdownHook(new Thread(TempFiles::deleteAll, "kerf-temp-cleanup"));
            hooked = true;
        }
    }

    private static void deleteAll() {
        shuttingDown = true;
        // twice: a thread still writing may have created a file inside a directory being deleted
        for (int pass = 0; pass < 2; pass++) {
            for (Path p : new ArrayList<>(LIVE)) {
                try {
                    deleteTree(p);
                } catch (IOException | RuntimeException e) {
                    // best effort at exit: nothing can report it any more
                }
            }
        }
    }
}
