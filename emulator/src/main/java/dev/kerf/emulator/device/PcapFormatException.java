package dev.kerf.emulator.device;

import java.io.IOException;
import java.nio.file.Path;

/** A pcap file that cannot be read: the message names the file and the byte offset of the problem. */
public final class PcapFormatException extends IOException {
    public PcapFormatException(Path file, long offset, String problem) {
        super(file + ": not a usable pcap file at byte " + offset + ": " + problem);
    }
}
