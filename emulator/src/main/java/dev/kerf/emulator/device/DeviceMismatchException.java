package dev.kerf.emulator.device;

/**
 * Well-formed device state that does not fit the platform it is restored into: the snapshot's
 * machine had a disk and this one has none or one of another size (or the other way round). The
 * state names a host file the user gives again at resume, so this is a configuration mistake,
 * not damage; the message is one line for the user.
 */
public final class DeviceMismatchException extends RuntimeException {
    public DeviceMismatchException(String message) {
        super(message);
    }
}
