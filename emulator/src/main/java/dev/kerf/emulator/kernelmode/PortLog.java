package dev.kerf.emulator.kernelmode;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Every port access one kernel-component activation made, in order: direction, port, size and
 * value. The values are kept as two live byte streams, the inputs' and the outputs' (each value
 * little-endian, {@code size} bytes, in access order), so that a redactor sees and rewrites them
 * like any other bytes of a slice; an access's value is read back from its stream.
 */
public final class PortLog {
    private final boolean[] output;
    private final int[] port, size, offset;
    private final byte[] inputs, outputs;

    /**
     * @param output  per access: an OUT (else an IN)
     * @param port    per access: 0..65535
     * @param size    per access: 1, 2 or 4
     * @param inputs  the IN values' stream (its length the sum of the INs' sizes)
     * @param outputs the OUT values' stream
     */
    public PortLog(boolean[] output, int[] port, int[] size, byte[] inputs, byte[] outputs) {
        int n = output.length;
        if (port.length != n || size.length != n) throw new IllegalArgumentException("port log arrays of different lengths");
        this.output = output.clone();
        this.port = port.clone();
        this.size = size.clone();
        this.inputs = inputs;
        this.outputs = outputs;
        offset = new int[n];
        int in = 0, out = 0;
        for (int i = 0; i < n; i++) {
            if (size[i] != 1 && size[i] != 2 && size[i] != 4) throw new IllegalArgumentException("access " + i + ": size " + size[i]);
            if (port[i] < 0 || port[i] > 0xFFFF) throw new IllegalArgumentException("access " + i + ": port " + port[i]);
            if (output[i]) {
                offset[i] = out;
                out += size[i];
            } else {
                offset[i] = in;
                in += size[i];
            }
        }
        if (in != inputs.length || out != outputs.length) {
            throw new IllegalArgumentException("the accesses hold " + in + " input and " + out + " output bytes, the streams "
                    + inputs.length + " and " + outputs.length);
        }
    }

    /** The empty log. */
    public static PortLog empty() {
        return new PortLog(new boolean[0], new int[0], new int[0], new byte[0], new byte[0]);
    }

    public int count() { return output.length; }

    public boolean isOutput(int i) { return output[i]; }

    public int port(int i) { return port[i]; }

    public int size(int i) { return size[i]; }

    /** Access {@code i}'s value, zero-extended. */
    public int value(int i) {
        byte[] s = output[i] ? outputs : inputs;
        int v = 0;
        for (int k = 0; k < size[i]; k++) v |= (s[offset[i] + k] & 0xFF) << (8 * k);
        return v;
    }

    /** The IN values' stream (live). */
    public byte[] inputBytes() { return inputs; }

    /** The OUT values' stream (live). */
    public byte[] outputBytes() { return outputs; }

    /** Collects accesses as a capture sees them. */
    public static final class Builder {
        private boolean[] output = new boolean[16];
        private int[] port = new int[16], size = new int[16];
        private int n;
        private final ByteArrayOutputStream inputs = new ByteArrayOutputStream(), outputs = new ByteArrayOutputStream();

        public void add(boolean out, int p, int s, int value) {
            if (n == output.length) {
                output = Arrays.copyOf(output, 2 * n);
                port = Arrays.copyOf(port, 2 * n);
                size = Arrays.copyOf(size, 2 * n);
            }
            output[n] = out;
            port[n] = p;
            size[n] = s;
            n++;
            for (int k = 0; k < s; k++) (out ? outputs : inputs).write(value >>> (8 * k));
        }

        public PortLog build() {
            return new PortLog(Arrays.copyOf(output, n), Arrays.copyOf(port, n), Arrays.copyOf(size, n), inputs.toByteArray(),
                    outputs.toByteArray());
        }
    }
}
