package dev.kerf.emulator.device;

import dev.kerf.emulator.cpu.CpuBus;

import java.io.IOException;

/**
 * The kerf PC's chipset and devices as the CPU sees them (design §2): port routing, the PIC pair
 * feeding INTR, the PIT, COM1, CMOS/RTC, ATA, NE2000, debug-exit, PCI config ports.
 *
 * <p>Placeholder signatures; the devices work fills the bodies. Single-threaded: only the machine
 * thread calls in here; host input threads hand their data over through {@link #poll()}.
 */
public final class PcPlatform implements CpuBus, AutoCloseable {
    public PcPlatform(PlatformConfig config) throws IOException {
        throw new UnsupportedOperationException("devices not written yet");
    }

    @Override public int in(int port, int size) { throw new UnsupportedOperationException(); }
    @Override public void out(int port, int size, int value) { throw new UnsupportedOperationException(); }
    @Override public boolean interruptRequested() { throw new UnsupportedOperationException(); }
    @Override public int acknowledgeInterrupt() { throw new UnsupportedOperationException(); }
    @Override public long readTsc(long icount) { throw new UnsupportedOperationException(); }

    /** Brings every device up to the clock's now: timer ticks, console input, network frames. */
    public void poll() { throw new UnsupportedOperationException(); }

    /** The earliest clock time at which a device needs {@link #poll()} (Long.MAX_VALUE: none). */
    public long nextDeadlineNanos() { throw new UnsupportedOperationException(); }

    /** True once the guest wrote the debug-exit port (0xF4). */
    public boolean exitRequested() { throw new UnsupportedOperationException(); }

    /** QEMU's isa-debug-exit status: (value << 1) | 1. */
    public int exitStatus() { throw new UnsupportedOperationException(); }

    /** Flushes and closes host-side files (pcap output, disk image). */
    @Override public void close() throws IOException {}
}
