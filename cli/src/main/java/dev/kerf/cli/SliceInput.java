package dev.kerf.cli;

import dev.kerf.formats.FileErrors;
import dev.kerf.formats.slice.SliceFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tells a slice file from a recording by its magic, for the commands that take either. */
final class SliceInput {
    private SliceInput() {}

    /** {@code -} (a slice on stdin: recordings are never read from stdin) or a regular file starting with the slice magic. */
    /** True when {@code p} is a regular file starting with the booted-snapshot magic. */
    static boolean isSnapshot(Path p) throws IOException {
        if (!Files.isRegularFile(p)) return false;
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(head, 0, 8) == 8 && dev.kerf.formats.snapshot.SnapshotFile.hasMagic(head);
        } catch (IOException e) {
            throw FileErrors.named(p, e);
        }
    }

    static boolean isSlice(Path p) throws IOException {
        if (p.toString().equals("-")) return true;
        if (!Files.isRegularFile(p)) return false;
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(head, 0, 8) == 8 && SliceFile.hasMagic(head);
        } catch (IOException e) {
            throw FileErrors.named(p, e); // "Invalid argument", "Input/output error" name no file
        }
    }
}
