package dev.kerf.emulator.device;

/**
 * Port 0x61, "system control port B" of the PC (the old 8255 PPI): bit 0 = PIT channel 2 gate,
 * bit 1 = speaker data enable (stored; no sound), bit 4 = refresh toggle (flips every 15.085 µs
 * of clock time, as QEMU), bit 5 = PIT channel 2 OUT. Used by guests to calibrate against the PIT.
 */
public final class PortB implements IoDevice {
    private static final long REFRESH_PERIOD_NANOS = 15_085;

    private final Clock clock;
    private final Pit8254 pit;
    private boolean speakerData;

    public PortB(Clock clock, Pit8254 pit) {
        this.clock = clock;
        this.pit = pit;
    }

    /** Snapshot state: speaker data enable (1 byte); the gate is channel 2's, in the PIT's state. */
    void save(StateWriter w) {
        w.bool(speakerData);
    }

    void load(StateReader r) {
        r.device("port B");
        speakerData = r.bool("speaker data");
    }

    @Override
    public int read(int port, int size) {
        int refresh = (int) ((clock.nanos() / REFRESH_PERIOD_NANOS) & 1);
        return (pit.gate2() ? 0x01 : 0) | (speakerData ? 0x02 : 0) | (refresh << 4) | (pit.output2() ? 0x20 : 0);
    }

    @Override
    public void write(int port, int size, int value) {
        pit.setGate2((value & 0x01) != 0);
        speakerData = (value & 0x02) != 0;
    }
}
