package dev.kerf.emulator.machine;

/** The whole machine at one instruction boundary, in memory. */
public record MachineSnapshot(dev.kerf.emulator.cpu.CpuState cpu, byte[] ram, byte[] devices, long clockNanos, boolean virtualClock) {}
