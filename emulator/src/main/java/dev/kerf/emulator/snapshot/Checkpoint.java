package dev.kerf.emulator.snapshot;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.emulator.mmu.PhysicalMemory;
import dev.kerf.formats.checkpoint.CheckpointHeader;
import dev.kerf.formats.journal.Position;
import dev.kerf.formats.checkpoint.PageMap;
import dev.kerf.formats.checkpoint.PageStore;
import java.nio.file.Path;

/**
 * A checkpoint that {@link CheckpointStore#nearest} has read and checked completely (file,
 * CPU state, recording id, every page's hash): restoring it cannot fail on bad data.
 */
public final class Checkpoint {
    private final Path file;
    private final CheckpointHeader header;
    private final CpuState cpu;
    private final byte[] devices;
    private final PageMap map;
    private final byte[] pages;

    Checkpoint(Path file, CheckpointHeader header, CpuState cpu, byte[] devices, PageMap map, byte[] pages) {
        this.file = file;
        this.header = header;
        this.cpu = cpu;
        this.devices = devices;
        this.map = map;
        this.pages = pages;
    }

    public Path file() { return file; }

    public long icount() { return header.icount(); }

    /** Where the journal stands at this checkpoint: the replay resumes consuming events here. */
    public Position position() { return header.position(); }

    public CheckpointHeader header() { return header; }

    public CpuState cpuState() { return cpu; }

    /** Device state as its owner serialized it; empty for a replay checkpoint (no devices at replay). */
    public byte[] devices() { return devices.clone(); }

    /** Non-zero RAM pages in this checkpoint. */
    public int pageCount() { return map.size(); }

    /**
     * Puts the checkpoint's RAM into {@code memory} and its CPU state into {@code cpu} (which
     * must be the CPU of that memory), dropping the CPU's TLB and caches. Device state, if any, is
     * the caller's to restore from {@link #devices()}.
     */
    public void restore(Cpu cpu, PhysicalMemory memory) {
        if (cpu.memory != memory) throw new IllegalArgumentException("the CPU does not use this memory");
        if (memory.size() != header.ramBytes())
            throw new IllegalArgumentException("checkpoint of " + header.ramBytes() + " bytes of RAM, machine has " + memory.size());
        PageStore.place(map, pages, memory.array());
        memory.written(0, memory.size()); // every page was set (zeroed or copied)
        this.cpu.restore(cpu);
    }

    @Override
    public String toString() {
        return "checkpoint at icount " + header.icount() + " (" + file + ")";
    }
}
