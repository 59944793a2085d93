package dev.kerf.emulator.device;

import java.io.IOException;
import java.io.InputStream;

/**
 * Deterministic console input for a virtual clock: bytes are read synchronously on the machine
 * thread (a blocking read is fine, virtual time stands still meanwhile) and delivered at most one
 * per call, at least {@link #BYTE_NANOS} of clock time apart, the first at {@code firstDue}
 * ({@link #BYTE_NANOS} after the platform's start: machine start, or the snapshot's time for a
 * resumed machine). So the same input bytes land at the same instructions on every run. Before a
 * read that may block, {@code beforeBlock} runs (the UART flushes its output so a prompt shows).
 */
final class VirtualSerialInput implements SerialInput {
    private final InputStream in;
    private final Runnable beforeBlock;
    private long nextDue;
    private boolean eof;

    /** Input paced from machine start: the first byte is due at {@link #BYTE_NANOS}. */
    VirtualSerialInput(InputStream in, Runnable beforeBlock) {
        this(in, beforeBlock, BYTE_NANOS);
    }

    VirtualSerialInput(InputStream in, Runnable beforeBlock, long firstDue) {
        this.in = in;
        this.beforeBlock = beforeBlock;
        this.nextDue = firstDue;
    }

    @Override
    public int next(long nanos) {
        if (eof || nanos < nextDue) {
            return -1;
        }
        int b;
        try {
            if (in.available() <= 0) {
                beforeBlock.run();
            }
            b = in.read();
        } catch (IOException e) {
            b = -1; // a console that fails is a console at its end, as for the host reader thread
        }
        if (b < 0) {
            eof = true;
            return -1;
        }
        nextDue = Math.max(nextDue, nanos) + BYTE_NANOS;
        return b;
    }

    @Override
    public long nextDeadlineNanos() {
        return eof ? Long.MAX_VALUE : nextDue;
    }
}
