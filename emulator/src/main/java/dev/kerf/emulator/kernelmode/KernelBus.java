package dev.kerf.emulator.kernelmode;

import dev.kerf.emulator.cpu.CpuBus;

/**
 * The bus of the ring-0 component machine: no device answers, the activation's {@link PortLog}
 * does. Each IN must be the log's next access (same port and size) and gets its recorded value;
 * each OUT must be the next access with the same port, size and value. Anything else, or an
 * access past the log's end, stops the replay with a {@link KernelModeException}. No interrupt is
 * ever requested; a time stamp is not part of a component slice.
 */
final class KernelBus implements CpuBus {
    private final PortLog log;
    private int next;

    KernelBus(PortLog log) {
        this.log = log;
    }

    /** Accesses served or checked so far. */
    int consumed() {
        return next;
    }

    @Override
    public int in(int port, int size) {
        expect(false, port, size, 0);
        return log.value(next++);
    }

    @Override
    public void out(int port, int size, int value) {
        expect(true, port, size, value);
        next++;
    }

    private void expect(boolean out, int port, int size, int value) {
        String what = String.format("%s port 0x%x (%d bytes%s)", out ? "it writes" : "it reads", port, size,
                out ? String.format(", value 0x%x", value) : "");
        if (next >= log.count()) throw new KernelModeException(what + " after the " + log.count() + " recorded port accesses");
        boolean same = log.isOutput(next) == out && log.port(next) == port && log.size(next) == size && (!out || log.value(next) == value);
        if (!same) {
            throw new KernelModeException(String.format("%s where the recording's port access %d %s port 0x%x (%d bytes, value 0x%x)", what,
                    next, log.isOutput(next) ? "wrote" : "read", log.port(next), log.size(next), log.value(next)));
        }
    }

    @Override
    public boolean interruptRequested() {
        return false;
    }

    @Override
    public int acknowledgeInterrupt() {
        throw new IllegalStateException("no interrupt is ever requested on the kernel component bus");
    }

    @Override
    public long readTsc(long icount) {
        throw new KernelModeException("RDTSC: a component slice carries no time stamps");
    }
}
