package dev.kerf.formats.checkpoint;

import dev.kerf.formats.journal.Position;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a checkpoint says about itself (the fixed header of {@link CheckpointFile}).
 *
 * @param icount      instructions retired when the state was taken
 * @param position    the journal position the state corresponds to
 * @param recordingId SHA-256 of the source recording's manifest.json (32 bytes): a checkpoint of
 *                    another recording is never used
 * @param ramBytes    guest RAM size, a positive multiple of 4 KiB
 */
public record CheckpointHeader(long icount, Position position, byte[] recordingId, int ramBytes) {
    public CheckpointHeader {
        if (icount < 0) throw new IllegalArgumentException("negative icount " + icount);
        if (recordingId.length != 32) throw new IllegalArgumentException("recording id must be 32 bytes");
        if (ramBytes <= 0 || ramBytes % PageStore.PAGE_SIZE != 0)
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4 KiB: " + ramBytes);
        recordingId = recordingId.clone();
    }

    @Override
    public byte[] recordingId() { return recordingId.clone(); }

    public boolean sameRecording(byte[] id) { return Arrays.equals(recordingId, id); }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckpointHeader h && h.icount == icount && h.position.equals(position)
                && Arrays.equals(h.recordingId, recordingId) && h.ramBytes == ramBytes;
    }

    @Override
    public int hashCode() { return Long.hashCode(icount) * 31 + Arrays.hashCode(recordingId); }

    @Override
    public String toString() {
        return "CheckpointHeader[icount=" + icount + ", position=" + position + ", recording="
                + HexFormat.of().formatHex(recordingId) + ", ramBytes=" + ramBytes + "]";
    }
}
