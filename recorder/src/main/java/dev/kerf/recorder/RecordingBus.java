package dev.kerf.recorder;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.formats.journal.Event;

/**
 * The recording tap on the CPU boundary (design §4): forwards every access to the live bus and
 * logs what came back into the CPU: each IN's value, each RDTSC's value, and each interrupt the
 * CPU acknowledged with the icount and EIP it was taken at (before instruction icount + 1).
 * OUTs and the INTR line's level are not logged: the replay reproduces outputs itself, and only
 * an acknowledged interrupt changes what the CPU does.
 */
final class RecordingBus implements CpuBus {
    private final CpuBus live;
    private final EventLog log;
    private Cpu cpu;

    RecordingBus(CpuBus live, EventLog log) {
        this.live = live;
        this.log = log;
    }

    void attach(Cpu cpu) {
        this.cpu = cpu;
    }

    @Override
    public int in(int port, int size) {
        int value = live.in(port, size);
        log.append(new Event.PortIn(port, size, value));
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
        log.append(new Event.Interrupt(cpu.icount, vector, cpu.eip));
        return vector;
    }

    @Override
    public long readTsc(long icount) {
        long value = live.readTsc(icount);
        log.append(new Event.Rdtsc(value));
        return value;
    }
}
