package dev.kerf.emulator.replay;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuStop;
import dev.kerf.emulator.loader.MultibootLoader;
import dev.kerf.emulator.mmu.PhysicalMemory;
import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;

import java.io.OutputStream;

/**
 * Replays a recording on a CPU and RAM alone (design §4): the journal answers every IN, RDTSC and
 * interrupt; no device model and no disk image take part.
 *
 * <p>The loop runs the CPU up to the icount of the next event it must act on: an Interrupt (the
 * CPU then polls INTR right there, see {@link ReplayBus}), a StateHash (recomputed with
 * {@link StateHasher} and compared; the one right before End covers RAM too), or End. While the
 * next event is a port read or RDTSC, which carry no icount, the CPU runs up to the next multiple
 * of the StateHash interval at most: the recording has a StateHash there, so a CPU that no longer
 * asks for the read is caught there instead of running on. A halted CPU costs nothing: its icount
 * stands still and the next Interrupt is at that same icount. The first mismatch ends the replay
 * with a {@link Divergence}; nothing after it is trusted.
 */
public final class Replayer {
    /** {@link #target} results that are not instruction counts. */
    private static final long DONE = -1, AGAIN = -2;

    private final Cpu cpu;
    private final EventCursor events;
    private final ReplayBus bus;
    private final ReplayOutputs outputs;
    private final long hashEvery;
    private long hashesMatched;
    private boolean tripleFaulted;

    /** @param console where the guest's COM1 output goes, or null to discard it */
    public Replayer(ReplayBoot boot, EventSource source, OutputStream console) {
        this.events = new EventCursor(source);
        this.outputs = new ReplayOutputs(console);
        this.bus = new ReplayBus(events, outputs);
        this.cpu = new Cpu(new PhysicalMemory(boot.ramBytes()), bus);
        this.hashEvery = boot.stateHashEvery();
        bus.attach(cpu);
        MultibootLoader.boot(boot.kernelName(), boot.kernel(), boot.cmdline(), boot.modules(), cpu);
    }

    public Cpu cpu() {
        return cpu;
    }

    /** Replays to the End event, to the last event of a cut-short recording, or to the first divergence. */
    public ReplayResult run() {
        while (true) {
            if (bus.divergence() != null) return result(ReplayResult.Outcome.DIVERGED, null);
            Event head = events.head();
            if (head == null) return result(ReplayResult.Outcome.CUT_SHORT, null);
            long target = target(head);
            if (bus.divergence() != null) continue;
            if (target == DONE) return result(ReplayResult.Outcome.COMPLETE, ((Event.End) head).reason());
            if (target == AGAIN) continue;
            runTo(target, head);
        }
    }

    /**
     * The icount to run to for the head event; or AGAIN when it was handled without running the
     * CPU (a matching StateHash), DONE at a matching End; or a divergence was recorded.
     */
    private long target(Event head) {
        if (head instanceof Event.Interrupt i) {
            if (behind(i.icount(), head)) return AGAIN;
            if (cpu.icount == i.icount()) return i.icount() + 1; // the CPU polls INTR on entry
            return Math.min(i.icount(), nextMark());
        }
        if (head instanceof Event.StateHash s) {
            if (behind(s.icount(), head)) return AGAIN;
            if (cpu.icount < s.icount()) return Math.min(s.icount(), nextMark());
            if (tripleFaultDue()) return cpu.icount + 1;
            checkHash(s);
            return AGAIN;
        }
        if (head instanceof Event.End end) {
            if (behind(end.icount(), head)) return AGAIN;
            if (cpu.icount < end.icount()) return Math.min(end.icount(), nextMark());
            if (tripleFaultDue()) return cpu.icount + 1;
            checkEnd(end);
            return bus.divergence() == null ? DONE : AGAIN;
        }
        return nextMark(); // a port read or RDTSC comes before the next mark
    }

