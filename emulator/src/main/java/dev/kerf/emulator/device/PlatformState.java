package dev.kerf.emulator.device;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The platform's devices in the order of their state bytes ({@link PcPlatform#captureState()}):
 * a version byte, then PIC pair, PIT, port B, UART, CMOS/RTC, port A, debug-exit, ATA, NE2000,
 * each through its own {@code save}/{@code load} pair; nothing after. A {@link #scratch()} set,
 * wired to nothing, is where bytes are decoded and checked before they touch a live platform.
 */
record PlatformState(PicPair pic, Pit8254 pit, PortB portB, Uart16550 uart, Cmos cmos, PortA portA,
                     DebugExit debugExit, AtaDisk ata, Ne2000 nic) {

    /** Devices with no host side at all (no files, no streams, a clock that stands at 0). */
    static PlatformState scratch() {
        Clock clock = new VirtualClock(() -> 0);
        PicPair pic = new PicPair();
        Pit8254 pit = new Pit8254(clock, IrqLine.NONE);
        try {
            return new PlatformState(pic, pit, new PortB(clock, pit), new Uart16550(clock, IrqLine.NONE, null),
                    new Cmos(clock, IrqLine.NONE, 0, 0), new PortA(new ResetControl()), new DebugExit(), new AtaDisk(null, IrqLine.NONE),
                    new Ne2000(clock, IrqLine.NONE, NetInput.empty(), null, 0));
        } catch (IOException e) {
            throw new UncheckedIOException("a disk channel without a disk opened a file", e);
        }
    }

    byte[] save() {
        StateWriter w = new StateWriter();
        w.u8(PcPlatform.STATE_VERSION);
        pic.save(w);
        pit.save(w);
        portB.save(w);
        uart.save(w);
        cmos.save(w);
        portA.save(w);
        debugExit.save(w);
        ata.save(w);
        nic.save(w);
        return w.toByteArray();
    }

    /** Reads every device's part, checking as it goes; {@code diskSectors} is the ATA disk's size (-1: none). */
    void load(byte[] data, long diskSectors) {
        StateReader r = new StateReader(data);
        int version = r.u8("version");
        if (version != PcPlatform.STATE_VERSION) {
            throw r.fail(0, "version " + version + ", this kerf reads version " + PcPlatform.STATE_VERSION);
        }
        pic.load(r);
        pit.load(r);
        portB.load(r);
        uart.load(r);
        cmos.load(r);
        portA.load(r);
        debugExit.load(r);
        ata.load(r, diskSectors);
        nic.load(r);
        r.end();
    }
}
