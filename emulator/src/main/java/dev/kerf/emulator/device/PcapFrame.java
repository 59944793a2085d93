package dev.kerf.emulator.device;

/**
 * One captured Ethernet frame.
 *
 * @param timestampNanos capture time in nanoseconds since the Unix epoch
 * @param data           the captured bytes (possibly shorter than the frame on the wire)
 * @param originalLength the frame's length on the wire
 */
public record PcapFrame(long timestampNanos, byte[] data, int originalLength) {
}
