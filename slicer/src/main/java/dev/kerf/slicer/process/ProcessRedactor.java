package dev.kerf.slicer.process;

import dev.kerf.emulator.usermode.ProcessSlice;

/**
 * The privacy stage's hook into process slicing: called once the slice is captured and before it
 * is encoded and verified. It may rewrite any of {@link ProcessSlice#regions()} in place (same
 * length); the slice is then replayed from its file bytes, so a redaction that changes what the
 * process computes shows up as a divergence, not as a silently wrong slice.
 */
@FunctionalInterface
public interface ProcessRedactor {
    void redact(ProcessSlice slice);
}
