package dev.kerf.emulator.machine;

import dev.kerf.emulator.cpu.CpuState;

/**
 * The whole machine at one instruction boundary, in memory ({@link Machine#capture()}), from which
 * {@link Machine#resume} builds a machine that continues exactly as the captured one would have.
 *
 * @param cpu          the CPU state; its icount is the captured machine's (a resumed machine counts from 0)
 * @param ram          all of guest RAM (a copy)
 * @param devices      the platform's device state ({@link dev.kerf.emulator.device.PcPlatform#captureState()},
 *                     laid out in docs/formats.md, "Device state")
 * @param clockNanos   the machine clock's time at capture: every device deadline in {@code devices} is on this
 *                     time line, which a resumed machine continues
 * @param virtualClock the clock the captured machine ran on (a snapshot may resume on either)
 */
public record MachineSnapshot(CpuState cpu, byte[] ram, byte[] devices, long clockNanos, boolean virtualClock) {
    public MachineSnapshot {
        if (cpu == null || ram == null || devices == null) {
            throw new IllegalArgumentException("a snapshot needs the CPU, RAM and device state");
        }
        if (clockNanos < 0) {
            throw new IllegalArgumentException("negative snapshot clock " + clockNanos);
        }
    }
}
