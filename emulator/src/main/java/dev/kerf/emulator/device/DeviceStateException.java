package dev.kerf.emulator.device;

/**
 * Device state bytes ({@link PcPlatform#restoreState}) that no platform could have written: cut
 * short, another version, trailing bytes, or a field out of its range. The message is one line
 * naming the device and the byte offset (from the start of the device state) of the bad field.
 */
public final class DeviceStateException extends IllegalArgumentException {
    private final String device;
    private final int offset;

    public DeviceStateException(String device, int offset, String problem) {
        super("device state: " + device + " at byte " + offset + ": " + problem);
        this.device = device;
        this.offset = offset;
    }

    /** The device whose part is bad ("header" for the version byte and the end). */
    public String device() {
        return device;
    }

    /** Byte offset of the bad field from the start of the device state. */
    public int offset() {
        return offset;
    }
}
