package dev.kerf.formats.checkpoint;

import java.util.Arrays;

/**
 * One checkpoint file's content: the header, the CPU state and device state as their
 * serializers wrote them (Kryo bytes the emulator owns; this format carries them with a CRC and a
 * bounded length), and the RAM page map.
 */
public record CheckpointData(CheckpointHeader header, byte[] cpu, byte[] devices, PageMap ram) {
    public CheckpointData {
        if (cpu.length > CheckpointFile.MAX_CPU) throw new IllegalArgumentException("CPU state of " + cpu.length + " bytes");
        if (devices.length > CheckpointFile.MAX_DEVICES) throw new IllegalArgumentException("device state of " + devices.length + " bytes");
        if (ram.size() > header.ramBytes() / PageStore.PAGE_SIZE
                || (ram.size() > 0 && Integer.toUnsignedLong(ram.page(ram.size() - 1)) >= header.ramBytes() / PageStore.PAGE_SIZE))
            throw new IllegalArgumentException("page map names pages beyond " + header.ramBytes() + " bytes of RAM");
        cpu = cpu.clone();
        devices = devices.clone();
    }

    @Override
    public byte[] cpu() { return cpu.clone(); }

    @Override
    public byte[] devices() { return devices.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckpointData d && d.header.equals(header) && Arrays.equals(d.cpu, cpu)
                && Arrays.equals(d.devices, devices) && d.ram.equals(ram);
    }

    @Override
    public int hashCode() { return header.hashCode(); }
}
