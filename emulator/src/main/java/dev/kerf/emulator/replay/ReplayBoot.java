package dev.kerf.emulator.replay;

import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.emulator.loader.BootModule;
import dev.kerf.emulator.snapshot.CpuStateCodec;
import dev.kerf.formats.snapshot.SnapshotData;
import dev.kerf.formats.snapshot.SnapshotFile;

import dev.kerf.emulator.loader.MultibootLoader;
import dev.kerf.emulator.machine.Machine;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.recording.Manifest;
import dev.kerf.formats.recording.Recording;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a replay boots from, all taken from the recording: the same RAM size, images and names
 * as the recorded machine, so {@link dev.kerf.emulator.loader.MultibootLoader} builds the same
 * initial RAM and registers.
 *
 * @param ramBytes       guest RAM
 * @param kernelName     the kernel's file name as the recorder passed it to the loader (the guest sees it)
 * @param kernel         the kernel image
 * @param cmdline        the kernel command line without the name
 * @param modules        Multiboot modules in order (see {@link dev.kerf.emulator.loader.MultibootLoader#module})
 * @param stateHashEvery instructions between StateHash events in the recording
 * @param stickyPorts    ports the journal logs only when their value changes (the manifest's stickyPorts)
 * @param start          the booted snapshot's CPU and RAM a recording taken with {@code --from} starts from (the
 *                       kernel and modules are then unused), or null: the replay boots the kernel as the recorder did
 * @param recordingMajor the recording's format major version: it picks the final hash's definition
 *                       ({@link StateHasher#full(dev.kerf.emulator.cpu.Cpu, int)})
 */
public record ReplayBoot(int ramBytes, String kernelName, byte[] kernel, String cmdline, List<BootModule> modules,
                         long stateHashEvery, List<Integer> stickyPorts, ReplayStart start, int recordingMajor) {
    public ReplayBoot(int ramBytes, String kernelName, byte[] kernel, String cmdline, List<BootModule> modules,
                      long stateHashEvery, List<Integer> stickyPorts) {
        this(ramBytes, kernelName, kernel, cmdline, modules, stateHashEvery, stickyPorts, null);
    }

    /** A replay of a recording of this kerf's format ({@link Recording#FORMAT_MAJOR}). */
    public ReplayBoot(int ramBytes, String kernelName, byte[] kernel, String cmdline, List<BootModule> modules,
                      long stateHashEvery, List<Integer> stickyPorts, ReplayStart start) {
        this(ramBytes, kernelName, kernel, cmdline, modules, stateHashEvery, stickyPorts, start, Recording.FORMAT_MAJOR);
    }

    public ReplayBoot {
        if (stateHashEvery <= 0) {
            throw new IllegalArgumentException("stateHashEvery must be positive, not " + stateHashEvery);
        }
        if (recordingMajor < Recording.OLDEST_MAJOR || recordingMajor > Recording.FORMAT_MAJOR) {
            throw new IllegalArgumentException("recording format " + recordingMajor + " is not one this kerf replays");
        }
        modules = List.copyOf(modules);
        stickyPorts = List.copyOf(stickyPorts);
    }

    /** With the sticky ports kerf records with by default ({@link Manifest#DEFAULT_STICKY_PORTS}). */
    public ReplayBoot(int ramBytes, String kernelName, byte[] kernel, String cmdline, List<BootModule> modules,
                      long stateHashEvery) {
        this(ramBytes, kernelName, kernel, cmdline, modules, stateHashEvery, Manifest.DEFAULT_STICKY_PORTS);
    }

    /** The boot of a recording, its images read (and verified against their SHA-256) from it. */
    public static ReplayBoot of(Recording recording) throws IOException {
        Manifest m = recording.manifest();
        Path manifest = recording.dir().resolve(Recording.MANIFEST);
        if (m.stateHashEvery() <= 0) {
            throw new FormatException(manifest, -1, "stateHashEvery must be positive, not " + m.stateHashEvery());
        }
        if (m.ramBytes() < Machine.MIN_RAM || (m.ramBytes() & 0xFFF) != 0) {
            throw new FormatException(manifest, -1, "ramBytes " + m.ramBytes() + " is not a RAM size kerf records");
        }
        long free = Runtime.getRuntime().maxMemory() - (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        if (m.ramBytes() > free - (64L << 20)) {
            throw new IOException(String.format("%s: the recorded machine has %d MiB of RAM, more than this JVM can"
                    + " hold (%d MiB free; raise -Xmx)", recording.dir(), m.ramBytes() >> 20, free >> 20));
        }
        if (m.start() != null) {
            Path file = recording.dir().resolve(Recording.IMAGES).resolve(m.start().sha256());
            SnapshotData d = SnapshotFile.decode(file, recording.image(m.start().sha256()));
            if (d.ramBytes() != m.ramBytes())
                throw new FormatException(file, 12, "the start snapshot has " + d.ramBytes() + " bytes of RAM, the manifest says " + m.ramBytes());
            CpuState cpu = new CpuStateCodec().decode(d.cpu(), file, SnapshotFile.cpuDataOffset(d));
            return new ReplayBoot(m.ramBytes(), "", new byte[0], m.cmdline(), List.of(), m.stateHashEvery(), m.stickyPorts(),
                    new ReplayStart(cpu, d.ram(), (d.lineFlags() & SnapshotData.LINE_DLAB) != 0,
                            (d.lineFlags() & SnapshotData.LINE_LOOPBACK) != 0), m.formatVersion());
        }
        List<BootModule> modules = new ArrayList<>();
        for (Manifest.ImageRef ref : m.modules()) {
            modules.add(MultibootLoader.module(ref.name(), recording.image(ref.sha256()), ref.cmdline()));
        }
        return new ReplayBoot(m.ramBytes(), m.kernel().name(), recording.image(m.kernel().sha256()), m.cmdline(),
                modules, m.stateHashEvery(), m.stickyPorts(), null, m.formatVersion());
    }
}
