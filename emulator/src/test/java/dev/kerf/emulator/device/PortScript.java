package dev.kerf.emulator.device;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of port accesses that runs both on a {@link PcPlatform} and, as the module of the
 * portscript.S guest, under QEMU (record layout: see portscript.S). Each IN carries a label so
 * a mismatch says which register differs.
 */
final class PortScript {
    /** Label prefix of an IN whose value is printed but not compared (e.g. IDENTIFY model strings). */
    static final String NOT_COMPARED = "~";
    private static final int OUT = 0, IN = 1, WAIT = 3, IN_MASKED = 4;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<int[]> ops = new ArrayList<>();
    final List<String> labels = new ArrayList<>();

    PortScript out(int port, int size, int value) {
        add(OUT, size, port, value);
        return this;
    }

    PortScript outb(int port, int value) {
        return out(port, 1, value);
    }

    PortScript in(String label, int port, int size) {
        add(IN, size, port, 0);
        labels.add(label);
        return this;
    }

    /** An IN whose result is ANDed with {@code mask} (to hide bits that depend on timing). */
    PortScript inMasked(String label, int port, int mask) {
        add(IN_MASKED, 1, port, mask);
        labels.add(label);
        return this;
    }

    PortScript inb(String label, int port) {
        return in(label, port, 1);
    }

    /** Reads byte {@code port} until {@code (value & mask) == expected}; nothing is recorded. */
    PortScript waitFor(int port, int mask, int expected) {
        add(WAIT, 1, port, (mask & 0xFF) | (expected & 0xFF) << 8);
        return this;
    }

    private void add(int op, int size, int port, int value) {
        ByteBuffer record = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        record.put((byte) op).put((byte) size).putShort((short) port).putInt(value);
        bytes.writeBytes(record.array());
        ops.add(new int[] {op, size, port, value});
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }

    /** Runs the script on {@code pc}; the IN results in the guest's output format. */
    List<String> runOn(PcPlatform pc) {
        List<String> results = new ArrayList<>();
        for (int[] op : ops) {
            if (op[0] == OUT) {
                pc.out(op[2], op[1], op[3]);
            } else if (op[0] == WAIT) {
                int mask = op[3] & 0xFF;
                int expected = (op[3] >> 8) & 0xFF;
                int tries = 0;
                while ((pc.in(op[2], 1) & mask) != expected) {
                    pc.poll(); // what the guest waits for may be a frame or a byte arriving
                    if (++tries > 1_000_000) {
                        throw new IllegalStateException(String.format("port %x never reached %02x/%02x", op[2], expected, mask));
                    }
                }
            } else if (op[0] == IN_MASKED) {
                results.add(String.format("%08X", pc.in(op[2], op[1]) & op[3]));
            } else {
                results.add(String.format("%08X", pc.in(op[2], op[1])));
            }
        }
        return results;
    }
}
