package dev.kerf.emulator.device;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Console input for a host clock: a daemon thread reads the stream into a thread-safe queue and
 * wakes the clock; the machine thread drains the queue through {@link #next}. This is the only
 * place a second thread touches device state, and it touches only the queue.
 */
final class HostSerialInput implements SerialInput {
    private final ConcurrentLinkedQueue<Byte> queue = new ConcurrentLinkedQueue<>();

    HostSerialInput(InputStream in, Clock clock) {
        Thread reader = new Thread(() -> pump(in, clock), "kerf-console-in");
        reader.setDaemon(true);
        reader.start();
    }

    private void pump(InputStream in, Clock clock) {
        byte[] buffer = new byte[512];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    queue.add(buffer[i]);
                }
                clock.wakeUp();
            }
        } catch (IOException e) {
            // The console went away: no more input, as at end of file.
        }
    }

    @Override
    public int next(long nanos) {
        Byte b = queue.poll();
        return b == null ? -1 : b & 0xFF;
    }

    @Override
    public long nextDeadlineNanos() {
        return queue.isEmpty() ? Long.MAX_VALUE : 0;
    }
}
