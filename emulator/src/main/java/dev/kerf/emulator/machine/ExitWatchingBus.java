package dev.kerf.emulator.machine;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.device.PcPlatform;

/**
 * The platform as the CPU sees it, plus one duty: when the guest writes the debug-exit port, stop
 * the CPU right after that instruction, so nothing runs past the guest's last word (and the final
 * icount is the same on every run). Only port writes pay for the check.
 */
final class ExitWatchingBus implements CpuBus {
    private PcPlatform platform;
    private Cpu cpu;

    /**
     * Connects both ends. Late binding lets the machine load (and check) the kernel into a CPU
     * before it opens any device's host files; the CPU must not run before this.
     */
    void attach(Cpu cpu, PcPlatform platform) {
        this.cpu = cpu;
        this.platform = platform;
    }

    @Override public int in(int port, int size) { return platform.in(port, size); }

    @Override
    public void out(int port, int size, int value) {
        platform.out(port, size, value);
        if (platform.exitRequested()) {
            cpu.requestStop();
        }
    }

    @Override public boolean interruptRequested() { return platform.interruptRequested(); }
    @Override public int acknowledgeInterrupt() { return platform.acknowledgeInterrupt(); }
    @Override public long readTsc(long icount) { return platform.readTsc(icount); }
}
