package dev.kerf.slicer.component;

import java.util.List;

/**
 * A verified component slice.
 *
 * @param slice        what it holds
 * @param matched      the functions the spec named (empty for an address range)
 * @param verified     activations replayed and verified
 * @param skipped      activations not replayable (a system call, or the recording ended inside them)
 * @param recordingInstructions instructions of the recording replayed to capture it
 * @param redaction    what the privacy stage removed
 * @param file         the slice file's bytes
 */
public record ComponentSliceResult(ComponentSlice slice, List<String> matched, int verified, int skipped, long recordingInstructions,
                                   dev.kerf.slicer.privacy.Redaction redaction, byte[] file) {
    public ComponentSliceResult {
        matched = List.copyOf(matched);
    }
}
