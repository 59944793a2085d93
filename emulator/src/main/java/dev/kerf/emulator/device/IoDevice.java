package dev.kerf.emulator.device;

/**
 * A chip on the I/O port bus. {@code port} is the absolute port number the CPU used; {@code size}
 * is 1, 2 or 4 bytes. Devices registered as byte-wide on {@link IoBus} only ever see size 1.
 * Implementations never throw for a guest mistake: an access the chip does not decode reads
 * all-ones and writes nothing.
 */
public interface IoDevice {
    int read(int port, int size);

    void write(int port, int size, int value);
}
