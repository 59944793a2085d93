package dev.kerf.emulator.replay;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.formats.journal.Event;

/**
 * The CPU's outside world rebuilt from the journal alone (design §4): no device model answers.
 * IN and RDTSC take the next event, which must be of their kind (and for IN, the same port and
 * size); the INTR line is up exactly when the next event is an Interrupt recorded at the CPU's
 * current icount and EIP (EIP tells apart two polls at one icount, e.g. before a faulting
 * instruction and again at its handler); OUT goes to {@link ReplayOutputs}.
 *
 * <p>A mismatch is recorded as the first {@link Divergence} and the CPU is asked to stop; the
 * access gets an all-ones answer meanwhile. The CPU is also asked to stop whenever the next
 * event becomes one the replay loop waits for (an Interrupt, StateHash or End), so the loop can
 * set the next instruction limit.
 */
final class ReplayBus implements CpuBus {
    private final EventCursor events;
    private final ReplayOutputs outputs;
    private Cpu cpu;
    private Divergence divergence;
    private long verifiedAt;

    ReplayBus(EventCursor events, ReplayOutputs outputs) {
        this.events = events;
        this.outputs = outputs;
    }

    void attach(Cpu cpu) {
        this.cpu = cpu;
    }

    /** A StateHash matched at {@code icount}. */
    void verified(long icount) {
        verifiedAt = icount;
    }

    Divergence divergence() {
        return divergence;
    }

    @Override
    public int in(int port, int size) {
        Event e = events.head();
        if (divergence == null && e instanceof Event.PortIn p && p.port() == port && p.size() == size) {
            consume();
            return p.value() & mask(size);
        }
        diverge(Describe.event(e), String.format("IN of %d byte(s) from port 0x%x", size, port));
        return mask(size);
    }

    @Override
    public long readTsc(long icount) {
        Event e = events.head();
        if (divergence == null && e instanceof Event.Rdtsc r) {
            consume();
            return r.value();
        }
        diverge(Describe.event(e), "RDTSC");
        return 0;
    }

    @Override
    public boolean interruptRequested() {
        return divergence == null && events.head() instanceof Event.Interrupt i
                && i.icount() == cpu.icount && i.eip() == cpu.eip;
    }

    @Override
    public int acknowledgeInterrupt() {
        if (!(events.head() instanceof Event.Interrupt i)) {
            throw new IllegalStateException("INTA without a pending interrupt event: the CPU broke the CpuBus contract");
        }
        if ((i.vector() & ~0xFF) != 0) { // only a damaged or forged journal says so
            diverge("an interrupt vector 0..255", Describe.event(i));
            return i.vector() & 0xFF;
        }
        consume();
        cpu.requestStop(); // the loop sets the next limit from the event after it
        return i.vector();
    }

    @Override
    public void out(int port, int size, int value) {
        outputs.out(port, size, value);
    }

    /** Records the first divergence and stops the CPU after this instruction. */
    void diverge(String expected, String actual) {
        if (divergence != null) return;
        divergence = new Divergence(events.index(), events.position(), cpu.icount, cpu.eip, expected, actual,
                Describe.registers(cpu), verifiedAt);
        cpu.requestStop();
    }

    private void consume() {
        events.advance();
        Event next = events.head();
        if (next == null || EventCursor.timed(next)) cpu.requestStop();
    }

    private static int mask(int size) {
        return size >= 4 ? -1 : (1 << (8 * size)) - 1;
    }
}
