package dev.kerf.emulator.device;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The frames of an input pcap with their delivery times: frame i is due when the clock reaches
 * {@code start + ts(i) - ts(0)} (so the first frame is due at machine start; {@code start} is 0 at
 * boot and the snapshot's time for a resumed machine), made monotonic so an
 * out-of-order capture cannot make time run backwards. The whole capture is read and checked at
 * construction, so a corrupt file is reported before the machine starts.
 */
final class NetInput {
    private final List<PcapFrame> frames;
    private final long[] due;
    private int next;

    NetInput(Path pcap, long startNanos) throws IOException {
        this(PcapReader.readAll(pcap), startNanos);
    }

    NetInput(List<PcapFrame> frames) {
        this(frames, 0);
    }

    NetInput(List<PcapFrame> frames, long startNanos) {
        this.frames = List.copyOf(frames);
        this.due = new long[frames.size()];
        long first = frames.isEmpty() ? 0 : frames.get(0).timestampNanos();
        long previous = 0;
        for (int i = 0; i < due.length; i++) {
            previous = Math.max(previous, frames.get(i).timestampNanos() - first);
            due[i] = previous > Long.MAX_VALUE - startNanos ? Long.MAX_VALUE : startNanos + previous;
        }
    }

    static NetInput empty() {
        return new NetInput(List.of());
    }

    /** The next frame if it is due at {@code nanos}, else null; it stays pending until {@link #consume()}. */
    PcapFrame peek(long nanos) {
        return next < due.length && due[next] <= nanos ? frames.get(next) : null;
    }

    void consume() {
        next++;
    }

    /** When the next frame is due, or Long.MAX_VALUE when the capture is exhausted. */
    long nextDueNanos() {
        return next < due.length ? due[next] : Long.MAX_VALUE;
    }
}
