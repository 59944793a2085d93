package dev.kerf.slicer.component;

import dev.kerf.emulator.kernelmode.PortLog;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Names the kerf PC's devices by port (design §2), for the privacy manifest's input sources. */
final class PortDevices {
    private PortDevices() {}

    /** The device at {@code port}, with its port range. */
    static String name(int port) {
        if (port >= 0x300 && port <= 0x31F) return "ne2k (NE2000 ports 0x300-0x31f: network frames and card state)";
        if (port >= 0x3F8 && port <= 0x3FF) return "com1 (serial console ports 0x3f8-0x3ff)";
        if (port >= 0x1F0 && port <= 0x1F7 || port == 0x3F6) return "ata (disk ports 0x1f0-0x1f7, 0x3f6)";
        if (port == 0x20 || port == 0x21 || port == 0xA0 || port == 0xA1) return "pic (ports 0x20-0x21, 0xa0-0xa1)";
        if (port >= 0x40 && port <= 0x43) return "pit (ports 0x40-0x43)";
        if (port == 0x70 || port == 0x71) return "cmos (ports 0x70-0x71)";
        return String.format("port 0x%x", port);
    }

    /** Bytes of port input per device, over every log ("port input from DEVICE"). */
    static Map<String, Long> inputBytes(List<PortLog> logs) {
        Map<String, Long> out = new TreeMap<>();
        for (PortLog p : logs) {
            for (int i = 0; i < p.count(); i++) {
                if (!p.isOutput(i)) out.merge("port input from " + name(p.port(i)), (long) p.size(i), Long::sum);
            }
        }
        return out;
    }
}
