package dev.kerf.emulator.machine;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.device.PcPlatform;

/**
 * The platform as the CPU sees it, plus the run loop's two reasons to end a CPU slice early,
 * both caused by port accesses (only port accesses pay for the checks):
 * <ul>
 *   <li>the guest wrote the debug-exit port or asked for a reset: stop right after that instruction, so nothing runs
 *       past the guest's last word and the final icount is the same on every run;</li>
 *   <li>the access moved a device's deadline before the end of the slice (e.g. the guest read
 *       the UART's receive register, so the next input byte is now due): stop so the machine can
 *       poll on time. With a virtual clock this is at a fixed instruction: runs still repeat.</li>
 * </ul>
 */
final class MachineBus implements CpuBus {
    private PcPlatform platform;
    private Cpu cpu;
    private long sliceEndNanos = Long.MAX_VALUE;

    /**
     * Connects both ends. Late binding lets the machine load (and check) the kernel into a CPU
     * before it opens any device's host files; the CPU must not run before this.
     */
    void attach(Cpu cpu, PcPlatform platform) {
        this.cpu = cpu;
        this.platform = platform;
    }

    /** The clock time at which the current slice ends anyway; an earlier deadline stops it. */
    void sliceEndsAt(long nanos) {
        this.sliceEndNanos = nanos;
    }

    @Override
    public int in(int port, int size) {
        int value = platform.in(port, size);
        checkDeadline();
        return value;
    }

    @Override
    public void out(int port, int size, int value) {
        platform.out(port, size, value);
        if (platform.exitRequested() || platform.resetRequested() || platform.consoleMatched()) {
            cpu.requestStop();
        } else {
            checkDeadline();
        }
    }

    private void checkDeadline() {
        if (platform.nextDeadlineNanos() < sliceEndNanos) {
            sliceEndNanos = Long.MIN_VALUE; // one stop per slice is enough
            cpu.requestStop();
        }
    }

    @Override public boolean interruptRequested() { return platform.interruptRequested(); }
    @Override public int acknowledgeInterrupt() { return platform.acknowledgeInterrupt(); }
    @Override public long readTsc(long icount) { return platform.readTsc(icount); }
}
