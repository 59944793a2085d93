package dev.kerf.emulator.device;

import dev.kerf.emulator.cpu.CpuBus;

import java.io.IOException;

/**
 * The kerf PC's chipset and devices as the CPU sees them (design §2): port routing, the PIC pair
 * feeding INTR, the PIT, COM1, CMOS/RTC, ATA, NE2000, debug-exit, PCI config ports.
 *
 * <p>Port map (QEMU's): PIC 0x20-0x21/0xA0-0xA1 + ELCR 0x4D0-0x4D1, PIT 0x40-0x43 (IRQ0), port B 0x61, CMOS
 * 0x70-0x71 (IRQ8), port A 0x92, debug-exit 0xF4-0xF7, ATA 0x1F0-0x1F7 + 0x3F6 (IRQ14), NE2000
 * 0x300-0x31F (IRQ9), COM1 0x3F8-0x3FF (IRQ4); the reset requests of {@link ResetControl}: keyboard
 * controller command port 0x64 and reset control register 0xCF9 (byte access). POST port 0x80 and
 * PCI configuration 0xCF8-0xCFF (but the 0xCF9 byte) are deliberately unmapped: reads give all-ones ("no PCI bus"), writes vanish, as does
 * everything else unmapped.
 *
 * <p>Time: devices never look at the clock on their own. They move only in {@link #poll()} (timer
 * edges, console bytes, network frames) and in port accesses, both on the machine thread. With a
 * virtual clock the platform is deterministic provided the machine calls {@link #poll()} at
 * deterministic points (e.g. whenever the clock passes {@link #nextDeadlineNanos()}).
 *
 * <p>State ({@link #captureState()}, {@link #restoreState(byte[])}, used by booted snapshots):
 * everything a guest can observe of the devices, as bytes: a version byte ({@value #STATE_VERSION}),
 * then each device's part in a fixed order (PIC master and slave, PIT, port B, UART, CMOS/RTC,
 * port A, debug-exit, ATA, NE2000), big-endian, laid out byte for byte in docs/formats.md
 * ("Device state"). Times in it are clock nanoseconds (or PIT ticks) since machine start, so the
 * platform they are restored into must run on a clock that continues from the capture's time.
 * Host-side things are not state: the console output stream and what is buffered for it, the
 * console input (a restored platform's input starts fresh: its first byte is due one byte-time
 * after {@link PlatformConfig#startNanos()}), the network input's position (frame i of the capture
 * given again is due at {@code startNanos + ts(i) - ts(0)}), the output capture, the
 * disk image's content.
 */
public final class PcPlatform implements CpuBus, AutoCloseable {
    /** The first byte of {@link #captureState()}'s bytes; any other is refused. */
    public static final int STATE_VERSION = 2;

    private final Clock clock;
    private final IoBus bus = new IoBus();
    private final PicPair pic = new PicPair();
    private final Pit8254 pit;
    private final Uart16550 uart;
    private final AtaDisk ata;
    private final Ne2000 nic;
    private final PcapWriter netOut;
    private final DebugExit debugExit = new DebugExit();
    private final ResetControl reset = new ResetControl();
    private final PortA portA = new PortA(reset);
    private final PortB portB;
    private final Cmos cmos;
    private ConsoleMatcher consoleWatch;

