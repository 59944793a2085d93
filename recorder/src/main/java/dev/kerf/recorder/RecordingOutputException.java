package dev.kerf.recorder;

import java.io.IOException;
import java.nio.file.Path;

/** The recording itself cannot be created (exists and is not empty, no permission, no space): nothing ran. */
public final class RecordingOutputException extends IOException {
    public RecordingOutputException(Path output, IOException cause) {
        super(output + ": cannot create the recording: " + describe(output, cause), cause);
    }

    private static String describe(Path output, IOException e) {
        String reason = dev.kerf.formats.FileErrors.reason(e);
        if (e instanceof java.nio.file.FileSystemException f && f.getFile() != null && !f.getFile().equals(output.toString()))
            return f.getFile() + ": " + reason; // a parent that is not a directory, say
        return reason;
    }
}
