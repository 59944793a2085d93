package dev.kerf.recorder;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.formats.journal.Event;

import java.util.List;

/**
 * The recording tap on the CPU boundary (design §4): forwards every access to the live bus and
 * logs what came back into the CPU: each IN's value, each RDTSC's value, and each interrupt the
 * CPU acknowledged with the icount and the faults delivered at that icount (before instruction
 * icount + 1). A read of a sticky port (COM1's line status, polled before every output byte) is
 * logged only when its value differs from that port's previous read, as a PortChange naming
 * where it happened, so the replay knows when the value changed without being told every read.
 * OUTs and the INTR line's level are not logged: the replay reproduces outputs itself, and only
 * an acknowledged interrupt changes what the CPU does.
 */
final class RecordingBus implements CpuBus {
    private final CpuBus live;
    private final EventLog log;
    /** Per port: 0, or 1 + its index in the sticky values below. */
    private final short[] stickySlot = new short[0x10000];
    /** Per sticky port: the size (0: never read) and value of its last read. */
    private final int[] stickySize;
    private final int[] stickyValue;
    private Cpu cpu;

    RecordingBus(CpuBus live, EventLog log, List<Integer> stickyPorts) {
        this.live = live;
        this.log = log;
        stickySize = new int[stickyPorts.size()];
        stickyValue = new int[stickyPorts.size()];
        for (int i = 0; i < stickyPorts.size(); i++) stickySlot[stickyPorts.get(i)] = (short) (i + 1);
    }

    void attach(Cpu cpu) {
        this.cpu = cpu;
    }

    @Override
    public int in(int port, int size) {
        int value = live.in(port, size);
        int slot = stickySlot[port & 0xFFFF] - 1;
        if (slot < 0) {
            log.portIn(port, size, value);
        } else if (stickySize[slot] != size || stickyValue[slot] != value) {
            stickySize[slot] = size;
            stickyValue[slot] = value;
            log.append(new Event.PortChange(cpu.icount, cpu.faultsSinceRetire(), port, size, value));
        }
        return value;
    }

    @Override
    public void out(int port, int size, int value) {
        live.out(port, size, value);
    }

    @Override
    public boolean interruptRequested() {
        return live.interruptRequested();
    }

    @Override
    public int acknowledgeInterrupt() {
        int vector = live.acknowledgeInterrupt();
        log.append(new Event.Interrupt(cpu.icount, vector, cpu.faultsSinceRetire()));
        return vector;
    }

    @Override
    public long readTsc(long icount) {
        long value = live.readTsc(icount);
        log.append(new Event.Rdtsc(value));
        return value;
    }
}