    /**
     * Opens the host files (input pcap read and checked whole, disk image, output pcap) before
     * anything starts, so a bad file fails here with one line naming it and nothing is left open;
     * the console reader thread (host clock) starts last.
     */
    public PcPlatform(PlatformConfig config) throws IOException {
        this.clock = config.clock();
        long startNanos = config.startNanos();
        NetInput netIn = config.netIn() == null ? NetInput.empty() : new NetInput(config.netIn(), startNanos);
        ata = new AtaDisk(config.disk(), pic.line(14));
        try {
            netOut = config.netOut() == null ? null : openCapture(config.netOut());
        } catch (IOException e) {
            ata.close();
            throw e;
        }
        pit = new Pit8254(clock, pic.line(0));
        uart = new Uart16550(clock, pic.line(4), config.consoleOut());
        nic = new Ne2000(clock, pic.line(9), netIn, netOut, config.rtcEpochSeconds() * 1_000_000_000L);
        cmos = new Cmos(clock, pic.line(8), config.rtcEpochSeconds(), Integer.toUnsignedLong(config.ramBytes()));
        portB = new PortB(clock, pit);
        mapPorts();
        if (config.consoleIn() != null) {
            uart.attachInput(clock.isVirtual()
                    ? new VirtualSerialInput(config.consoleIn(), uart::flush, startNanos + SerialInput.BYTE_NANOS)
                    : new HostSerialInput(config.consoleIn(), clock));
        }
    }

    private static PcapWriter openCapture(java.nio.file.Path file) throws IOException {
        try {
            return new PcapWriter(file);
        } catch (IOException e) {
            java.nio.file.FileSystemException named = new java.nio.file.FileSystemException(file.toString(), null,
                    "cannot create the network capture: " + dev.kerf.formats.FileErrors.reason(e));
            named.initCause(e);
            throw named;
        }
    }

    private void mapPorts() {
        bus.map(0x20, 2, pic, true);
        bus.map(0xA0, 2, pic, true);
        bus.map(0x4D0, 2, pic, true);
        bus.map(0x40, 4, pit, true);
        bus.map(0x61, 1, portB, true);
        bus.map(0x70, 2, cmos, true);
        bus.map(0x64, 1, reset, true);
        bus.map(0x92, 1, portA, true);
        bus.map(0xCF9, 1, reset, true);
        bus.map(0xF4, 4, debugExit, false);
        bus.map(0x1F0, 1, ata, false); // the 16/32-bit data port
        bus.map(0x1F1, 7, ata, true);
        bus.map(0x3F6, 1, ata, true);
        bus.map(Ne2000.BASE, 0x20, nic, false);
        bus.map(0x3F8, 8, uart, true);
    }

    @Override
    public int in(int port, int size) {
        return bus.in(port, size);
    }

    @Override
    public void out(int port, int size, int value) {
        if ((port & 0xFFFE) == 0x20) {
            // nextDeadlineNanos() ignores the timer while IRQ0 is masked with a request latched;
            // settle the timer's edges (no-ops while latched) before the guest changes the
            // master's mask or ISR, so no edge that fell while masked is delivered later as new.
            pit.poll(clock.nanos());
        }
        bus.out(port, size, value);
        if (debugExit.exitRequested() || reset.resetRequested()) {
            uart.flush(); // the machine stops next: nothing the guest printed may be lost
        }
    }

    @Override
    public boolean interruptRequested() {
        return pic.interruptRequested();
    }

    @Override
    public int acknowledgeInterrupt() {
        return pic.acknowledgeInterrupt();
    }

    /** The TSC runs at 1 GHz: it is the clock's nanoseconds (a virtual clock derives them from icount). */
    @Override
    public long readTsc(long icount) {
        return clock.nanos();
    }

    /** Brings every device up to the clock's now: timer ticks, console input, network frames. */
    public void poll() {
        long now = clock.nanos();
        pit.poll(now);
        cmos.poll(now);
        uart.poll(now);
        nic.poll(now);
        uart.flush();
    }

    /**
     * The CPU halted with interrupts enabled and the machine is about to let time pass: devices
     * that move only while the guest waits (COM1's input under a virtual clock) move now.
     */
    public void idle() {
        uart.idle(clock.nanos());
    }

    /**
     * The earliest clock time at which a device needs {@link #poll()} (Long.MAX_VALUE: none).
     * The PIT's next edge is left out while IRQ0 is masked with a request already latched: more
     * edges could change nothing, so a halted guest with the timer masked can be seen to be stuck.
     */
    public long nextDeadlineNanos() {
        long deadline = pic.isLatchedAndMasked(0) ? Long.MAX_VALUE : pit.nextDeadlineNanos();
        deadline = Math.min(deadline, cmos.nextDeadlineNanos());
        deadline = Math.min(deadline, uart.nextDeadlineNanos());
        return Math.min(deadline, nic.nextDeadlineNanos());
    }

