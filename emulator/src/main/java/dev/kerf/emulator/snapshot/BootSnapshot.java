package dev.kerf.emulator.snapshot;

import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.emulator.loader.MultibootLoader;
import dev.kerf.emulator.device.DeviceStateException;
import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.MachineTap;
import dev.kerf.formats.AtomicFile;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.recording.Manifest;
import dev.kerf.formats.recording.Recording;
import dev.kerf.emulator.machine.MachineSnapshot;
import dev.kerf.formats.snapshot.SnapshotData;
import dev.kerf.formats.snapshot.SnapshotFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Booted snapshots ({@code .ksnap}, docs/formats.md §12) between the file and the machine: what a
 * {@link MachineSnapshot} becomes on disk with its provenance, and what a file gives back.
 *
 * @param data    the file's content, every section checked
 * @param machine the machine state to resume ({@link dev.kerf.emulator.machine.Machine#resume})
 */
public record BootSnapshot(SnapshotData data, MachineSnapshot machine) {
    /** The file form of {@code m}, taken {@code icountSinceBoot} instructions after the machine booted. */
    public static SnapshotData toFile(MachineSnapshot m, long icountSinceBoot, SnapshotData.Boot boot, int lineFlags) {
        return new SnapshotData(icountSinceBoot, m.clockNanos(), m.virtualClock(), boot, new CpuStateCodec().encode(m.cpu()),
                m.devices(), lineFlags, m.ram());
    }

    /**
     * Reads and checks {@code file} (a {@link dev.kerf.formats.FormatException} naming file and
     * offset for any problem, the CPU section's included). The device section is checked when the
     * machine is resumed from it.
     */
    public static BootSnapshot read(Path file) throws IOException {
        return of(file, SnapshotFile.read(file));
    }

    /** As {@link #read}, from the file's bytes already in memory. */
    public static BootSnapshot decode(Path file, byte[] bytes) {
        return of(file, SnapshotFile.decode(file, bytes));
    }

    private static BootSnapshot of(Path file, SnapshotData d) {
        CpuState cpu = new CpuStateCodec().decode(d.cpu(), file, SnapshotFile.cpuDataOffset(d));
        return new BootSnapshot(d, new MachineSnapshot(cpu, d.ram(), d.devices(), d.clockNanos(), d.virtualClock()));
    }

    /** Writes {@code d} to {@code file} atomically; returns the file's size. */
    public static long write(Path file, SnapshotData d) throws IOException {
        byte[] bytes = SnapshotFile.encode(d);
        AtomicFile.write(file, bytes);
        return bytes.length;
    }

    /**
     * A machine resumed from this snapshot ({@link Machine#resume}); {@code file} names the snapshot
     * in the error a damaged device section gives (with the offset of the bad byte in the file).
     */
    public Machine resume(MachineConfig config, Path file, MachineTap tap) throws IOException {
        try {
            return Machine.resume(config, machine, tap);
        } catch (DeviceStateException e) {
            String problem = e.getMessage().substring(e.getMessage().indexOf(" at byte ") + 1);
            throw new FormatException(file, SnapshotFile.devicesDataOffset(data) + e.offset(), "DEVICES section: "
                    + e.device() + ": " + problem.substring(problem.indexOf(": ") + 2));
        }
    }

    /**
     * The provenance of a machine booted from {@code config}: the kernel and modules by name, size
     * and SHA-256 (read again as the loader read them), the command line, and why the snapshot is taken.
     */
    public static SnapshotData.Boot provenance(MachineConfig config, String kerfVersion, String trigger) throws IOException {
        SnapshotData.Image kernel = image(config.kernel(), "kernel", "", config.ramBytes());
        List<SnapshotData.Image> modules = new ArrayList<>();
        for (MachineConfig.Module m : config.modules()) modules.add(image(m.file(), "module", m.cmdline(), config.ramBytes()));
        return new SnapshotData.Boot(kerfVersion, trigger, kernel, config.cmdline() == null ? "" : config.cmdline(), modules);
    }

    /** The provenance of a snapshot taken from a machine that was itself resumed from {@code earlier}. */
    public static SnapshotData.Boot provenance(SnapshotData earlier, String kerfVersion, String trigger) {
        SnapshotData.Boot b = earlier.boot();
        return new SnapshotData.Boot(kerfVersion, trigger, b.kernel(), b.cmdline(), b.modules());
    }

    private static SnapshotData.Image image(Path file, String what, String cmdline, int ramBytes) throws IOException {
        Manifest.ImageRef ref = Recording.imageRef(file.toString(), MultibootLoader.read(file, what, ramBytes),
                cmdline == null ? "" : cmdline);
        return new SnapshotData.Image(ref.name(), ref.size(), ref.sha256(), ref.cmdline());
    }
}
