package dev.kerf.recorder;

import java.io.IOException;
import java.nio.file.Path;

/** The recording itself cannot be created (exists and is not empty, no permission, no space): nothing ran. */
public final class RecordingOutputException extends IOException {
    public RecordingOutputException(Path output, IOException cause) {
        super(output + ": cannot create the recording: " + describe(cause), cause);
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return String.valueOf(e.getMessage());
    }
}
