package dev.kerf.slicer.privacy;

import java.util.List;

/**
 * What a {@link Redactor} removed: every piece (in region order within a round), the number of
 * occurrences found, the number of distinct bytes overwritten, and the number of scans it took
 * (1 when nothing was found; more when filling made a new occurrence that had to go too).
 */
public record Redaction(List<Removal> removals, int occurrences, long bytesRemoved, int rounds) {
    public Redaction {
        removals = List.copyOf(removals);
    }
}
