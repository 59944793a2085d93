package dev.kerf.emulator.replay;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.formats.journal.Event;

import java.util.List;

/**
 * The CPU's outside world rebuilt from the journal alone (design §4): no device model answers.
 * IN and RDTSC take the next event, which must be of their kind (and for IN, the same port and
 * size; a port block answers its reads one at a time); the INTR line is up exactly when the next
 * event is an Interrupt recorded at the CPU's current icount and faults-since-retire (the pair
 * names one interrupt poll: before a faulting instruction and at its handler differ); OUT goes to
 * {@link ReplayOutputs}.
 *
 * <p>A sticky port (the manifest's stickyPorts) answers its current value: the head is consumed
 * only when it is a PortChange for that port at the CPU's current icount and faults, which sets
 * the new value. Other events never wait on a sticky read, so it needs no device model either.
 *
 * <p>A mismatch is recorded as the first {@link Divergence} and the CPU is asked to stop; the
 * access gets an all-ones answer meanwhile. The CPU is also asked to stop whenever the next
 * event becomes one the replay loop waits for (an Interrupt, PortChange, StateHash or End), so
 * the loop can set the next instruction limit.
 */
final class ReplayBus implements CpuBus {
    private final EventCursor events;
    private final ReplayOutputs outputs;
    /** Per port: 0, or 1 + its index in the sticky values below. */
    private final short[] stickySlot = new short[0x10000];
    private final int[] stickyPorts;
    /** Per sticky port: the size (0: no value yet) and value of its last recorded change. */
    private final int[] stickySize;
    private final int[] stickyValue;
    private Cpu cpu;
    private Divergence divergence;
    private long verifiedAt;

    ReplayBus(EventCursor events, ReplayOutputs outputs, List<Integer> stickyPorts) {
        this.events = events;
        this.outputs = outputs;
        this.stickyPorts = new int[stickyPorts.size()];
        stickySize = new int[stickyPorts.size()];
        stickyValue = new int[stickyPorts.size()];
        for (int i = 0; i < stickyPorts.size(); i++) {
            this.stickyPorts[i] = stickyPorts.get(i);
            stickySlot[stickyPorts.get(i)] = (short) (i + 1);
        }
    }

    void attach(Cpu cpu) {
        this.cpu = cpu;
    }

    /** A StateHash matched at {@code icount}. */
    void verified(long icount) {
        verifiedAt = icount;
    }

    long verifiedAt() {
        return verifiedAt;
    }

    Divergence divergence() {
        return divergence;
    }

    /** The sticky ports' current (size, value) pairs, in manifest order: state a checkpoint must keep. */
    int[] stickyState() {
        int[] s = new int[2 * stickyPorts.length];
        for (int i = 0; i < stickyPorts.length; i++) {
            s[2 * i] = stickySize[i];
            s[2 * i + 1] = stickyValue[i];
        }
        return s;
    }

    /** Restores what {@link #stickyState()} returned (resuming from a checkpoint). */
    void restoreStickyState(int[] s) {
        if (s.length != 2 * stickyPorts.length) throw new IllegalArgumentException("sticky state for another port set");
        for (int i = 0; i < stickyPorts.length; i++) {
            stickySize[i] = s[2 * i];
            stickyValue[i] = s[2 * i + 1];
        }
    }

    @Override
    public int in(int port, int size) {
        int slot = stickySlot[port & 0xFFFF] - 1;
        if (slot >= 0) return stickyIn(slot, port, size);
        Event e = events.head();
        if (divergence == null) {
            if (e instanceof Event.PortBlock b && b.port() == port && b.size() == size) {
                int count = b.count();
                int value = b.value(events.inBlock());
                events.advanceInBlock(count);
                if (events.inBlock() == 0) afterConsume();
                return value;
            }
            if (e instanceof Event.PortIn p && p.port() == port && p.size() == size) {
                consume();
                return p.value() & mask(size);
            }
        }
        diverge(Describe.event(e), String.format("IN of %d byte(s) from port 0x%x", size, port));
        return mask(size);
    }

    private int stickyIn(int slot, int port, int size) {
        if (divergence != null) return mask(size);
        Event e = events.head();
        if (e instanceof Event.PortChange c && c.port() == port && c.icount() == cpu.icount
                && c.faults() == cpu.faultsSinceRetire()) {
            if (c.size() != size) {
                diverge(Describe.event(c), String.format("IN of %d byte(s) from port 0x%x", size, port));
                return mask(size);
            }
            stickySize[slot] = size;
            stickyValue[slot] = c.value() & mask(size);
            consume();
            cpu.requestStop(); // the loop ran to just past this read; it sets the next limit from the event after it
        } else if (stickySize[slot] != size) {
            diverge(stickySize[slot] == 0 ? "a recorded first read of sticky port " + String.format("0x%x", port)
                    + " before " + Describe.event(e) : "a " + stickySize[slot] + "-byte read of sticky port "
                    + String.format("0x%x", port), String.format("IN of %d byte(s) from port 0x%x", size, port));
            return mask(size);
        }
        return stickyValue[slot];
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
                && i.icount() == cpu.icount && i.faults() == cpu.faultsSinceRetire();
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
        afterConsume();
    }

    private void afterConsume() {
        Event next = events.head();
        if (next == null || EventCursor.timed(next)) cpu.requestStop();
    }

    private static int mask(int size) {
        return size >= 4 ? -1 : (1 << (8 * size)) - 1;
    }
}
