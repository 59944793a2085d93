package dev.kerf.cli;

import dev.kerf.formats.recording.Recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * A recording opened from a directory or a packed file, for the commands that read one. A packed
 * file is unpacked (and validated) into a temporary directory that is removed on close.
 */
final class OpenedRecording implements AutoCloseable {
    private final Recording recording;
    private final Path temporary;

    private OpenedRecording(Recording recording, Path temporary) {
        this.recording = recording;
        this.temporary = temporary;
    }

    static OpenedRecording open(Path path) throws IOException {
        if (!Files.isRegularFile(path)) return new OpenedRecording(Recording.open(path), null);
        Path tmp = Files.createTempDirectory("kerf-unpacked-");
        try {
            Path dir = tmp.resolve("recording");
            Recording.unpack(path, dir);
            return new OpenedRecording(Recording.open(dir), tmp);
        } catch (IOException | RuntimeException e) {
            delete(tmp);
            throw e;
        }
    }

    Recording recording() {
        return recording;
    }

    @Override
    public void close() {
        if (temporary != null) delete(temporary);
    }

    private static void delete(Path tree) {
        try (var walk = Files.walk(tree)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temporary directory is not worth failing the command for
        }
    }
}
