package dev.kerf.formats.recording;

import java.util.List;

/**
 * What a recording needs besides its events: the machine it ran on and the images it booted.
 *
 * @param formatVersion  major version of the recording format
 * @param kerfVersion    version of the kerf that recorded it
 * @param ramBytes       guest RAM
 * @param kernel         the kernel image
 * @param cmdline        kernel command line
 * @param modules        Multiboot modules in order
 * @param clock          "host" or "virtual"
 * @param stateHashEvery instructions between StateHash events
 * @param startedAt      ISO-8601 host time the recording started (for display only)
 */
public record Manifest(int formatVersion, String kerfVersion, int ramBytes, ImageRef kernel, String cmdline,
                       List<ImageRef> modules, String clock, long stateHashEvery, String startedAt) {
    /** An embedded image: its SHA-256 (hex), original file name, size, and (modules) its cmdline. */
    public record ImageRef(String sha256, String name, long size, String cmdline) {}
}