    /**
     * The next multiple of the StateHash interval: the recording has a StateHash there unless it
     * ended first, so no run goes past it (a damaged or forged journal cannot make the CPU run on
     * unchecked).
     */
    private long nextMark() {
        return (cpu.icount / hashEvery + 1) * hashEvery;
    }

    /** The CPU is past the icount the head event was recorded at: it missed it. */
    private boolean behind(long icount, Event head) {
        if (cpu.icount <= icount) return false;
        bus.diverge(Describe.event(head), "the CPU went past icount " + icount + " without it");
        return true;
    }

    /** The recording ended in a triple fault that the replay has not reproduced yet. */
    private boolean tripleFaultDue() {
        Event end = events.head() instanceof Event.End ? events.head() : events.afterHead();
        return !tripleFaulted && end instanceof Event.End e && e.reason() == EndReason.TRIPLE_FAULT;
    }

    private void checkHash(Event.StateHash s) {
        boolean last = events.afterHead() instanceof Event.End;
        long actual = last ? StateHasher.full(cpu) : StateHasher.registers(cpu);
        if (actual != s.hash() && events.afterHead() == null) {
            actual = StateHasher.full(cpu); // a cut-short journal may end on the final hash (End lost)
            last = true;
        }
        if (actual != s.hash()) {
            bus.diverge(String.format("%s%s 0x%016x", last ? "final (registers and RAM) " : "",
                    Describe.event(s), s.hash()), String.format("0x%016x with %s", actual, Describe.registers(cpu)));
            return;
        }
        hashesMatched++;
        bus.verified(s.icount());
        events.advance();
    }

    private void checkEnd(Event.End end) {
        if (end.reason() == EndReason.GUEST_EXIT && (!outputs.exitRequested() || outputs.exitStatus() != end.status())) {
            bus.diverge("the guest's debug-exit with status " + end.status(), outputs.exitRequested()
                    ? "debug-exit status " + outputs.exitStatus() : "no write to the debug-exit port");
            return;
        }
        events.advance();
    }

    /** Runs the CPU toward {@code target} and checks that the way it stopped fits the recording. */
    private void runTo(long target, Event head) {
        long icountBefore = cpu.icount;
        long indexBefore = events.index();
        CpuStop stop = cpu.run(target);
        if (bus.divergence() != null) return;
        switch (stop) {
            case TRIPLE_FAULT -> {
                if (tripleFaultDue() && cpu.icount == endIcount()) tripleFaulted = true;
                else bus.diverge(Describe.event(events.head()), "a triple fault");
            }
            case HALTED -> {
                if (cpu.icount == icountBefore && events.index() == indexBefore) {
                    bus.diverge(Describe.event(head), String.format("a halted CPU (IF=%d) that nothing wakes",
                            (cpu.getEflags() >> 9) & 1));
                }
            }
            case LIMIT -> {
                Event now = events.head(); // still a port read or RDTSC at a StateHash mark: the CPU skipped it
                if (now != null && !EventCursor.timed(now)) {
                    bus.diverge(Describe.event(now) + " before icount " + target, "no such access");
                } else if (now != null && cpu.icount % hashEvery == 0 && icountOf(now) > cpu.icount) {
                    bus.diverge("a state hash at icount " + cpu.icount + " (the recording hashes every " + hashEvery
                            + " instructions)", "none: the next event is " + Describe.event(now));
                }
            }
            case STOP_REQUESTED -> { }
        }
    }

    private static long icountOf(Event timed) {
        if (timed instanceof Event.Interrupt i) return i.icount();
        if (timed instanceof Event.StateHash h) return h.icount();
        return ((Event.End) timed).icount();
    }

    private long endIcount() {
        Event end = events.head() instanceof Event.End ? events.head() : events.afterHead();
        return ((Event.End) end).icount();
    }

    private ReplayResult result(ReplayResult.Outcome outcome, EndReason reason) {
        outputs.flush();
        return new ReplayResult(outcome, cpu.icount, events.index(), hashesMatched, outputs.consoleBytes(), reason,
                outputs.exitRequested() ? outputs.exitStatus() : -1, bus.divergence());
    }
}
