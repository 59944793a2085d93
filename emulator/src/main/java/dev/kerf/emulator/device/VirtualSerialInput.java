package dev.kerf.emulator.device;

import java.io.IOException;
import java.io.InputStream;

/**
 * Deterministic console input for a virtual clock. The stream is read only when the guest is
 * waiting for input ({@link #request}, decided by the UART from what the guest does: see
 * {@link Uart16550#idle}), one byte per request, synchronously on the machine thread: a blocking
 * read is fine there, virtual time stands still meanwhile, and before it {@code beforeBlock} runs
 * (the UART flushes its output, so a prompt shows and a writer that waits for it can answer).
 * The byte becomes due at the request's time, but no sooner than {@link #BYTE_NANOS} after the
 * previous byte was delivered (the first: at {@code firstDue}, {@link #BYTE_NANOS} after the
 * platform's start: machine start, or the snapshot's clock reading for a resumed machine). So the
 * instruction at which each byte reaches the guest is a function of the execution and the bytes
 * alone, never of when the host wrote them, and a guest that never waits for input never makes
 * kerf wait for the stream.
 */
final class VirtualSerialInput implements SerialInput {
    private final InputStream in;
    private final Runnable beforeBlock;
    private long nextDue;
    private int pending = -1;
    private long pendingDue;
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
    public void request(long nanos) {
        if (eof || pending >= 0) {
            return;
        }
        int b;
        try {
            beforeBlock.run();
            b = in.read();
        } catch (IOException e) {
            b = -1; // a console that fails is a console at its end, as for the host reader thread
        }
        if (b < 0) {
            eof = true;
            return;
        }
        pending = b;
        pendingDue = Math.max(nextDue, nanos);
    }

    @Override
    public int next(long nanos) {
        if (pending < 0 || nanos < pendingDue) {
            return -1;
        }
        int b = pending;
        pending = -1;
        nextDue = nanos + BYTE_NANOS;
        return b;
    }

    @Override
    public long nextDeadlineNanos() {
        return pending < 0 ? Long.MAX_VALUE : pendingDue;
    }
}
