package dev.kerf.formats.recording;

import java.util.List;

/**
 * What a recording needs besides its events: the machine it ran on and the images it booted.
 *
 * @param formatVersion  major version of the recording format
 * @param kerfVersion    version of the kerf that recorded it
 * @param ramBytes       guest RAM
 * @param kernel         the kernel image; null when the recording starts from a snapshot ({@code start})
 * @param cmdline        kernel command line
 * @param modules        Multiboot modules in order
 * @param clock          "host" or "virtual"
 * @param stateHashEvery instructions between StateHash events
 * @param startedAt      ISO-8601 host time the recording started (for display only)
 * @param stickyPorts    ports whose reads the journal logs only when their value changes (PortChange
 *                       events), ascending; empty in a 1.0 manifest (no such key)
 * @param start          the booted snapshot ({@code .ksnap}) the recording starts from, or null for a recording
 *                       that boots {@code kernel}; added in 2.1
 */
public record Manifest(int formatVersion, String kerfVersion, int ramBytes, ImageRef kernel, String cmdline,
                       List<ImageRef> modules, String clock, long stateHashEvery, String startedAt,
                       List<Integer> stickyPorts, ImageRef start) {
    /** The sticky ports kerf records with: COM1's line status register, polled before every output byte. */
    public static final List<Integer> DEFAULT_STICKY_PORTS = List.of(0x3FD);

    /** A recording that boots {@code kernel} (no start snapshot). */
    public Manifest(int formatVersion, String kerfVersion, int ramBytes, ImageRef kernel, String cmdline,
                    List<ImageRef> modules, String clock, long stateHashEvery, String startedAt, List<Integer> stickyPorts) {
        this(formatVersion, kerfVersion, ramBytes, kernel, cmdline, modules, clock, stateHashEvery, startedAt, stickyPorts, null);
    }

    public Manifest {
        if ((kernel == null) == (start == null))
            throw new IllegalArgumentException("a recording boots a kernel or starts from a snapshot: exactly one of them");
        modules = List.copyOf(modules);
        stickyPorts = List.copyOf(stickyPorts);
        for (int i = 0; i < stickyPorts.size(); i++) {
            int p = stickyPorts.get(i);
            if (p < 0 || p > 0xFFFF || i > 0 && p <= stickyPorts.get(i - 1))
                throw new IllegalArgumentException("sticky ports must be ascending distinct ports 0..0xffff: " + stickyPorts);
        }
    }

    /** An embedded image: its SHA-256 (hex), original file name, size, and (modules) its cmdline. */
    public record ImageRef(String sha256, String name, long size, String cmdline) {}
}