    /** COM1's DLAB (bit 0) and loopback (bit 1): the line state a replay without device models needs. */
    public int consoleLineFlags() {
        return uart.lineFlags();
    }

    /**
     * Watches COM1's transmitter for {@code text} (the bytes as the guest's OUTs write them, however
     * split); {@link #consoleMatched()} turns true right after the write that completes it. A new
     * call starts a new watch.
     */
    public void watchConsole(byte[] text) {
        consoleWatch = new ConsoleMatcher(text);
        uart.watch(consoleWatch);
    }

    /** Ends the watch of {@link #watchConsole}. */
    public void stopWatchingConsole() {
        consoleWatch = null;
        uart.watch(null);
    }

    /** True once the text given to {@link #watchConsole} has been written (false without a watch). */
    public boolean consoleMatched() {
        return consoleWatch != null && consoleWatch.found();
    }

    /** Writes what the guest printed so far through to the console output. */
    public void flushConsole() {
        uart.flush();
    }

    /** The devices' guest-visible state now; see the class comment and docs/formats.md. Changes nothing. */
    public byte[] captureState() {
        return devices().save();
    }

    /**
     * Puts {@code data} (from {@link #captureState()}) into the devices. All or nothing: the bytes
     * are first decoded and checked completely into a throwaway set of devices, and only then
     * applied here, so on an exception this platform is unchanged. Meant for a platform that has
     * not run yet, on a clock that continues from the capture's time.
     *
     * @throws DeviceStateException    bytes no platform wrote (one line: device and byte offset)
     * @throws DeviceMismatchException the state's disk (present, size) is not this platform's
     */
    public void restoreState(byte[] data) {
        checkState(data, ata.diskSectors());
        devices().load(data, ata.diskSectors());
        nic.setEpochNanos(cmos.epochSeconds() * 1_000_000_000L);
    }

    /** For {@link #checkState}: the disk is not known yet, its part is checked for form only. */
    public static final long DISK_UNKNOWN = Long.MIN_VALUE;

    /**
     * Checks {@code data} as {@link #restoreState} would for a platform whose disk has
     * {@code diskSectors} sectors (-1: no disk; {@link #DISK_UNKNOWN}: not compared), without any
     * platform: callers check before they open host files.
     *
     * @throws DeviceStateException    bytes no platform wrote
     * @throws DeviceMismatchException the state's disk is not the one described
     */
    public static void checkState(byte[] data, long diskSectors) {
        PlatformState.scratch().load(data, diskSectors);
    }

    private PlatformState devices() {
        return new PlatformState(pic, pit, portB, uart, cmos, portA, debugExit, ata, nic);
    }

    /** True once the guest wrote the debug-exit port (0xF4). */
    public boolean exitRequested() {
        return debugExit.exitRequested();
    }

    /** True once the guest asked the board to reset (port 0x64 command 0xFE, 0xCF9, 0x92 bit 0). */
    public boolean resetRequested() {
        return reset.resetRequested();
    }

    /** How the guest asked for the reset, for the user (null when it did not). */
    public String resetSource() {
        return reset.source();
    }

    /** QEMU's isa-debug-exit status: (value << 1) | 1. */
    public int exitStatus() {
        return debugExit.exitStatus();
    }

    /** Flushes and closes host-side files (console output, pcap output, disk image). */
    @Override
    public void close() throws IOException {
        uart.close();
        IOException failure = nic.captureError() == null ? null
                : new IOException("writing the network capture failed: " + nic.captureError().getMessage(), nic.captureError());
        try {
            if (netOut != null && failure != null) netOut.discard();
            else if (netOut != null) netOut.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        ata.close();
        if (failure != null) {
            throw failure;
        }
    }
}
