package dev.kerf.emulator.device;

/**
 * Port 0x92, "system control port A" (fast A20 gate). The kerf PC has no address-line-20 masking
 * (it starts in protected mode with A20 on): the register reads back what was written except that
 * bit 1 (A20) always reads 1 and bit 0 (fast reset) reads 0; writing bit 0 as 1 asks
 * {@link ResetControl} for a reset (the bit is edge-triggered on a PC: a 0 to 1 change resets).
 */
public final class PortA implements IoDevice {
    private final ResetControl reset;
    private int value = 0x02; // A20 enabled

    public PortA(ResetControl reset) {
        this.reset = reset;
    }

    /** Snapshot state: the register (1 byte; bit 1 set, bit 0 clear). */
    void save(StateWriter w) {
        w.u8(value);
    }

    void load(StateReader r) {
        r.device("port A");
        int at = r.offset();
        int v = r.u8("value");
        if ((v & 0x03) != 0x02) {
            throw r.fail(at, String.format("value 0x%02x: A20 (bit 1) must be set and bit 0 clear", v));
        }
        value = v;
    }

    @Override
    public int read(int port, int size) {
        return value;
    }

    @Override
    public void write(int port, int size, int value) {
        if ((value & 0x01) != 0) {
            reset.fastReset();
        }
        this.value = (value & 0xFE) | 0x02;
    }
}
