package dev.kerf.slicer.process;

import dev.kerf.emulator.usermode.ProcessSlice;

import java.util.Map;

/**
 * The privacy stage's hook into process slicing: called once the slice is captured and before it
 * is encoded and verified. It may rewrite any of {@link ProcessSlice#regions()} in place (same
 * length) and returns the privacy manifest to store in the slice's header ({@code Map.of()} when
 * nothing was asked). The slice is then encoded, read back and replayed, so a redaction that
 * changes what the process computes shows up as a divergence, not as a silently wrong slice; the
 * final scan of the finished bytes ({@link ProcessSliceResult#file()}) is the caller's, before it
 * publishes them.
 */
@FunctionalInterface
public interface ProcessRedactor {
    /** No redaction, an empty manifest. */
    ProcessRedactor NONE = slice -> Map.of();

    Map<String, Object> redact(ProcessSlice slice);

    /** {@code name} (the recording's, the process's) as the slice may hold it: with secrets replaced by the filler. */
    default String clean(String name) {
        return name;
    }

    /** FINGERPRINTS sections' data the slice carries (its own secrets', then inherited ones), in order. */
    default java.util.List<byte[]> fingerprintSections() {
        return java.util.List.of();
    }

    /** Whether a slice that diverges after redaction may still be written (--allow-divergence). */
    default boolean allowsDivergence() {
        return false;
    }

    /** The manifest for a slice written although it diverged at {@code point} (only when {@link #allowsDivergence()}). */
    default Map<String, Object> diverged(String point) {
        throw new IllegalStateException("this redactor does not allow divergence");
    }
}
