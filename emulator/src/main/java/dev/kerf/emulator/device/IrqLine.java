package dev.kerf.emulator.device;

/**
 * One interrupt request wire from a device to the PIC pair. The PIC latches a request on a rising
 * edge (8259A edge-triggered mode), so a device that wants a fresh interrupt while its line is
 * already high must drop it first ({@link #pulse()} does both).
 */
public interface IrqLine {
    void set(boolean high);

    default void raise() {
        set(true);
    }

    default void lower() {
        set(false);
    }

    /** A rising edge followed by the line dropping again (timer ticks). */
    default void pulse() {
        set(true);
        set(false);
    }

    /** A wire to nothing, for devices used alone in tests. */
    IrqLine NONE = high -> { };
}
