package dev.kerf.emulator.device;

/**
 * The ways a PC guest asks the board to reset itself, each of which ends a kerf run (the machine
 * stops after the instruction; it does not reboot):
 * <ul>
 *   <li>port 0x64, the 8042 keyboard controller's command port: command 0xFE (pulse the reset
 *       line). kerf has no keyboard controller; the port exists only for this. Its status reads
 *       0xFD: an absent device's all-ones (output buffer full, so a probe such as Linux's i8042
 *       driver still finds no controller) except bit 1, input buffer empty, so a guest waiting
 *       to send a command (Linux's reboot path) sends it at once;</li>
 *   <li>port 0xCF9, the chipset's reset control register (byte access only, as on the PIIX):
 *       a write with bit 2 (reset CPU) set. Reads give 0xFF as before (no PCI bus);</li>
 *   <li>port 0x92 bit 0 (fast reset), through {@link PortA#PortA(ResetControl)}.</li>
 * </ul>
 * The first request wins; {@link #source()} names it for the user.
 */
public final class ResetControl implements IoDevice {
    /** The keyboard controller's status when read (see the class comment). */
    static final int KBC_STATUS = 0xFD;
    private static final int KBC_PULSE_RESET = 0xFE;
    private static final int RCR_RESET_CPU = 0x04;

    private String source;

    @Override
    public int read(int port, int size) {
        return port == 0x64 ? KBC_STATUS : 0xFF;
    }

    @Override
    public void write(int port, int size, int value) {
        if (port == 0x64 && (value & 0xFF) == KBC_PULSE_RESET) {
            request("keyboard controller command 0xFE on port 0x64");
        } else if (port == 0xCF9 && (value & RCR_RESET_CPU) != 0) {
            request(String.format("write of 0x%02x to the reset control register 0xCF9", value & 0xFF));
        }
    }

    /** Port 0x92's fast-reset bit went from 0 to 1. */
    void fastReset() {
        request("fast reset through port 0x92 bit 0");
    }

    private void request(String how) {
        if (source == null) {
            source = how;
        }
    }

    public boolean resetRequested() {
        return source != null;
    }

    /** How the guest asked (null until it did). */
    public String source() {
        return source;
    }
}
