package dev.kerf.emulator.replay;

import java.io.IOException;
import java.io.OutputStream;

/**
 * What a replay reproduces of the guest's port writes without any device model: the bytes sent to
 * COM1 (writes to the transmit register 0x3F8 while the line control register's DLAB bit is
 * clear; DLAB is followed through writes to 0x3FB) and the debug-exit request (the first write
 * to 0xF4..0xF7, status {@code (v << 1) | 1} like QEMU's isa-debug-exit). In loopback mode
 * (MCR bit 4, followed through writes to 0x3FC) transmitted bytes stay inside the UART, as on the
 * live machine. Wider writes to COM1's ports are split into bytes on consecutive ports, as the
 * live UART sees them. A console stream that fails (a closed pipe) is dropped from then on, like
 * the live UART's: the replay itself goes on.
 */
final class ReplayOutputs {
    private static final int COM1 = 0x3F8;
    private static final int LCR = COM1 + 3;
    private static final int MCR = COM1 + 4;
    private static final int DLAB = 0x80;
    private static final int LOOPBACK = 0x10;
    private static final int DEBUG_EXIT = 0xF4;

    private final OutputStream console;
    /** Console bytes not yet written: the console is written a line (or a full buffer) at a time. */
    private final byte[] pending = new byte[4096];
    private int pendingCount;
    private boolean dlab;
    private boolean loopback;
    private boolean consoleBroken;
    private boolean muted;
    private long consoleBytes;
    private boolean exitRequested;
    private int exitStatus;

    /** @param console where COM1's bytes go, or null to count them only ({@code --quiet}) */
    ReplayOutputs(OutputStream console) {
        this.console = console;
    }

    void out(int port, int size, int value) {
        if (port >= DEBUG_EXIT && port < DEBUG_EXIT + 4) {
            if (!exitRequested) {
                exitRequested = true;
                exitStatus = ((value & mask(size)) << 1) | 1;
            }
            return;
        }
        for (int i = 0; i < size; i++) {
            int p = (port + i) & 0xFFFF;
            if (p >= COM1 && p < COM1 + 8) uart(p, (value >>> (8 * i)) & 0xFF);
        }
    }

    private void uart(int port, int b) {
        if (port == LCR) {
            dlab = (b & DLAB) != 0;
        } else if (port == MCR) {
            loopback = (b & LOOPBACK) != 0;
        } else if (port == COM1 && !dlab && !loopback) {
            consoleBytes++;
            if (console != null && !consoleBroken && !muted) write(b);
        }
    }

    private void write(int b) {
        pending[pendingCount++] = (byte) b;
        if (b == '\n' || pendingCount == pending.length) flush();
    }

    /** Writes out buffered console bytes (at a newline, a full buffer and the end of the replay). */
    void flush() {
        if (pendingCount == 0 || consoleBroken) {
            pendingCount = 0;
            return;
        }
        try {
            console.write(pending, 0, pendingCount);
            console.flush();
        } catch (IOException e) {
            consoleBroken = true;
        } finally {
            pendingCount = 0;
        }
    }

    /** While muted, console bytes are counted but not written (seeking to a window's start). */
    void mute(boolean muted) {
        flush();
        this.muted = muted;
    }

    /** Line state a checkpoint keeps: DLAB, loopback, bytes so far, debug-exit. */
    boolean dlab() { return dlab; }

    boolean loopback() { return loopback; }

    void restore(boolean dlab, boolean loopback, long consoleBytes, boolean exitRequested, int exitStatus) {
        this.dlab = dlab;
        this.loopback = loopback;
        this.consoleBytes = consoleBytes;
        this.exitRequested = exitRequested;
        this.exitStatus = exitStatus;
    }

    private static int mask(int size) {
        return size >= 4 ? -1 : (1 << (8 * size)) - 1;
    }

    long consoleBytes() {
        return consoleBytes;
    }

    boolean exitRequested() {
        return exitRequested;
    }

    int exitStatus() {
        return exitStatus;
    }
}
