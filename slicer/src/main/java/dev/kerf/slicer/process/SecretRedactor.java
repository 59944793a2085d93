package dev.kerf.slicer.process;

import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.SliceRegion;
import dev.kerf.slicer.privacy.FinalScan;
import dev.kerf.slicer.privacy.Fingerprints;
import dev.kerf.slicer.privacy.PrivacyManifest;
import dev.kerf.slicer.privacy.PrivacyManifestBuilder;
import dev.kerf.slicer.privacy.Redaction;
import dev.kerf.slicer.privacy.Redactor;
import dev.kerf.slicer.privacy.Region;
import dev.kerf.slicer.privacy.ReplayVerdict;
import dev.kerf.slicer.privacy.SecretSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The privacy stage for process slices (docs/slicing.md "Removing sensitive data"): removes every
 * occurrence of every secret from the slice's regions (initial memory and registers, the bytes and
 * registers of every return from the kernel), in place and at the same length — the bytes the
 * kernel wrote are matched as one stream, in the order written, so a secret delivered piecewise
 * (a byte per read) is found — and describes the
 * slice in its privacy manifest: memory it starts with, input it received, what was removed where.
 * The verdict written is "verified": the slicer replays the slice before anything is written, and a
 * slice that diverges is refused — or, with {@code --allow-divergence}, written with the manifest
 * from {@link #diverged}.
 */
public final class SecretRedactor implements ProcessRedactor {
    private final SecretSet secrets;
    private final boolean allowDivergence;
    private final FinalScan.Inherited inherited;
    private final List<Fingerprints> carried = new ArrayList<>();
    private PrivacyManifestBuilder builder;
    private Redaction redaction;
    private int inheritedRemoved;

    public SecretRedactor(SecretSet secrets, boolean allowDivergence) {
        this(secrets, allowDivergence, FinalScan.Inherited.NONE);
    }

    /**
     * @param inherited fingerprints of the slice this one is cut from (a time slice): their
     *                  occurrences are removed region by region, and the new slice carries them on
     */
    public SecretRedactor(SecretSet secrets, boolean allowDivergence, FinalScan.Inherited inherited) {
        this.secrets = secrets;
        this.allowDivergence = allowDivergence;
        this.inherited = inherited;
        Fingerprints own = secrets.fingerprints();
        if (own != null) carried.add(own);
        carried.addAll(inherited.fingerprints());
    }

    @Override
    public String clean(String name) {
        return inherited.redact(secrets.redactText(name), filler());
    }

    @Override
    public List<byte[]> fingerprintSections() {
        List<byte[]> out = new ArrayList<>();
        for (Fingerprints f : carried) out.add(f.section().toBytes());
        return out;
    }

    /** Occurrences of inherited secrets removed by their fingerprints (after {@link #redact}). */
    public int inheritedRemoved() {
        return inheritedRemoved;
    }

    private byte filler() {
        return secrets.isEmpty() ? inherited.filler() : secrets.filler();
    }

    @Override
    public Map<String, Object> redact(ProcessSlice slice) {
        List<Region> memory = new ArrayList<>(), input = new ArrayList<>(), registers = new ArrayList<>();
        long initialBytes = 0, returnedBytes = 0, registerBytes = 0;
        for (SliceRegion r : slice.regions()) {
            switch (r.kind()) {
                case INITIAL_MEMORY -> {
                    memory.add(new Region(r.label(), Integer.toUnsignedLong(r.address()), r.bytes()));
                    initialBytes += r.bytes().length;
                }
                case RETURN_MEMORY -> {
                    // What the kernel wrote, in order, is one input stream: a program that reads a file
                    // a byte at a time receives "secret" as six 1-byte writes to one variable.
                    input.add(new Region(r.label(), Integer.toUnsignedLong(r.address()), r.bytes(), !input.isEmpty()));
                    returnedBytes += r.bytes().length;
                }
                default -> {
                    registers.add(new Region(r.label(), -1, r.bytes()));
                    registerBytes += r.bytes().length;
                }
            }
        }
        List<Region> regions = new ArrayList<>(memory);
        regions.addAll(input); // consecutive in the list, so scanned as one stream
        regions.addAll(registers);
        redaction = new Redactor(secrets).redact(regions);
        inheritedRemoved = inherited.redact(regions, filler());
        builder = PrivacyManifest.builder(secrets).fingerprints(carried, inherited.entries()).memory("initial memory (the process's user pages)", initialBytes)
                .input("return effects (bytes the kernel wrote into the process)", returnedBytes)
                .memory("registers (initial and at every return)", registerBytes)
                .removed(redaction);
        return builder.replay(ReplayVerdict.verified()).build().toTree();
    }

    /** What was removed (after {@link #redact}). */
    public Redaction redaction() {
        return redaction;
    }

    @Override
    public boolean allowsDivergence() {
        return allowDivergence;
    }

    @Override
    public Map<String, Object> diverged(String point) {
        return builder.replay(ReplayVerdict.diverged(point)).build().toTree();
    }
}
